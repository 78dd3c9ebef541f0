import type { ApiServerFrontDoor, ApiServerInstance } from './apiserver';
import type { CertificateExpiry, ObservedCertificate } from './certificate';
import type { EtcdDbSample, EtcdDbUse, EtcdMetricsSample, EtcdView, QuorumView } from './etcd';
import type { DistributionView } from './distribution';
import type { Finding } from './finding';
import type { Freshness } from './freshness';
import type { LeaseTrack, LeaseView } from './lease';
import type { ControlPlaneNode, ControlPlanePod } from './node';

/** Bumped whenever the shape of ClusterState changes, so clients can refuse what they cannot read. */
export const MODEL_VERSION = 2;

export interface ClusterIdentity {
  /** Stable id used in URLs and socket rooms (the kubeconfig context name, slugged). */
  readonly id: string;
  readonly context: string;
  /**
   * The name people recognise, shown on screens and in alerts: HAWK_CONFIG's `name`, HAWK_CLUSTER_NAME for
   * the cluster hawk runs in, kubeadm's clusterName, else the context (the server's cluster-name.ts). Unlike
   * `id` it may change.
   */
  readonly name: string;
  /** The kubeconfig's server URL (credentials never leave the backend). */
  readonly server: string;
  readonly labels: Readonly<Record<string, string>>;
}

export type Reachability =
  | { readonly state: 'reachable' }
  | { readonly state: 'unreachable'; readonly error: string; readonly since: number }
  | { readonly state: 'connecting' };

/** Names of the backend's sources; each reports its own freshness. */
export type SourceName =
  | 'leases'
  | 'lease-candidates'
  | 'endpointslice'
  | 'identity-leases'
  | 'pods'
  | 'nodes'
  | 'apiserver-probes'
  | 'etcd'
  | 'cluster-info';

/**
 * Everything the backend's sources currently know of one cluster: the input to `evaluateCluster`.
 * Plain data; the sources fold watch events into it and the core judges it.
 */
export interface ClusterInput {
  readonly identity: ClusterIdentity;
  readonly reachability: Reachability;
  readonly sources: Readonly<Partial<Record<SourceName, Freshness>>>;
  readonly apiServers: readonly ApiServerInstance[];
  readonly frontDoor: ApiServerFrontDoor;
  /** Leader-election leases keyed by "namespace/name". */
  readonly leases: Readonly<Record<string, LeaseTrack>>;
  readonly etcd: EtcdView;
  readonly nodes: readonly ControlPlaneNode[];
  readonly pods: readonly ControlPlanePod[];
  /**
   * The API serves no control-plane objects of its own (no apiserver pods, no component leases): a managed control
   * plane.
   */
  readonly controlPlaneHidden: boolean;
  /** The distribution detected from the version, API groups, nodes, kubeadm-config and pods; absent until detected. */
  readonly distribution?: DistributionView;
  /** Certificates read from TLS handshakes and hawk's kubeconfig; absent until the first read. */
  readonly certificates?: readonly ObservedCertificate[];
  /** Each member's recent DB sizes by member id, oldest first, for the quota projection; not passed to screens. */
  readonly etcdDbSamples?: Readonly<Record<string, readonly EtcdDbSample[]>>;
  /** Each member's recent /metrics scrapes by member id, oldest first, for the degradation trend; not for screens. */
  readonly etcdMetricsSamples?: Readonly<Record<string, readonly EtcdMetricsSample[]>>;
}

export type Verdict =
  /** Every component redundant and healthy. */
  | 'ha-ok'
  /** Redundancy reduced but still serving (one instance down, etcd one failure from quorum loss). */
  | 'degraded'
  /** A single point of failure by design (one apiserver, one candidate, one etcd member). */
  | 'spof'
  /** The control plane is failing now (quorum lost, no leader, no apiserver serving). */
  | 'down'
  /** Managed control plane: hawk cannot see it, and says so instead of guessing. */
  | 'not-visible'
  /** hawk cannot reach the cluster or its view is stale. */
  | 'unknown';

/** What losing one node or zone now would do. */
export interface FailureImpact {
  readonly kind: 'node' | 'zone';
  readonly name: string;
  readonly apiServersLeft: number;
  readonly apiServersTotal: number;
  /** Leases whose every live candidate runs on the failed node/zone. */
  readonly leasesWithoutCandidate: readonly string[];
  readonly etcd: { readonly healthyLeft: number; readonly voters: number; readonly quorumKept: boolean } | null;
  /** One line an SRE reads: "losing cp-2 now would leave etcd at 1/3: quorum lost". */
  readonly summary: string;
  readonly survivable: boolean;
}

/** The judged state of one cluster, as pushed to screens and served over REST. */
export interface ClusterState {
  readonly modelVersion: number;
  readonly identity: ClusterIdentity;
  readonly reachability: Reachability;
  /** hawk's clock when this state was evaluated (epoch ms). */
  readonly observedAt: number;
  readonly verdict: Verdict;
  readonly sources: Readonly<Partial<Record<SourceName, Freshness>>>;
  readonly apiServers: {
    readonly instances: readonly ApiServerInstance[];
    readonly frontDoor: ApiServerFrontDoor;
    readonly serving: number;
  };
  readonly leases: readonly LeaseView[];
  /** What etcd reported, with the quorum and each member's DB use as core judged them. */
  readonly etcd: EtcdView & { readonly quorum: QuorumView; readonly dbUse: readonly EtcdDbUse[] };
  readonly nodes: readonly ControlPlaneNode[];
  readonly pods: readonly ControlPlanePod[];
  readonly controlPlaneHidden: boolean;
  /** Which distribution this is and what hawk cannot see of it ("kubeadm, stacked etcd"). */
  readonly distribution?: DistributionView;
  /** The certificates hawk read, judged against their end; absent until the first read. */
  readonly certificates?: readonly CertificateExpiry[];
  /** Sorted: critical first, then by since. Consequences carry causedBy. */
  readonly findings: readonly Finding[];
  readonly failureImpacts: readonly FailureImpact[];
}
