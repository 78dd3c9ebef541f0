// Push latency: hub onState → a socket.io client in another process receives it, on loopback,
// p50/p99 over 500 updates. Compared in the same run: versioned patches (what hawk sends) against a
// full snapshot per update. Run: pnpm exec tsx bench/push-latency.ts
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterState } from '@hawk/core';
import { io } from 'socket.io-client';
import { clock, nextMessage } from './support/ipc';
import { createApp } from '@hawk/server/app';
import { loadEnv } from '@hawk/server/env';
import { clusterState, leaseRenewals } from '@hawk/testkit/cluster-state';
import { createMemoryHub } from '@hawk/testkit/memory-hub';

const UPDATES = 500;
const GAP_MS = 4;

if (process.argv[2] === '--client') {
  // The browser's part, in its own process: record when each version arrives.
  const received: [number, number][] = [];
  const socket = io(process.argv[3]!, { transports: ['websocket'] });
  socket.on('patch', (message: { version: number }) => received.push([message.version, clock()]));
  socket.on('snapshot', (message: { version: number }) => {
    received.push([message.version, clock()]);
    if (received.length === 1) process.send!('ready');
  });
  socket.on('connect', () => socket.emit('subscribe', { clusterId: 'lab' }));
  // Only our own word: tsx's loader talks over the same IPC channel.
  process.on('message', (message) => {
    if (message !== 'done') return;
    socket.disconnect();
    // Exit only once the message is handed over, or it is lost.
    process.send!(received, () => process.exit(0));
  });
} else {
  const quantile = (values: number[], q: number) =>
    [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
  // Judged before the clock starts: a lease renewal observed, the most common change hawk pushes.
  const renewals = leaseRenewals(2 * UPDATES);
  const renewal = (n: number): ClusterState => renewals[n - 1]!;

  const dir = mkdtempSync(join(tmpdir(), 'hawk-bench-'));
  const hub = createMemoryHub([clusterState('lab')]);
  // BENCH_DB=:memory: takes the history fsync out, to see its share.
  const app = await createApp({
    env: loadEnv({ HAWK_DB: process.env.BENCH_DB ?? join(dir, 'history.db'), HAWK_LOG_LEVEL: 'silent' }),
    hub,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const child = fork(fileURLToPath(import.meta.url), ['--client', url], { execArgv: ['--import', 'tsx'] });
  await nextMessage(child, (message) => message === 'ready');

  const sentAt = new Map<number, number>();
  const bytes = { patches: 0, snapshots: 0 };
  const { states, push } = app.hawk;
  // 1. What hawk does: the hub's change goes through versioning, the room broadcast and history (every
  // replica does this for its own clients; nothing is relayed between replicas).
  for (let n = 1; n <= UPDATES; n++) {
    const start = clock();
    const before = states.snapshot('lab')!;
    hub.push(renewal(n));
    const after = states.snapshot('lab')!;
    sentAt.set(after.version, start);
    bytes.patches += Buffer.byteLength(
      JSON.stringify({
        clusterId: 'lab',
        version: after.version,
        baseVersion: before.version,
        parts: { leases: after.state.leases, observedAt: after.state.observedAt },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, GAP_MS));
  }
  // 2. The obvious alternative: the whole state to the room on every change.
  for (let n = 1; n <= UPDATES; n++) {
    const snapshot = { clusterId: 'lab', version: 100_000 + n, state: renewal(UPDATES + n) };
    sentAt.set(snapshot.version, clock());
    push.io.to('cluster:lab').emit('snapshot', snapshot);
    bytes.snapshots += Buffer.byteLength(JSON.stringify(snapshot));
    await new Promise((resolve) => setTimeout(resolve, GAP_MS));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  child.send('done');
  const received = (await nextMessage(child, Array.isArray)) as [number, number][];

  const latencies = (from: number, to: number) =>
    received
      .filter(([version]) => version >= from && version < to && sentAt.has(version))
      .map(([version, at]) => at - sentAt.get(version)!);
  const report = (name: string, values: number[], totalBytes: number) =>
    console.log(
      `${name.padEnd(26)} n=${values.length}  p50 ${quantile(values, 0.5).toFixed(3)} ms  p99 ` +
        `${quantile(values, 0.99).toFixed(3)} ms  max ${Math.max(...values).toFixed(3)} ms  ` +
        `${(totalBytes / UPDATES / 1024).toFixed(2)} KiB/update`,
    );
  report('patches (hawk)', latencies(2, 100_000), bytes.patches);
  report('full snapshot per update', latencies(100_001, 200_000), bytes.snapshots);

  await app.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
