/**
 * One client's flood (200 sockets, then a sustained resync flood on every socket it got) against a real hawk on a
 * real port: the flooder is held to its own budget, and another client keeps getting its updates promptly.
 * Clients are told apart by address: the flooder connects from 127.0.0.3, the other from 127.0.0.4.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { clusterState, T0 } from '@hawk/testkit/cluster-state';
import { nextEvent, startHawkServer, type HawkClient, type RunningHawk } from '@hawk/testkit/hawk-server';
import { createMemoryHub, type MemoryHub } from '@hawk/testkit/memory-hub';
import { KeyedBudget } from '../../src/transport/client-limits';

const FLOODER = '127.0.0.3';
const WATCHER = '127.0.0.4';
const FLOOD_SOCKETS = 200;

/** Connects from `from`; the socket, or the refusal's message. */
async function connectFrom(url: string, from: string): Promise<HawkClient | string> {
  const socket: HawkClient = io(url, {
    transports: ['websocket'],
    localAddress: from,
    reconnection: false,
    forceNew: true,
  } as Parameters<typeof io>[1]);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      resolve(error.message);
    });
  });
}

/** How long each of `rounds` state changes takes to reach `socket` as a patch (ms). */
async function patchDelays(hub: MemoryHub, socket: HawkClient, rounds: number, from: number): Promise<number[]> {
  const delays: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const arrives = nextEvent(socket, 'patch', () => true, 10_000);
    const sent = performance.now();
    // A label that changes each round: a pushed change (an observedAt alone is not pushed).
    const base = clusterState('lab');
    const identity = { ...base.identity, labels: { ...base.identity.labels, round: String(from + round) } };
    hub.push({ ...base, identity, observedAt: T0 + (from + round) * 1_000 });
    await arrives;
    delays.push(performance.now() - sent);
  }
  return delays;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)]!;

describe('per-client socket limits', () => {
  let hub: MemoryHub;
  let hawk: RunningHawk;
  const opened: HawkClient[] = [];

  beforeAll(async () => {
    hub = createMemoryHub([clusterState('lab')]);
    hawk = await startHawkServer(hub);
  });
  afterAll(async () => {
    for (const socket of opened) socket.close();
    await hawk?.close();
  });

  it("holds one client's 200 sockets and resync flood to its budget; another's patches stay prompt", async () => {
    const watcher = await connectFrom(hawk.url, WATCHER);
    if (typeof watcher === 'string') throw new Error(`the watcher was refused: ${watcher}`);
    opened.push(watcher);
    const subscribed = nextEvent(watcher, 'snapshot');
    watcher.emit('subscribe', { clusterId: 'lab' });
    await subscribed;
    const before = await patchDelays(hub, watcher, 20, 1);

    const attempts = await Promise.all(Array.from({ length: FLOOD_SOCKETS }, () => connectFrom(hawk.url, FLOODER)));
    const flood = attempts.filter((attempt): attempt is HawkClient => typeof attempt !== 'string');
    opened.push(...flood);
    const refusals = attempts.filter((attempt): attempt is string => typeof attempt === 'string');
    console.log(`[limits] flooder: ${flood.length} of ${FLOOD_SOCKETS} sockets opened; ${refusals.length} refused`);
    // A refused websocket upgrade is a 400 to the client ('websocket error'); the reason is in hawk's log.
    expect(flood.length).toBe(32);
    expect(refusals.length).toBe(FLOOD_SOCKETS - 32);

    let snapshots = 0;
    let refusedResyncs = 0;
    for (const socket of flood) {
      socket.on('snapshot', () => (snapshots += 1));
      socket.on('hawk-error', (error) => {
        if (/too many subscribe\/resync/.test(error.message)) refusedResyncs += 1;
      });
    }
    // A sustained flood while the watcher's updates are timed: every socket resyncs every 20 ms (1,600 a second).
    let sent = 0;
    const flooding = setInterval(() => {
      for (const socket of flood) socket.emit('resync', { clusterId: 'lab' });
      sent += flood.length;
    }, 20);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const during = await patchDelays(hub, watcher, 30, 21);
    clearInterval(flooding);
    await new Promise((resolve) => setTimeout(resolve, 500));

    console.log(
      `[limits] watcher patch delay p95: ${p95(before).toFixed(1)} ms before, ${p95(during).toFixed(1)} ms during;` +
        ` flooder: ${snapshots} snapshots served, ${refusedResyncs} resyncs refused of ${sent}`,
    );
    // The flooder got its budget's worth of snapshots (120 a minute, with a burst of as many), no more.
    expect(snapshots).toBeLessThanOrEqual(125);
    expect(refusedResyncs).toBeGreaterThan(sent - 125 - 1);
    console.log(`[limits] watcher delays during the flood (ms): ${during.map((ms) => ms.toFixed(0)).join(' ')}`);
    // The watcher's updates still arrive promptly.
    expect(median(during)).toBeLessThan(Math.max(100, 3 * median(before)));
    expect(p95(during)).toBeLessThan(500);
    // And another client may still connect.
    const late = await connectFrom(hawk.url, WATCHER);
    expect(typeof late).not.toBe('string');
    if (typeof late !== 'string') opened.push(late);
  });

  it('refills a budget over time and keeps one key apart from another', () => {
    let now = 0;
    const budget = new KeyedBudget(2, 1, () => now);
    expect([budget.take('a'), budget.take('a'), budget.take('a')]).toEqual([true, true, false]);
    expect(budget.take('b')).toBe(true);
    now = 1000;
    expect([budget.take('a'), budget.take('a')]).toEqual([true, false]);
  });
});
