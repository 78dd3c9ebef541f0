/** A socket.io client that follows one cluster as the web does, and records when each finding first appeared. */
import { io, type Socket } from 'socket.io-client';
import {
  applyPatch,
  type ClusterState,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type TimelineEvent,
} from '@hawk/core';

export interface FindingSighting {
  readonly id: string;
  readonly ruleId: string;
  readonly severity: string;
  readonly subject: string | null;
  readonly title: string;
  readonly openedAt: number;
  closedAt: number | null;
  readonly causedBy: string | null;
}

export interface ClusterFeed {
  readonly clusterId: string;
  state(): ClusterState | null;
  /** Every finding seen, with receipt times on this machine's clock. */
  sightings(): readonly FindingSighting[];
  timeline(): readonly (TimelineEvent & { receivedAt: number })[];
  /** Resolves with the receipt time of the first state matching the predicate after `since`. */
  waitFor(predicate: (state: ClusterState) => boolean, timeoutMs: number): Promise<number>;
  /**
   * Calls `listener` as each finding opens, with the state it opened in (the chaos run snapshots the lab's truth then).
   */
  onOpen(listener: (sighting: FindingSighting, state: ClusterState) => void): void;
  close(): void;
}

export async function followCluster(url: string, clusterId?: string, token?: string): Promise<ClusterFeed> {
  const listing = (await (
    await fetch(`${url}/api/clusters`, token ? { headers: { authorization: `Bearer ${token}` } } : {})
  ).json()) as { clusters: { id: string }[] };
  const id = clusterId ?? listing.clusters[0]?.id;
  if (!id) throw new Error('hawk watches no cluster');
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
    transports: ['websocket'],
    ...(token ? { auth: { token } } : {}),
  });
  let current: ClusterState | null = null;
  let version = -1;
  const open = new Map<string, FindingSighting>();
  const all: FindingSighting[] = [];
  const events: (TimelineEvent & { receivedAt: number })[] = [];
  const waiters = new Set<() => void>();
  const openListeners: ((sighting: FindingSighting, state: ClusterState) => void)[] = [];

  const accept = (state: ClusterState) => {
    current = state;
    const at = Date.now();
    const seen = new Set<string>();
    for (const finding of state.findings) {
      seen.add(finding.id);
      if (!open.has(finding.id)) {
        const sighting: FindingSighting = {
          id: finding.id,
          ruleId: finding.ruleId,
          severity: finding.severity,
          subject: finding.subject,
          title: finding.title,
          openedAt: at,
          closedAt: null,
          causedBy: finding.causedBy,
        };
        open.set(finding.id, sighting);
        all.push(sighting);
        for (const listener of openListeners) listener(sighting, state);
      }
    }
    for (const [findingId, sighting] of open)
      if (!seen.has(findingId)) {
        sighting.closedAt = at;
        open.delete(findingId);
      }
    for (const waiter of [...waiters]) waiter();
  };

  socket.on('snapshot', (message) => {
    if (message.clusterId !== id) return;
    version = message.version;
    accept(message.state);
  });
  socket.on('patch', (message) => {
    if (message.clusterId !== id || !current) return;
    if (message.baseVersion !== version) {
      socket.emit('resync', { clusterId: id });
      return;
    }
    version = message.version;
    accept(applyPatch(current, message.parts));
  });
  socket.on('timeline', (event) => {
    if (event.clusterId === id) events.push({ ...event, receivedAt: Date.now() });
  });
  socket.on('connect', () => socket.emit('subscribe', { clusterId: id }));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no snapshot from hawk within 30 s')), 30_000);
    const check = () => {
      if (current) {
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      }
    };
    waiters.add(check);
  });

  return {
    clusterId: id,
    state: () => current,
    sightings: () => all,
    timeline: () => events,
    waitFor(predicate, timeoutMs) {
      return new Promise((resolve, reject) => {
        if (current && predicate(current)) return resolve(Date.now());
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`condition not met within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (current && predicate(current)) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(Date.now());
          }
        };
        waiters.add(check);
      });
    },
    onOpen: (listener) => {
      openListeners.push(listener);
    },
    close: () => socket.close(),
  };
}
