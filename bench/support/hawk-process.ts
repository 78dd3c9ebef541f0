// Moved to @hawk/testkit: this re-export stays until bench/{chaos,replica-chaos,apiserver-load}.ts and support/fault-plans.ts import it there.
export * from '@hawk/testkit/hawk-process';
