import type { ClusterState, TimelineEvent } from '@hawk/core';

/**
 * HistoryRepository keeps the timeline and every state change, so the timeline survives restarts
 * and the full state at any past moment can be replayed. One file per backend implements it.
 */
export interface HistoryRepository {
  appendTimeline(event: TimelineEvent): Promise<void>;
  /** Records a changed state; stored as a full snapshot or as the parts that changed. */
  appendState(state: ClusterState): Promise<void>;
  /** Events with from ≤ at ≤ to (epoch ms), oldest first, at most `limit`. */
  timeline(clusterId: string, from: number, to: number, limit?: number): Promise<readonly TimelineEvent[]>;
  /** The state as it was at time t (epoch ms); undefined before the first record kept. */
  stateAt(clusterId: string, t: number): Promise<ClusterState | undefined>;
  /** Drops what is older than `before` (epoch ms), keeping what replaying later times needs. */
  prune(before: number): Promise<{ readonly timeline: number; readonly states: number }>;
  close(): Promise<void>;
}
