/**
 * Cluster data hawk does not control, bounded (issue 27 §2), on the lab: hawk's real backend runs as its own process
 * while 5,000 Leases and one whose holderIdentity is 1 MB are created in an opted-in namespace. hawk keeps 256
 * characters of the holder, no labels, at most MAX_LEASES_PER_NAMESPACE Leases of that namespace and a finding names
 * what it dropped; its RSS stays within the chart's memory limit; a socket.io client keeps receiving kube-scheduler's
 * renewals, each a patch of a few KiB (the renewed lease, not the leases array).
 * Run under `flock /tmp/hawk-lab.lock`; it writes only in a namespace of its own (and deletes it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoordinationV1Api, CoreV1Api, KubeConfig, V1MicroTime } from '@kubernetes/client-node';
import { io, type Socket } from 'socket.io-client';
import { parse } from 'yaml';
import { applyPatch, type ClientToServerEvents, type ClusterState, type ServerToClientEvents } from '@hawk/core';
import { ensureLab, type Lab } from '@hawk/lab';
import { processUsage, spawnHawkProcess, type HawkProcess } from '@hawk/testkit/hawk-process';
import { MAX_FIELD_LENGTH } from '../../src/sources/raw';
import { MAX_LEASES_PER_NAMESPACE } from '../../src/sources/registry';

const NAMESPACE = `hawk-bounds-${Date.now().toString(36)}`;
const LEASES = 5000;
const HUGE = 'huge-holder';
const HUGE_HOLDER = 'x'.repeat(1024 * 1024);
const SCHEDULER = 'kube-system/kube-scheduler';
// How long the page is watched once the namespace is judged: kube-scheduler renews every 2 s on the lab.
const LIVE_WINDOW_MS = 20_000;

/** The backend's memory limit as the chart sets it (values.yaml's resources.server.limits.memory). */
function chartMemoryLimitBytes(): number {
  const values = parse(readFileSync(join(import.meta.dirname, '../../../../deploy/helm/hawk/values.yaml'), 'utf8')) as {
    resources: { server: { limits: { memory: string } } };
  };
  const limit = values.resources.server.limits.memory;
  const match = /^(\d+)(Mi|Gi)$/.exec(limit);
  if (!match) throw new Error(`values.yaml's resources.server.limits.memory is ${limit}: expected <n>Mi or <n>Gi`);
  return Number(match[1]) * 2 ** (match[2] === 'Gi' ? 30 : 20);
}

interface Received {
  readonly at: number;
  readonly bytes: number;
  readonly state: ClusterState;
}

let lab: Lab;
let admin: KubeConfig;
let hawk: HawkProcess | undefined;
let socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
let rssPeak = 0;
let rssTimer: NodeJS.Timeout | undefined;
let createdInMs = 0;
const patches: Received[] = [];
let current: ClusterState | null = null;

