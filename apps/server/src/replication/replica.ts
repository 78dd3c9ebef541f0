import type { ClusterState, TimelineEvent } from '@hawk/core';
import type { HistoryRepository } from '../history/history-repository';
import type { ClusterHub } from '../hub';
import type { VersionedStates } from '../transport/versioned-states';
import type { PushServer } from '../transport/socket-server';
import type { Leadership } from './leadership';
import type { StateRelay } from './state-relay';

export interface ReplicaOptions {
  readonly hub: ClusterHub;
  readonly leadership: Leadership;
  readonly relay: StateRelay;
  readonly states: VersionedStates;
  readonly history: HistoryRepository;
  readonly push: Pick<PushServer, 'broadcastPatch' | 'broadcastOverview' | 'broadcastTimeline'>;
  /** Called with every state this replica takes in (leader or follower), e.g. for histograms. */
  readonly onAccepted?: (state: ClusterState) => void;
  /**
   * Followers also write what the leader relays into their own history. Needed when each replica
   * has its own file (SQLite), so any replica serves the timeline; off for a shared database.
   */
  readonly mirrorHistory: boolean;
  /** History older than this is pruned, by the leader, hourly (ms). */
  readonly retentionMs: number;
  readonly log: { info(details: object, message: string): void; warn(details: object, message: string): void; error(details: object, message: string): void };
}

/** How a replica is doing, for /readyz and metrics. */
export interface Replica {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Leader: the hub has settled. Follower: the leader's latest states were loaded. */
  ready(): boolean;
}

const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * createReplica runs one hawk replica. The leader watches (starts the hub), versions each state,
 * broadcasts patches through socket.io's adapter (so they reach every replica's clients and are
 * replayed on recovery), relays the snapshot to followers and writes history. Followers serve
 * snapshots, REST and metrics from what was relayed, and take over from where it stopped.
 */
export function createReplica(options: ReplicaOptions): Replica {
  const { hub, leadership, relay, states, history, push, log } = options;
  let pruneTimer: NodeJS.Timeout | undefined;
  // Leadership changes are applied one at a time: a hub must finish starting before it stops.
  let transition: Promise<void> = Promise.resolve();
  const unsubscribers: (() => void)[] = [];

  const persist = (what: string, write: Promise<void>) => void write.catch((error: unknown) => log.error({ err: error }, `history: ${what} not written`));
  const relayed = (what: string, send: Promise<void>) => void send.catch((error: unknown) => log.warn({ err: error }, `relay: ${what} not published`));

  const publishState = (state: ClusterState) => {
    const advance = states.advance(state);
    if (!advance) return;
    // Screens first: the push is what latency is measured on; persistence follows in the same tick.
    push.broadcastPatch(advance.patch);
    if (advance.summaryChanged) push.broadcastOverview(states.overview());
    options.onAccepted?.(state);
    relayed('state', relay.publishState(advance.snapshot));
    persist('state', history.appendState(state));
  };

  const publishTimeline = (event: TimelineEvent) => {
    push.broadcastTimeline(event);
    relayed('timeline', relay.publishTimeline(event));
    persist('timeline', history.appendTimeline(event));
  };

  const prune = () => persist('prune', history.prune(Date.now() - options.retentionMs).then(() => undefined));

  const lead = async () => {
    log.info({ replica: leadership.identity }, 'leading: starting the watches');
    await hub.start();
    for (const state of hub.list()) publishState(state);
    prune();
    pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
    pruneTimer.unref();
  };

  const follow = async () => {
    log.info({ replica: leadership.identity }, 'following: stopping the watches');
    clearInterval(pruneTimer);
    await hub.stop();
  };

  return {
    async start() {
      unsubscribers.push(
        hub.onState((state) => {
          if (leadership.isLeader()) publishState(state);
        }),
        hub.onTimeline((event) => {
          if (leadership.isLeader()) publishTimeline(event);
        }),
        relay.onState((snapshot) => {
          if (leadership.isLeader() || !states.accept(snapshot)) return;
          options.onAccepted?.(snapshot.state);
          if (options.mirrorHistory) persist('state', history.appendState(snapshot.state));
        }),
        relay.onTimeline((event) => {
          if (!leadership.isLeader() && options.mirrorHistory) persist('timeline', history.appendTimeline(event));
        }),
        leadership.onChange((leading) => {
          transition = transition.then(leading ? lead : follow).catch((error: unknown) => log.error({ err: error }, 'leadership change failed'));
        }),
      );
      await relay.start();
      await leadership.start();
      await transition;
    },
    async stop() {
      await leadership.stop();
      await transition;
      unsubscribers.splice(0).forEach((unsubscribe) => unsubscribe());
      clearInterval(pruneTimer);
      await relay.stop();
    },
    ready: () => (leadership.isLeader() ? hub.settled() : relay.loaded()),
  };
}
