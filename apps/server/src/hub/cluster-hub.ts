import type { CarriedFinding, ClusterState, TimelineEvent } from '@hawk/core';

/**
 * The seam between the sources (which watch clusters and judge them with @hawk/core) and the
 * transport (socket.io, REST, metrics, history). Sources implement it; transport only consumes it.
 */
export interface ClusterHub {
  /** Starts every cluster's sources; resolves once each has started (not synced: a dead cluster never blocks). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Current judged state of every watched cluster, in configuration order. */
  list(): readonly ClusterState[];
  get(clusterId: string): ClusterState | undefined;
  /** Called with the new state whenever anything in a cluster's judged state changes (not on a timer). */
  onState(listener: (state: ClusterState) => void): () => void;
  /** Called for every timeline event (leader transition, finding opened/resolved, probe failure…). */
  onTimeline(listener: (event: TimelineEvent) => void): () => void;
  /** True once every cluster's sources have either synced or reported an error (for /readyz). */
  settled(): boolean;
  /**
   * Hands a started cluster the findings the stored timeline left open; those that cleared while no hawk judged are
   * resolved once the cluster has been judged whole for a while. Optional: a hub that judges nothing has none.
   */
  carryOver?(clusterId: string, findings: readonly CarriedFinding[]): void;
}
