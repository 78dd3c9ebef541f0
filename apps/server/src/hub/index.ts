export type { ClusterHub } from './cluster-hub';
export { createClusterHub, type ClusterHubOptions, type SourcesHub } from './create-cluster-hub';
export type { SourceStats } from '../sources/supervisor';
