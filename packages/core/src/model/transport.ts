import type { ClusterState, Verdict } from './cluster';
import type { Finding } from './finding';
import type { TimelineEvent } from './timeline';
import type { StatePatch } from '../patch';

/** One tile of the overview. */
export interface ClusterSummary {
  readonly id: string;
  readonly context: string;
  /** ClusterIdentity.name: what screens and alerts call the cluster. */
  readonly name: string;
  readonly verdict: Verdict;
  readonly worstFinding: Finding | null;
  /** Current findings by severity; expected ones are counted apart, below. */
  readonly findingCounts: Readonly<Record<'critical' | 'warning' | 'info', number>>;
  /** Expected findings (early warnings) open; absent in summaries made before they existed. */
  readonly expectedCount?: number;
  /** The expected finding due first (by expectedAt, else the first), null with none. */
  readonly soonestExpected?: Finding | null;
  readonly observedAt: number;
  readonly labels: Readonly<Record<string, string>>;
}

export interface SnapshotMessage {
  readonly clusterId: string;
  readonly version: number;
  readonly state: ClusterState;
}
/**
 * Changes the named parts of the state at `baseVersion` (keyed arrays entry by entry, see core's applyPatch), giving
 * `version` (= baseVersion + 1).
 */
export interface PatchMessage {
  readonly clusterId: string;
  readonly version: number;
  readonly baseVersion: number;
  readonly parts: StatePatch;
}
export interface OverviewMessage {
  readonly version: number;
  readonly clusters: readonly ClusterSummary[];
}
export interface ErrorMessage {
  readonly code: 'unknown-cluster' | 'bad-request' | 'too-many-subscriptions' | 'unauthorized';
  readonly message: string;
}

/** Socket.io events the server emits. */
export interface ServerToClientEvents {
  snapshot: (message: SnapshotMessage) => void;
  patch: (message: PatchMessage) => void;
  overview: (message: OverviewMessage) => void;
  timeline: (event: TimelineEvent) => void;
  'hawk-error': (message: ErrorMessage) => void;
}

/** What a client asks for: one cluster's state, or the overview of all. */
export type Subscription = { readonly clusterId: string } | { readonly overview: true };

/** Socket.io events the client emits. */
export interface ClientToServerEvents {
  subscribe: (subscription: Subscription) => void;
  unsubscribe: (subscription: Subscription) => void;
  /** Asks for a fresh snapshot, e.g. after a missed version. */
  resync: (request: { readonly clusterId: string }) => void;
}
