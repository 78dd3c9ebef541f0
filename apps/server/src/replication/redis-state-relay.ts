import type { SnapshotMessage, TimelineEvent } from '@hawk/core';
import type { RedisClient } from './redis-lock';
import type { StateRelay } from './state-relay';

type RelayMessage = { readonly type: 'state'; readonly snapshot: SnapshotMessage } | { readonly type: 'timeline'; readonly event: TimelineEvent };

export interface RedisRelayOptions {
  /** Key prefix shared by the replicas of one hawk installation. */
  readonly prefix?: string;
  readonly log: { warn(details: object, message: string): void };
}

/**
 * Relays through Redis: the latest snapshot per cluster in a hash (what a follower loads on start
 * or after reconnecting) and each change on a pub/sub channel. A message lost while a follower was
 * disconnected is made good by the reload, and versions let the follower drop anything older.
 */
export function createRedisRelay(client: RedisClient, options: RedisRelayOptions): StateRelay {
  const prefix = options.prefix ?? 'hawk';
  const statesKey = `${prefix}:states`;
  const channel = `${prefix}:relay`;
  const stateListeners = new Set<(snapshot: SnapshotMessage) => void>();
  const timelineListeners = new Set<(event: TimelineEvent) => void>();
  let subscriber: RedisClient | undefined;
  let isLoaded = false;

  const deliverState = (snapshot: SnapshotMessage) => stateListeners.forEach((listener) => listener(snapshot));
  const receive = (raw: string) => {
    try {
      const message = JSON.parse(raw) as RelayMessage;
      if (message.type === 'state') deliverState(message.snapshot);
      else timelineListeners.forEach((listener) => listener(message.event));
    } catch (error) {
      options.log.warn({ err: error }, 'unreadable relay message dropped');
    }
  };
  const reload = async () => {
    const all = await client.hGetAll(statesKey);
    for (const raw of Object.values(all)) deliverState(JSON.parse(raw) as SnapshotMessage);
    isLoaded = true;
  };

  return {
    async publishState(snapshot) {
      const raw = JSON.stringify({ type: 'state', snapshot } satisfies RelayMessage);
      await client.multi().hSet(statesKey, snapshot.clusterId, JSON.stringify(snapshot)).publish(channel, raw).exec();
    },
    async publishTimeline(event) {
      await client.publish(channel, JSON.stringify({ type: 'timeline', event } satisfies RelayMessage));
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    onTimeline(listener) {
      timelineListeners.add(listener);
      return () => timelineListeners.delete(listener);
    },
    async start() {
      subscriber = client.duplicate();
      subscriber.on('error', (error: unknown) => options.log.warn({ err: error }, 'relay subscriber error'));
      // After a reconnect, reload: pub/sub does not replay what was published meanwhile.
      let connectedOnce = false;
      subscriber.on('ready', () => {
        if (connectedOnce) void reload().catch((error: unknown) => options.log.warn({ err: error }, 'relay reload failed'));
        connectedOnce = true;
      });
      await subscriber.connect();
      await subscriber.subscribe(channel, receive);
      await reload();
    },
    async stop() {
      await subscriber?.close().catch(() => undefined);
      subscriber = undefined;
    },
    loaded: () => isLoaded,
  };
}
