import { findingsLeftOpen, type ClusterState, type TimelineEvent } from '@hawk/core';
import { SERVER_DEFAULTS } from '../defaults';
import type { HistoryRepository } from '../history/history-repository';
import type { TimelineAtStart } from '../history/timeline-at-start';
import type { ClusterHub } from '../hub';
import type { Logger } from '../logger';
import type { VersionedStates } from '../transport/versioned-states';
import type { PushServer } from '../transport/socket-server';
import { mustActAlone, type Leadership } from './leadership';

export interface ReplicaOptions {
  readonly hub: ClusterHub;
  readonly leadership: Leadership;
  readonly states: VersionedStates;
  readonly history: HistoryRepository;
  /** The stored timeline as this process found it: what it left open is carried over to each cluster's runtime. */
  readonly storedAtStart: TimelineAtStart;
  readonly push: Pick<PushServer, 'broadcastPatch' | 'broadcastOverview' | 'broadcastTimeline'>;
  /** Called with every state this replica judges, e.g. for histograms. */
  readonly onAccepted?: (state: ClusterState) => void;
  /**
   * The history is one database every replica shares (PostgreSQL): only the leader writes it, or
   * every replica while nobody can be known to lead. A history of this replica's own (SQLite) is
   * always written, since this replica observed everything in it itself.
   */
  readonly sharedHistory: boolean;
  /** History older than this is pruned hourly (ms). */
  readonly retentionMs: number;
  readonly log: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** How a replica is doing, for /readyz and metrics. */
export interface Replica {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Every cluster's sources have synced or failed once. */
  ready(): boolean;
}

/**
 * createReplica runs one hawk replica. Every replica observes: its hub watches, probes and judges
 * the clusters from start to stop, whatever happens to leadership, and it pushes to its own socket
 * clients. Leadership gates only the shared history's writes (see ReplicaOptions.sharedHistory);
 * notifications have their own gate (alerts/). So a replica that loses, regains or cannot reach the
 * lock never stops, restarts or duplicates its watches.
 */
export function createReplica(options: ReplicaOptions): Replica {
  const { hub, leadership, states, history, push, log } = options;
  let pruneTimer: NodeJS.Timeout | undefined;
  const unsubscribers: (() => void)[] = [];

  const writesHistory = () => !options.sharedHistory || mustActAlone(leadership);
  const persist = (what: string, write: () => Promise<unknown>) => {
    if (!writesHistory()) return;
    void write().catch((error: unknown) => log.error({ err: error }, `history: ${what} not written`));
  };

  const publishState = (state: ClusterState) => {
    const advance = states.advance(state);
    if (!advance) return;
    // Screens first: the push is what latency is measured on; persistence follows in the same tick.
    push.broadcastPatch(advance.patch);
    if (advance.summaryChanged) push.broadcastOverview(states.overview());
    options.onAccepted?.(state);
    persist('state', () => history.appendState(state));
  };

  const publishTimeline = (event: TimelineEvent) => {
    push.broadcastTimeline(event);
    persist('timeline', () => history.appendTimeline(event));
  };

  const prune = () => persist('prune', () => history.prune(Date.now() - options.retentionMs));

  /** Each cluster gets what the stored timeline left open, read in the background: a slow history holds up nothing. */
  const carryOverStoredFindings = async () => {
    for (const state of hub.list()) {
      const clusterId = state.identity.id;
      const left = findingsLeftOpen(await options.storedAtStart.read(clusterId));
      if (left.length > 0) hub.carryOver?.(clusterId, left);
    }
  };

  return {
    async start() {
      unsubscribers.push(
        hub.onState(publishState),
        hub.onTimeline(publishTimeline),
        leadership.onChange((leading) =>
          log.info(
            { replica: leadership.identity, leading },
            leading
              ? 'leading: writing shared history and notifying'
              : 'following: observing, serving and leaving elected side effects to the leader',
          ),
        ),
      );
      await hub.start();
      for (const state of hub.list()) publishState(state);
      if (hub.carryOver)
        void carryOverStoredFindings().catch((error: unknown) =>
          log.error({ err: error }, 'history: open findings not read; any that cleared meanwhile stay open'),
        );
      // Election runs beside observation; a lock store that hangs must not hold up serving.
      void leadership.start().catch((error: unknown) => log.error({ err: error }, 'leader election failed to start'));
      prune();
      pruneTimer = setInterval(prune, SERVER_DEFAULTS.historyPruneEveryMs);
      pruneTimer.unref();
    },
    async stop() {
      clearInterval(pruneTimer);
      await leadership.stop();
      unsubscribers.splice(0).forEach((unsubscribe) => unsubscribe());
      await hub.stop();
    },
    ready: () => hub.settled(),
  };
}
