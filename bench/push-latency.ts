// Push latency: hub onState → a socket.io client in another process receives it, on loopback,
// p50/p99 over 500 updates. Compared in the same run: versioned patches (what hawk sends) against a
// full snapshot per update. Patch size per lease renewal, as the client received it, beside the patch
// that carried the whole leases array (hawk's before keyed patches), for the lab's two leader Leases
// and with 100 more kept in one namespace (hawk's cap per namespace). Run: pnpm exec tsx bench/push-latency.ts
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
// Leases hawk keeps beside the lab's own: the cap per namespace (sources/leases), all quiet.
const TENANT_LEASES = 100;

if (process.argv[2] === '--client') {
  // The browser's part, in its own process: record when each version arrives.
  const received: [number, number, number][] = [];
  const socket = io(process.argv[3]!, { transports: ['websocket'] });
  // The size as sent: socket.io's packet is this JSON plus a few bytes of framing.
  socket.on('patch', (message: { version: number }) =>
    received.push([message.version, clock(), Buffer.byteLength(JSON.stringify(message))]),
  );
  socket.on('snapshot', (message: { version: number }) => {
    received.push([message.version, clock(), Buffer.byteLength(JSON.stringify(message))]);
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
  const wholeArrayBytes = new Map<number, number>();
  const { states, push } = app.hawk;
  const tenantLeases = Array.from({ length: TENANT_LEASES }, (_, i) => ({
    ...renewals[0]!.leases[0]!,
    namespace: 'tenant',
    name: `lease-${i}`,
  }));
  const withTenant = (state: ClusterState): ClusterState => ({ ...state, leases: [...state.leases, ...tenantLeases] });
  // 1. What hawk does: the hub's change goes through versioning, the room broadcast and history (every
  // replica does this for its own clients; nothing is relayed between replicas). The same renewals with the
  // tenant's Leases kept come second, each beside the patch that carried the leases array whole.
  const pushRenewal = (state: ClusterState) => {
    const start = clock();
    const before = states.snapshot('lab')!;
    hub.push(state);
    const after = states.snapshot('lab')!;
    sentAt.set(after.version, start);
    const parts = { leases: after.state.leases, observedAt: after.state.observedAt };
    const message = { clusterId: 'lab', version: after.version, baseVersion: before.version, parts };
    wholeArrayBytes.set(after.version, Buffer.byteLength(JSON.stringify(message)));
    return after.version;
  };
  for (let n = 1; n <= UPDATES; n++) {
    pushRenewal(renewal(n));
    await new Promise((resolve) => setTimeout(resolve, GAP_MS));
  }
  let tenantFrom = 0;
  for (let n = 1; n <= UPDATES / 5; n++) {
    const version = pushRenewal(withTenant(renewal(UPDATES + n)));
    if (n === 2) tenantFrom = version;
    await new Promise((resolve) => setTimeout(resolve, GAP_MS));
  }
  // 2. The obvious alternative: the whole state to the room on every change.
  for (let n = 1; n <= UPDATES; n++) {
    const snapshot = { clusterId: 'lab', version: 100_000 + n, state: renewal(UPDATES + n) };
    sentAt.set(snapshot.version, clock());
    push.io.to('cluster:lab').emit('snapshot', snapshot);
    await new Promise((resolve) => setTimeout(resolve, GAP_MS));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  child.send('done');
  const received = (await nextMessage(child, Array.isArray)) as [number, number, number][];

  const between = (from: number, to: number) =>
    received.filter(([version]) => version >= from && version < to && sentAt.has(version));
  const latencies = (from: number, to: number) => between(from, to).map(([version, at]) => at - sentAt.get(version)!);
  const kib = (values: number[]) => `${(values.reduce((a, b) => a + b, 0) / values.length / 1024).toFixed(2)} KiB`;
  const report = (name: string, from: number, to: number) =>
    console.log(
      `${name.padEnd(26)} n=${between(from, to).length}  p50 ${quantile(latencies(from, to), 0.5).toFixed(3)} ms  ` +
        `p99 ${quantile(latencies(from, to), 0.99).toFixed(3)} ms  max ` +
        `${Math.max(...latencies(from, to)).toFixed(3)} ms  ` +
        `${kib(between(from, to).map(([, , size]) => size))}/update`,
    );
  report('patches (hawk)', 2, UPDATES + 1);
  report('full snapshot per update', 100_001, 200_000);
  // Per renewal: what the client received against the whole-array patch, in the same run.
  const sizes = (name: string, from: number, to: number) => {
    const seen = between(from, to);
    console.log(
      `${name.padEnd(44)} n=${seen.length}  keyed patch ${kib(seen.map(([, , size]) => size))}  ` +
        `whole leases array ${kib(seen.map(([version]) => wholeArrayBytes.get(version)!))}  (mean per renewal)`,
    );
  };
  sizes('patch per renewal, lab (2 leader Leases)', 2, UPDATES + 1);
  sizes(`patch per renewal, +${TENANT_LEASES} Leases kept in one namespace`, tenantFrom, 100_000);

  await app.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
