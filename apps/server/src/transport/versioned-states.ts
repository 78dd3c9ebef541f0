import {
  diffStates,
  summarizeCluster,
  type ClusterState,
  type OverviewMessage,
  type PatchMessage,
  type SnapshotMessage,
} from '@hawk/core';

/** What one state change produces for the screens (nothing when only `observedAt` moved, see diffStates). */
export interface Advance {
  readonly snapshot: SnapshotMessage;
  readonly patch: PatchMessage;
  readonly summaryChanged: boolean;
}

/**
 * VersionedStates is the latest judged state of every cluster with its version: what a replica
 * serves snapshots, REST and metrics from. Each replica advances its own from its own hub; versions
 * are per replica, so a client that reconnects to another replica is sent a snapshot (which always
 * wins over patches, see the web's fold) rather than patches on a base it does not hold.
 */
export interface VersionedStates {
  /** Records `state` as the next version; null when nothing changed. */
  advance(state: ClusterState): Advance | null;
  snapshot(clusterId: string): SnapshotMessage | undefined;
  list(): readonly SnapshotMessage[];
  overview(): OverviewMessage;
}

export function createVersionedStates(): VersionedStates {
  const latest = new Map<string, SnapshotMessage>();

  // Sum of the clusters' versions: increases with every change of any cluster.
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
      const summaryChanged =
        !previous || JSON.stringify(summarizeCluster(previous.state)) !== JSON.stringify(summarizeCluster(state));
      return { snapshot, patch: { clusterId, version: snapshot.version, baseVersion, parts }, summaryChanged };
    },
    snapshot: (clusterId) => latest.get(clusterId),
    list: () => [...latest.values()],
    overview: () => ({
      version: overviewVersion(),
      clusters: [...latest.values()].map((entry) => summarizeCluster(entry.state)),
    }),
  };
}
