/**
 * What the browser adds: from a real change at the lab to the moment the web's DOM shows it, beside
 * the moment a socket.io client (this process) receives the same change. Run: pnpm exec tsx bench/dom-latency.ts
 * [seconds]
 *
 * The change is the most common one hawk pushes: a leader's Lease renewal. The controller-manager and
 * scheduler leaders write `spec.renewTime` (microseconds, this machine's clock) and send it to the
 * apiserver; the event time is that renewTime, so every figure includes the write through the
 * apiserver and etcd, the watch event, hawk's judging and the push. hawk's real backend runs as a child
 * process, the web is its production build (`next start`), and Debian's chromium shows the cluster
 * view. A MutationObserver in the page stamps the moment the lease card's "last renewal seen" text
 * changes, with performance.timeOrigin + performance.now(): the same wall clock as this process and
 * the components, all on this machine.
 */
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { applyPatch, type ClientToServerEvents, type ClusterState, type ServerToClientEvents } from '@hawk/core';
import { ensureLab } from '@hawk/lab';
import { formatClock } from '@hawk/web/format';
import { launchChromium } from '@hawk/testkit/browser';
import { BACKEND_PORT, BACKEND_URL, ensureWebBuild, startWeb, waitUntil, WEB_URL } from '@hawk/testkit/web-processes';
import { percentile, sleep, spawnHawkProcess } from '@hawk/testkit/hawk-process';
import { clock } from './support/ipc';

const WINDOW_MS = Number(process.argv[2] ?? 60) * 1000;
/** At least this many matched samples, collecting past the window (up to 3 minutes) if needed. */
const MIN_SAMPLES = 40;
const COMPONENTS = ['kube-controller-manager', 'kube-scheduler'] as const;
const SCREENSHOT = join(tmpdir(), 'hawk-bench-dom-latency.png');
const log = (line: string) => console.error(`[dom] ${line}`);

/** RFC 3339 with microseconds ("…:10.192416Z") to epoch ms with the fraction kept. */
function microTime(text: string): number {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(text);
  if (!match) return Date.parse(text);
  return Date.parse(`${match[1]}Z`) + (match[2] ? Number(`0.${match[2]}`) * 1000 : 0);
}

interface SocketSample {
  readonly component: string;
  readonly eventAt: number;
  readonly observedRenewAt: number;
  readonly receivedAt: number;
}
interface DomRecord {
  readonly component: string;
  readonly text: string;
  readonly at: number;
}

