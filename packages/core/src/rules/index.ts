import { apiServerInstanceNotReady } from './apiserver-instance-not-ready';
import { apiServerReducedServing } from './apiserver-reduced-serving';
import { apiServerSingleInstance } from './apiserver-single-instance';
import { certificateExpiring } from './certificate-expiring';
import { clusterControlPlaneNotVisible } from './cluster-control-plane-not-visible';
import { clusterUnreachable } from './cluster-unreachable';
import { etcdAlarm } from './etcd-alarm';
import { etcdDbNearQuota } from './etcd-db-near-quota';
import { etcdDegrading } from './etcd-degrading';
import { etcdEvenMemberCount } from './etcd-even-member-count';
import { etcdLeaderFlapping } from './etcd-leader-flapping';
import { etcdNoLeader } from './etcd-no-leader';
import { etcdOneFailureFromQuorumLoss } from './etcd-one-failure-from-quorum-loss';
import { etcdQuorumLost } from './etcd-quorum-lost';
import { etcdQuotaExhaustionPredicted } from './etcd-quota-exhaustion-predicted';
import { etcdSingleMember } from './etcd-single-member';
import { hawkObjectsDropped } from './hawk-objects-dropped';
import { hawkSourceStale } from './hawk-source-stale';
import { leaderElectionFlapping } from './leader-election-flapping';
import { leaderElectionLeaderLost } from './leader-election-leader-lost';
import { leaderElectionMalformed } from './leader-election-malformed';
import { leaderElectionMarginLow } from './leader-election-margin-low';
import { leaderElectionNoHolder } from './leader-election-no-holder';
import { leaderElectionRenewOverdue } from './leader-election-renew-overdue';
import { leaderElectionSingleCandidate } from './leader-election-single-candidate';
import { loadBalancerMissing } from './load-balancer-missing';
import { loadBalancerUnreachable } from './load-balancer-unreachable';
import type { Rule } from './rule';
import { topologyNodeDown } from './topology-node-down';
import { topologySingleNode } from './topology-single-node';
import { topologySingleZone } from './topology-single-zone';
import { topologyStackedEtcd } from './topology-stacked-etcd';

export type { FindingDraft, Impact, Rule } from './rule';

/** Rules judging a reachable, visible control plane. */
export const CONTROL_PLANE_RULES: readonly Rule[] = [
  apiServerSingleInstance,
  apiServerInstanceNotReady,
  apiServerReducedServing,
  loadBalancerMissing,
  loadBalancerUnreachable,
  leaderElectionSingleCandidate,
  leaderElectionRenewOverdue,
  leaderElectionLeaderLost,
  leaderElectionNoHolder,
  leaderElectionMalformed,
  leaderElectionFlapping,
  leaderElectionMarginLow,
  etcdQuorumLost,
  etcdOneFailureFromQuorumLoss,
  etcdSingleMember,
  etcdEvenMemberCount,
  etcdNoLeader,
  etcdAlarm,
  etcdDbNearQuota,
  etcdQuotaExhaustionPredicted,
  etcdDegrading,
  etcdLeaderFlapping,
  topologySingleNode,
  topologySingleZone,
  topologyStackedEtcd,
  topologyNodeDown,
  certificateExpiring,
  hawkSourceStale,
  hawkObjectsDropped,
];

/** The one rule for a cluster hawk cannot reach. */
export const UNREACHABLE_RULES: readonly Rule[] = [clusterUnreachable];

/** The one rule for a managed control plane. */
export const NOT_VISIBLE_RULES: readonly Rule[] = [clusterControlPlaneNotVisible];
