/**
 * What `@hawk/lab` resolves to in the unit lanes (core, web, server-unit; `pnpm test:unit`): those lanes
 * promise no lab and no network namespace, so a test that reaches the lab fails here, at import, with the
 * reason, instead of bringing a control plane up. vitest.lanes.ts puts a test that imports the lab into
 * the `server` lane; this guard catches what it cannot see.
 */
throw new Error(
  '@hawk/lab was imported from a unit-lane test (core, web, server-unit): the unit lanes never start the lab. ' +
    'Import the lab only from a test in a lab lane (packages/lab, the server lane, apps/web/e2e).',
);

export {};