async function until(what: string, predicate: (state: ClusterState) => boolean, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (current && predicate(current)) return current;
    if (!hawk!.alive()) throw new Error(`hawk died (${hawk!.death()}) while waiting for ${what}`);
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; ` +
          `${current ? ours(current).length : 'no state,'} leases of ${NAMESPACE} kept`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
const ours = (state: ClusterState) => state.leases.filter((lease) => lease.namespace === NAMESPACE);
const schedulerRenewal = (state: ClusterState) =>
  state.leases.find((lease) => `${lease.namespace}/${lease.name}` === SCHEDULER)?.observedRenewAt ?? null;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Follows the lab's cluster as the web does: a snapshot, then core's patches applied in version order. */
async function follow(url: string): Promise<void> {
  const listing = (await (await fetch(`${url}/api/clusters`)).json()) as { clusters: { id: string }[] };
  const clusterId = listing.clusters[0]?.id;
  if (!clusterId) throw new Error(`hawk at ${url} watches no cluster`);
  socket = io(url, { transports: ['websocket'] });
  let version = -1;
  socket.on('snapshot', (message) => {
    version = message.version;
    current = message.state;
  });
  socket.on('patch', (message) => {
    if (!current || message.baseVersion !== version) return void socket!.emit('resync', { clusterId });
    version = message.version;
    current = applyPatch(current, message.parts);
    patches.push({ at: Date.now(), bytes: Buffer.byteLength(JSON.stringify(message)), state: current });
  });
  socket.on('connect', () => socket!.emit('subscribe', { clusterId }));
}

describe('size bounds on cluster data, on the lab', () => {
  beforeAll(async () => {
    lab = await ensureLab();
    admin = new KubeConfig();
    admin.loadFromFile(lab.kubeconfigPath);
    await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NAMESPACE } } });
    // 1. hawk first, watching the namespace while it fills: the storm arrives as watch events, as an attack would.
    hawk = await spawnHawkProcess({
      ...lab.env(),
      HAWK_CONFIG: '',
      HAWK_CONTEXTS: '',
      HAWK_LEASE_NAMESPACES: NAMESPACE,
    });
    rssTimer = setInterval(() => {
      if (hawk!.alive()) rssPeak = Math.max(rssPeak, processUsage(hawk!.pid).rssBytes);
    }, 250);
    await follow(hawk.url);
    // 2. The huge one first, so it is among those kept (hawk keeps the first it sees), then 5,000, 100 at a time.
    const leases = admin.makeApiClient(CoordinationV1Api);
    const create = (name: string, holderIdentity: string, labels?: Record<string, string>) =>
      leases.createNamespacedLease({
        namespace: NAMESPACE,
        body: {
          metadata: { name, namespace: NAMESPACE, ...(labels ? { labels } : {}) },
          spec: { holderIdentity, leaseDurationSeconds: 3600, renewTime: new V1MicroTime(Date.now()) },
        },
      });
    await create(HUGE, HUGE_HOLDER, Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`label-${i}`, 'v'])));
    const started = Date.now();
    for (let next = 0; next < LEASES;) {
      const batch = Array.from({ length: Math.min(100, LEASES - next) }, (_, i) =>
        create(`lease-${String(next + i).padStart(5, '0')}`, `holder-${next + i}`),
      );
      await Promise.all(batch);
      next += batch.length;
    }
    createdInMs = Date.now() - started;
    console.log(`[bounds] created ${LEASES} leases and one with a 1 MB holder in ${createdInMs} ms`);
  }, 600_000);

  afterAll(async () => {
    clearInterval(rssTimer);
    socket?.disconnect();
    await hawk?.stop();
    // Deleting the namespace deletes its 5,001 Leases: later tests share the lab.
    await admin
      ?.makeApiClient(CoreV1Api)
      .deleteNamespace({ name: NAMESPACE })
      .catch(() => undefined);
  });

  it('keeps 256 characters of a 1 MB holder, at most the cap, names the drop, stays small and live', async () => {
    const limit = chartMemoryLimitBytes();
    // 1. The page says what hawk left out, so no one mistakes the namespace for fully watched.
    const judged = await until('HawkObjectsDropped naming the namespace with every Lease counted', (state) =>
      state.findings.some(
        (f) =>
          f.ruleId === 'HawkObjectsDropped' &&
          f.subject?.includes(NAMESPACE) &&
          f.evidence.dropped === LEASES + 1 - MAX_LEASES_PER_NAMESPACE,
      ),
    );
    const left = judged.findings.find((f) => f.ruleId === 'HawkObjectsDropped')!;
    expect(left.evidence).toMatchObject({ source: 'leases', kept: MAX_LEASES_PER_NAMESPACE });
    expect(left.title).toContain(`namespaces/${NAMESPACE}/leases`);
    const kept = ours(judged);
    expect(kept.length).toBeLessThanOrEqual(MAX_LEASES_PER_NAMESPACE);
    const huge = kept.find((lease) => lease.name === HUGE);
    expect(huge, 'the huge lease is shown').toBeDefined();
    expect(huge!.record?.holderIdentity?.length).toBe(MAX_FIELD_LENGTH);
    expect(huge!.record?.holderIdentity?.endsWith('…')).toBe(true);
    expect(huge!.record?.labels).toBeUndefined();

    // 2. The page stays live: kube-scheduler's renewals keep arriving, each as a small patch.
    const windowStart = Date.now();
    const renewalAtStart = schedulerRenewal(judged);
    await new Promise((resolve) => setTimeout(resolve, LIVE_WINDOW_MS));
    const inWindow = patches.filter((patch) => patch.at >= windowStart);
    const renewals = inWindow.filter(
      (patch, i) =>
        schedulerRenewal(patch.state) !== (i === 0 ? renewalAtStart : schedulerRenewal(inWindow[i - 1]!.state)),
    );
    const state = current!;
    const stateBytes = Buffer.byteLength(JSON.stringify(state));
    const leasesBytes = Buffer.byteLength(JSON.stringify(state.leases));
    const sizes = renewals.map((patch) => patch.bytes).sort((a, b) => a - b);
    const rssNow = processUsage(hawk!.pid).rssBytes;
    const largest = Math.max(0, ...inWindow.map((patch) => patch.bytes));
    console.log(
      `[bounds] created in ${(createdInMs / 1000).toFixed(1)} s; kept ${kept.length} of ${LEASES + 1}; ` +
        `hawk RSS peak ${(rssPeak / 2 ** 20).toFixed(0)} MiB, now ${(rssNow / 2 ** 20).toFixed(0)} MiB ` +
        `(chart limit ${(limit / 2 ** 20).toFixed(0)} MiB); ${renewals.length} kube-scheduler renewals in ` +
        `${LIVE_WINDOW_MS / 1000} s, patch p50 ${kib(sizes[Math.floor(sizes.length / 2)] ?? 0)}, ` +
        `max ${kib(sizes.at(-1) ?? 0)}; all patches in the window max ${kib(largest)}; ` +
        `leases array ${kib(leasesBytes)}, whole state ${kib(stateBytes)}`,
    );
    expect(hawk!.alive(), `hawk died: ${hawk!.death()}`).toBe(true);
    expect(rssPeak, 'hawk RSS peak within the chart limit').toBeLessThan(limit);
    // The lab's scheduler renews every 2 s: in 20 s at least a handful must arrive, even under a loaded machine.
    expect(renewals.length, 'kube-scheduler renewals reaching the client').toBeGreaterThanOrEqual(4);
    expect(sizes.at(-1)!, 'a renewal is a patch of a few KiB').toBeLessThan(16 * 1024);
    expect(sizes.at(-1)!, 'far below the leases array it used to carry').toBeLessThan(leasesBytes / 10);
    // The state holds no trace of the megabyte: every push and history row of it stays far below it.
    expect(stateBytes).toBeLessThan(200 * 1024);
  }, 300_000);
});
