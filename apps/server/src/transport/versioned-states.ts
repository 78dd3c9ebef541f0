import { diffStates, summarizeCluster, type ClusterState, type OverviewMessage, type PatchMessage, type SnapshotMessage } from '@hawk/core';

/** What one state change produces for the screens (nothing when only `observedAt` moved, see diffStates). */
export interface Advance {
  readonly snapshot: SnapshotMessage;
  readonly patch: PatchMessage;
  readonly summaryChanged: boolean;
}

/**
 * VersionedStates is the latest judged state of every cluster with its version: what every
 * replica serves snapshots, REST and metrics from. The leader advances it from the hub; followers
 * accept what the leader relayed, so versions agree across replicas and survive a leader change
 * (a new leader continues from the last version it accepted as a follower).
 */
export interface VersionedStates {
  /** Leader side: records `state` as the next version; null when nothing changed. */
  advance(state: ClusterState): Advance | null;
  /** Follower side: takes a relayed snapshot unless it is older than the one held. */
  accept(snapshot: SnapshotMessage): boolean;
  snapshot(clusterId: string): SnapshotMessage | undefined;
  list(): readonly SnapshotMessage[];
  overview(): OverviewMessage;
}

export function createVersionedStates(): VersionedStates {
  const latest = new Map<string, SnapshotMessage>();

  // Sum of the clusters' versions: increases with every change and is the same on every replica,
  // so an overview from any replica orders correctly against the others.
  const overviewVersion = () => [...latest.values()].reduce((sum, entry) => sum + entry.version, 0);

  return {
    advance(state) {
      const clusterId = state.identity.id;
      const previous = latest.get(clusterId);
      const parts = previous ? diffStates(previous.state, state) : state;
      if (previous && Object.keys(parts).length === 0) return null;
      const baseVersion = previous?.version ?? 0;
      const snapshot: SnapshotMessage = { clusterId, version: baseVersion + 1, state };
      latest.set(clusterId, snapshot);
      const summaryChanged = !previous || JSON.stringify(summarizeCluster(previous.state)) !== JSON.stringify(summarizeCluster(state));
      return { snapshot, patch: { clusterId, version: snapshot.version, baseVersion, parts }, summaryChanged };
    },
    accept(snapshot) {
      const held = latest.get(snapshot.clusterId);
      if (held && held.version >= snapshot.version) return false;
      latest.set(snapshot.clusterId, snapshot);
      return true;
    },
    snapshot: (clusterId) => latest.get(clusterId),
    list: () => [...latest.values()],
    overview: () => ({ version: overviewVersion(), clusters: [...latest.values()].map((entry) => summarizeCluster(entry.state)) }),
  };
}
