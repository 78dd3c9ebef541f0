import type { SnapshotMessage, TimelineEvent } from '@hawk/core';

/**
 * StateRelay carries what the leader observes to the followers, which serve snapshots, REST and
 * metrics from it. Patches to clients do not go through here: the leader broadcasts them through
 * socket.io's adapter, which also replays them on connection state recovery.
 */
export interface StateRelay {
  publishState(snapshot: SnapshotMessage): Promise<void>;
  publishTimeline(event: TimelineEvent): Promise<void>;
  onState(listener: (snapshot: SnapshotMessage) => void): () => void;
  onTimeline(listener: (event: TimelineEvent) => void): () => void;
  /** Subscribes, then replays the latest snapshot of every cluster to the state listeners. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True once the latest snapshots were loaded (followers are ready then). */
  loaded(): boolean;
}

/** A single replica has nobody to relay to. */
export function createLocalRelay(): StateRelay {
  return {
    publishState: async () => undefined,
    publishTimeline: async () => undefined,
    onState: () => () => undefined,
    onTimeline: () => () => undefined,
    start: async () => undefined,
    stop: async () => undefined,
    loaded: () => true,
  };
}
