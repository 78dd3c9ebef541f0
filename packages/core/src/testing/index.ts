export * from './builder';
export * from './run';
