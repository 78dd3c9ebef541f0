export * from './builder';
export * from './etcd-view';
export * from './run';
