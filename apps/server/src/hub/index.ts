export { createClusterHub, type ClusterHubOptions, type ClusterSourceStats, type SourcesHub } from './create-cluster-hub';
export type { HubLogger } from './logger';
