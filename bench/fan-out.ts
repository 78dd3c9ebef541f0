// Broadcast time to 1,000 clients: from the hubs' change to the last of 1,000 socket.io clients
// (opened by a separate plain Node process) receiving it. Compared in the same run: one replica against
// two replicas electing on a real redis-server, clients split between them. Every replica observes and
// pushes to its own clients (no relay between replicas), so both hubs see each change, as two replicas
// watching one cluster do. Run: pnpm exec tsx bench/fan-out.ts [clients]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { clock, nextMessage } from './support/ipc';
import { createApp } from '@hawk/server/app';
import { loadEnv } from '@hawk/server/env';
import { clusterState, leaseRenewals } from '@hawk/testkit/cluster-state';
import { createMemoryHub, type MemoryHub } from '@hawk/testkit/memory-hub';
import { startRedis } from '@hawk/testkit/redis-server';

const CLIENTS = Number(process.argv[2] ?? 1000);
/** Where socket.io-client resolves from for the client process. */
const SERVER_DIR = fileURLToPath(new URL('../apps/server/', import.meta.url));
const UPDATES = 20;

// The 1,000 browsers, in one plain Node process (no tsx loader, whose IPC would share the channel).
const CLIENT_SOURCE = `
  import { io } from 'socket.io-client';
  import { performance } from 'node:perf_hooks';
  // support/ipc's clock, restated: this source runs on its own, without tsx to import it.
  const clock = () => performance.timeOrigin + performance.now();
  const [count, ...urls] = process.argv.slice(1);
  const received = new Map();
  let subscribed = 0;
  const sockets = Array.from({ length: Number(count) }, (_, index) => {
    const socket = io(urls[index % urls.length], { transports: ['websocket'], forceNew: true });
    socket.on('connect', () => socket.emit('subscribe', { clusterId: 'lab' }));
    socket.once('snapshot', () => { if (++subscribed === Number(count)) process.send('ready'); });
    socket.on('patch', (message) => {
      const at = clock();
      if (!received.has(message.version)) received.set(message.version, []);
      received.get(message.version).push(at);
    });
    return socket;
  });
  process.on('message', (message) => {
    if (message !== 'done') return;
    sockets.forEach((socket) => socket.disconnect());
    // Exit only once the (large) message is handed over, or it is lost.
    process.send([...received.entries()], () => process.exit(0));
  });
`;

{
  const quantile = (values: number[], q: number) =>
    [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
  const dir = mkdtempSync(join(tmpdir(), 'hawk-fanout-'));

  async function startReplica(
    name: string,
    env: Record<string, string>,
  ): Promise<{ app: FastifyInstance; hub: MemoryHub; url: string }> {
    const hub = createMemoryHub([clusterState('lab')]);
    const app = await createApp({
      env: loadEnv({ HAWK_DB: join(dir, `${name}.db`), HAWK_LOG_LEVEL: 'silent', HAWK_REPLICA_ID: name, ...env }),
      hub,
      redisPrefix: `bench-${process.pid}`,
    });
    return { app, hub, url: await app.listen({ port: 0, host: '127.0.0.1' }) };
  }

  async function run(name: string, urls: string[], hubs: MemoryHub[]) {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CLIENT_SOURCE, String(CLIENTS), ...urls], {
      cwd: SERVER_DIR,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const connectStart = clock();
    child.once('exit', (code) => {
      if (code !== 0) console.error(`[fan-out] client process exited with ${code}`);
    });
    await nextMessage(child, (message) => message === 'ready');
    const connectMs = clock() - connectStart;
    const sentAt = new Map<number, number>();
    const renewals = leaseRenewals(UPDATES);
    for (let n = 1; n <= UPDATES; n++) {
      const start = clock();
      const change = renewals[n - 1]!;
      // Each replica versions its own states; fed the same changes from the same start, they keep the same numbers.
      // Both replicas share this process, so b's broadcast starts after a's: an upper bound for two machines.
      for (const hub of hubs) hub.push(change);
      sentAt.set(n + 1, start);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    child.send('done');
    const received = (await nextMessage(child, Array.isArray)) as [number, number[]][];
    const toAll: number[] = [];
    const toHalf: number[] = [];
    let complete = 0;
    for (const [version, times] of received) {
      const start = sentAt.get(version);
      if (start === undefined) continue;
      if (times.length === CLIENTS) complete += 1;
      toAll.push(Math.max(...times) - start);
      toHalf.push(quantile(times, 0.5) - start);
    }
    console.log(
      `${name.padEnd(30)} ${CLIENTS} clients, ${complete}/${UPDATES} updates reached all  ` +
        `to all: p50 ${quantile(toAll, 0.5).toFixed(1)} ms, max ${Math.max(...toAll).toFixed(1)} ms  ` +
        `to half: p50 ${quantile(toHalf, 0.5).toFixed(1)} ms  (connect+subscribe ${connectMs.toFixed(0)} ms)`,
    );
  }

  // 1. One replica.
  const single = await startReplica('single', {});
  await run('one replica', [single.url], [single.hub]);
  await single.app.close();

  // 2. Two replicas electing on Redis, clients split evenly; each replica's hub speaks to its own clients.
  const redis = await startRedis();
  const a = await startReplica('a', { HAWK_REDIS_URL: redis.url });
  const b = await startReplica('b', { HAWK_REDIS_URL: redis.url });
  await run('two replicas, each its own', [a.url, b.url], [a.hub, b.hub]);
  await a.app.close();
  await b.app.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