const lab = await ensureLab({}, { onProgress: (message) => log(`lab: ${message}`) });
// The web's e2e build talks to BACKEND_URL: hawk must listen there, so the port must be free.
await new Promise<void>((resolve, reject) => {
  const probe = createServer().once('error', () =>
    reject(new Error(`${BACKEND_URL} is taken: another hawk (an e2e run?) listens there`)),
  );
  probe.listen(BACKEND_PORT, '127.0.0.1', () => probe.close(() => resolve()));
});
await ensureWebBuild(log);
const hawk = await spawnHawkProcess({ ...lab.env(), HAWK_WEB_ORIGIN: WEB_URL, HAWK_TOKEN: '' }, { port: BACKEND_PORT });
const web = startWeb();
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
try {
  await waitUntil(
    'next start to serve',
    async () => ((await fetch(WEB_URL)).ok ? true : undefined),
    60_000,
    web.output,
  );
  const clusterId = ((await (await fetch(`${hawk.url}/api/clusters`)).json()) as { clusters: { id: string }[] })
    .clusters[0]!.id;

  // 1. The socket.io client: every renewal as received, keyed by the holder's renewTime.
  const samples: SocketSample[] = [];
  const socket = io(hawk.url, { transports: ['websocket'] }) as Socket<ServerToClientEvents, ClientToServerEvents>;
  let state: ClusterState | null = null;
  let version = -1;
  const lastRenew = new Map<string, string>();
  const accept = (next: ClusterState) => {
    const at = clock();
    state = next;
    for (const lease of next.leases) {
      const renewTime = lease.record?.renewTime;
      if (!COMPONENTS.includes(lease.component as never) || !renewTime || lease.observedRenewAt === null) continue;
      if (lastRenew.get(lease.component) === renewTime) continue;
      const first = !lastRenew.has(lease.component);
      lastRenew.set(lease.component, renewTime);
      if (!first)
        samples.push({
          component: lease.component,
          eventAt: microTime(renewTime),
          observedRenewAt: lease.observedRenewAt,
          receivedAt: at,
        });
    }
  };
  socket.on('snapshot', (message) => {
    if (message.clusterId === clusterId) {
      version = message.version;
      accept(message.state);
    }
  });
  socket.on('patch', (message) => {
    if (message.clusterId !== clusterId || !state) return;
    if (message.baseVersion !== version) {
      socket.emit('resync', { clusterId });
      return;
    }
    version = message.version;
    accept(applyPatch(state, message.parts));
  });
  socket.on('connect', () => socket.emit('subscribe', { clusterId }));

  // 2. The browser: the cluster view, with an observer stamping each change of "last renewal seen".
  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.on('pageerror', (error) => log(`page error: ${error.message}`));
  await page.goto(`${WEB_URL}/clusters/${encodeURIComponent(clusterId)}`);
  for (const component of COMPONENTS)
    await page
      .locator(`[data-testid="lease"][data-lease="${component}"] .lease-holder .detail-only`)
      .waitFor({ timeout: 60_000 });
  // In the page (a string: this project compiles without the DOM's types).
  await page.evaluate(`(() => {
    const components = ${JSON.stringify(COMPONENTS)};
    const records = [];
    const last = new Map();
    const check = () => {
      const at = performance.timeOrigin + performance.now();
      for (const component of components) {
        const selector = '[data-testid="lease"][data-lease="' + component + '"] .lease-holder .detail-only';
        const text = document.querySelector(selector)?.textContent ?? '';
        if (last.get(component) !== text) { last.set(component, text); records.push({ component, text, at }); }
      }
    };
    check();
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
    window.hawkDomRecords = records;
  })()`);
  const pageClockSkew = async () =>
    (await page.evaluate('performance.timeOrigin + performance.now() - Date.now()')) as number;
  const skewBefore = { page: await pageClockSkew(), node: clock() - Date.now() };

  // 3. Collect: the window, longer if too few samples were matched.
  const started = Date.now();
  const collectFrom = clock();
  let shot = false;
  let matched: { socketMs: number; domMs: number; addedMs: number }[] = [];
  for (;;) {
    await sleep(2000);
    if (!shot && Date.now() - started > WINDOW_MS / 2) {
      await page.screenshot({ path: SCREENSHOT });
      shot = true;
      log(`screenshot ${SCREENSHOT}`);
    }
    const records = (await page.evaluate('window.hawkDomRecords')) as DomRecord[];
    matched = match(
      samples.filter((s) => s.receivedAt >= collectFrom),
      records,
    );
    const elapsed = Date.now() - started;
    if ((elapsed >= WINDOW_MS && matched.length >= MIN_SAMPLES) || elapsed >= Math.max(WINDOW_MS, 180_000)) break;
  }
  const skewAfter = { page: await pageClockSkew(), node: clock() - Date.now() };
  socket.close();

  const socketMs = matched.map((m) => m.socketMs);
  const domMs = matched.map((m) => m.domMs);
  const addedMs = matched.map((m) => m.addedMs);
  const line = (name: string, values: number[]) =>
    `${name.padEnd(40)} n=${values.length}  p50 ${percentile(values, 50).toFixed(1)} ms  p99 ` +
    `${percentile(values, 99).toFixed(1)} ms  max ${Math.max(...values).toFixed(1)} ms`;
  console.log(line('renewal → socket.io client (node)', socketMs));
  console.log(line('renewal → DOM shows it (chromium)', domMs));
  console.log(line('what the browser adds (DOM − socket.io)', addedMs));
  console.log(
    `DOM / socket.io: p50 ${(percentile(domMs, 50) / percentile(socketMs, 50)).toFixed(2)}×, p99 ` +
      `${(percentile(domMs, 99) / percentile(socketMs, 99)).toFixed(2)}×`,
  );
  console.log(
    `event time: the leader's spec.renewTime; ${samples.length} renewals received, ${matched.length} matched to a ` +
      `DOM change; clocks: page ${skewBefore.page.toFixed(1)}→${skewAfter.page.toFixed(1)} ms, node ` +
      `${skewBefore.node.toFixed(1)}→${skewAfter.node.toFixed(1)} ms off Date.now()`,
  );
} finally {
  await browser?.close();
  await web.stop();
  await hawk.stop();
}
process.exit(0);

/**
 * Pairs each renewal the socket.io client received with the DOM change showing it: the lease card's
 * "last renewal seen HH:MM:SS" for the renewal hawk observed. A text shared by two renewals of the
 * same lease (within one second) identifies neither, so those are left out.
 */
function match(received: readonly SocketSample[], records: readonly DomRecord[]) {
  const text = (s: SocketSample) => `last renewal seen ${formatClock(s.observedRenewAt)}`;
  const counts = new Map<string, number>();
  for (const s of received) counts.set(`${s.component} ${text(s)}`, (counts.get(`${s.component} ${text(s)}`) ?? 0) + 1);
  const pairs: { socketMs: number; domMs: number; addedMs: number }[] = [];
  for (const s of received) {
    if (counts.get(`${s.component} ${text(s)}`) !== 1) continue;
    const shown = records.find((r) => r.component === s.component && r.text === text(s));
    if (!shown) continue;
    pairs.push({ socketMs: s.receivedAt - s.eventAt, domMs: shown.at - s.eventAt, addedMs: shown.at - s.receivedAt });
  }
  return pairs;
}
