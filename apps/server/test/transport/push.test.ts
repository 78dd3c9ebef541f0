import { isDeepStrictEqual } from 'node:util';
import { applyPatch, type ClusterState, type PatchMessage, type SnapshotMessage } from '@hawk/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clusterState, oneEtcdMemberDown, quorumLost, T0 } from '@hawk/testkit/cluster-state';
import {
  connectClient,
  nextEvent,
  pause,
  recordEvents,
  startHawkServer,
  type HawkClient,
  type RunningHawk,
} from '@hawk/testkit/hawk-server';
import { createMemoryHub, type MemoryHub } from '@hawk/testkit/memory-hub';

/** etcd with one member down, as core judges it: a change in the `etcd`, `verdict` and `findings` parts. */
const oneEtcdDown = (id: string, at: number): ClusterState => clusterState(id, { at, fault: oneEtcdMemberDown });
type Part = keyof ClusterState;

describe('push over socket.io', () => {
  let hub: MemoryHub;
  let hawk: RunningHawk;
  const clients: HawkClient[] = [];
  const client = async () => {
    const socket = await connectClient(hawk.url);
    clients.push(socket);
    return socket;
  };

  beforeEach(async () => {
    hub = createMemoryHub([clusterState('a'), clusterState('b')]);
    hawk = await startHawkServer(hub, {}, { socketLimits: { maxSubscriptions: 3, maxFrameBytes: 2_048 } });
  });
  afterEach(async () => {
    clients.splice(0).forEach((socket) => socket.disconnect());
    await hawk.close();
  });

  it('sends a snapshot on subscribe, then versioned patches of the changed parts only', async () => {
    const socket = await client();
    const snapshotArrives = nextEvent(socket, 'snapshot');
    socket.emit('subscribe', { clusterId: 'a' });
    const snapshot = await snapshotArrives;
    expect(snapshot).toMatchObject({ clusterId: 'a', version: 1 });
    expect(snapshot.state).toEqual(clusterState('a'));

    const next = oneEtcdDown('a', T0 + 1_000);
    const patchArrives = nextEvent(socket, 'patch');
    hub.push(next);
    const patch = await patchArrives;
    expect(patch).toMatchObject({ clusterId: 'a', version: 2, baseVersion: 1 });
    // Exactly the parts core's judgement changed, etcd, verdict and findings among them.
    const changed = Object.keys(next).filter(
      (part) => !isDeepStrictEqual(next[part as Part], snapshot.state[part as Part]),
    );
    expect(changed).toEqual(expect.arrayContaining(['etcd', 'findings', 'observedAt', 'verdict']));
    expect(Object.keys(patch.parts).sort()).toEqual(changed.sort());
    expect(applyPatch(snapshot.state, patch.parts)).toEqual(next);
  });

  it('pushes nothing when only the evaluation time moved (lease ages tick in the browser)', async () => {
    const socket = await client();
    const seen = recordEvents(socket);
    socket.emit('subscribe', { clusterId: 'a' });
    await nextEvent(socket, 'snapshot');
    // The same judged state, observed later: only observedAt differs.
    for (let second = 1; second <= 5; second++) hub.push({ ...clusterState('a'), observedAt: T0 + second * 1_000 });
    await pause(200);
    expect(seen.map((entry) => entry.event)).toEqual(['snapshot']);
  });

  it('lets a client that missed a version resync to the current state', async () => {
    const socket = await client();
    // The client's fold: apply a patch only on top of its own version, else ask for a snapshot.
    let held: SnapshotMessage | undefined;
    let dropNext = false;
    socket.on('snapshot', (message) => (held = message));
    socket.on('patch', (message: PatchMessage) => {
      if (dropNext) return void (dropNext = false); // lost on the way
      if (!held || message.baseVersion !== held.version)
        return void socket.emit('resync', { clusterId: message.clusterId });
      held = { clusterId: held.clusterId, version: message.version, state: applyPatch(held.state, message.parts) };
    });
    socket.emit('subscribe', { clusterId: 'a' });
    await nextEvent(socket, 'snapshot');

    dropNext = true;
    hub.push(oneEtcdDown('a', T0 + 1_000));
    await nextEvent(socket, 'patch');
    const latest = clusterState('a', { at: T0 + 2_000, fault: quorumLost });
    const resynced = nextEvent(socket, 'snapshot');
    hub.push(latest);
    expect(await resynced).toMatchObject({ version: 3, state: latest });
    expect(held?.state).toEqual(latest);
  });

  it('keeps rooms apart: a client of cluster a gets nothing of cluster b', async () => {
    const [onA, onB] = [await client(), await client()];
    const seenByA = recordEvents(onA);
    onA.emit('subscribe', { clusterId: 'a' });
    onB.emit('subscribe', { clusterId: 'b' });
    await Promise.all([nextEvent(onA, 'snapshot'), nextEvent(onB, 'snapshot')]);

    const patchToB = nextEvent(onB, 'patch');
    const timelineToB = nextEvent(onB, 'timeline');
    hub.push(oneEtcdDown('b', T0 + 1_000));
    hub.emitTimeline({
      kind: 'probe-failed',
      clusterId: 'b',
      at: T0 + 1_000,
      target: '127.0.0.1:6443',
      error: 'refused',
    });
    await Promise.all([patchToB, timelineToB]);
    await pause(100);
    expect(seenByA.map((entry) => entry.event)).toEqual(['snapshot']);
    expect(JSON.stringify(seenByA)).not.toContain('"b"');
  });

  it('sends the overview on subscribe and again when a summary changes', async () => {
    const socket = await client();
    const first = nextEvent(socket, 'overview');
    socket.emit('subscribe', { overview: true });
    expect((await first).clusters.map((summary) => [summary.id, summary.verdict])).toEqual([
      ['a', 'ha-ok'],
      ['b', 'ha-ok'],
    ]);
    const second = nextEvent(socket, 'overview');
    hub.push(oneEtcdDown('b', T0 + 1_000));
    const overview = await second;
    expect(overview.clusters.find((summary) => summary.id === 'b')).toMatchObject({
      verdict: 'degraded',
      // One failure from quorum loss (warning), beside the stacked-etcd topology note (info).
      findingCounts: { critical: 0, warning: 1, info: 1 },
    });
    expect(overview.version).toBeGreaterThan((await Promise.resolve(first)).version);
  });

  it('answers bad frames with hawk-error and carries on serving', async () => {
    const socket = await client();
    const errors: unknown[] = [];
    socket.on('hawk-error', (message) => errors.push(message));
    const raw = socket as unknown as { emit(event: string, ...args: unknown[]): void };
    raw.emit('subscribe', 42);
    raw.emit('subscribe', null);
    raw.emit('subscribe', { clusterId: 7 });
    raw.emit('subscribe', { clusterId: 'x'.repeat(300) });
    raw.emit('subscribe', { clusterId: 'a', extra: true });
    raw.emit('resync', 'a');
    raw.emit('subscribe', { clusterId: 'no-such-cluster' });
    raw.emit('drop-tables', { clusterId: 'a' });
    await pause(200);
    // Unknown events are answered before the known ones are dispatched (next tick): compare unordered.
    expect(errors.map((error) => (error as { code: string }).code).sort()).toEqual([
      ...Array<string>(7).fill('bad-request'),
      'unknown-cluster',
    ]);

    // Subscriptions are bounded per socket (3 here).
    socket.emit('subscribe', { clusterId: 'a' });
    socket.emit('subscribe', { clusterId: 'b' });
    socket.emit('subscribe', { overview: true });
    const refused = nextEvent(socket, 'hawk-error');
    socket.emit('subscribe', { clusterId: 'a' }); // already held: not a new one
    hub.push({ ...clusterState('c') });
    await pause(50);
    socket.emit('subscribe', { clusterId: 'c' });
    expect(await refused).toMatchObject({ code: 'too-many-subscriptions' });

    // A frame over the size bound closes that socket only; the server and other clients go on.
    const closed = new Promise((resolve) => socket.once('disconnect', resolve));
    raw.emit('subscribe', { clusterId: 'y'.repeat(10_000) });
    await closed;
    const other = await client();
    const snapshot = nextEvent(other, 'snapshot');
    other.emit('subscribe', { clusterId: 'a' });
    expect(await snapshot).toMatchObject({ clusterId: 'a' });
  });
});
