export { ensureLab, openLab, labDown, type LifecycleOptions, type DownReport, type Progress } from './lifecycle';
export { Lab } from './lab';
export { LabView, type ProcessInfo, type LeaseHolder, type ApiServerReadiness, type WaitOptions } from './lab-view';
export { LabControl } from './control';
export { Faults } from './faults';
export { readiness, type Readiness } from './readiness';
export { labStatus, formatStatus, type LabStatus, type LeaseSummary } from './status';
export {
  resolveLabOptions,
  mustResolveLabOptions,
  UPSTREAM_LEADER_ELECTION,
  ELECTOR_TIMINGS,
  type ElectorTimingsName,
  LAB_PROFILES,
  DEFAULT_PROFILE,
  type LabProfile,
  type LabOptions,
  type LabOptionsInput,
  type LeaderElectionTimings,
} from './options';
export {
  planTopology,
  labIp,
  type LabTopology,
  type LabHost,
  type ComponentInstance,
  type ComponentKind,
  type LeaderElectedKind,
} from './topology';
export { labPaths, binaryDir, K8S_VERSION, type LabPaths } from './paths';
export type { FaultRecord } from './fault-log';
export type { EtcdClusterStatus, EtcdMember, EtcdMemberStatus } from './etcd-client';
export type { Lease } from './kube-client';
export { ensureWorkers, planWorkers } from './workers';
export {
  hawkInstall,
  hawkUninstall,
  rolloutDiagnosis,
  HAWK_NODE_PORT,
  type HawkInstallOptions,
  type HawkInstallResult,
} from './hawk-install';
export { hawkImages } from './hawk-images';
