import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import type { Freshness } from '@hawk/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createKubeClient } from '../../src/clusters/kube-client';
import { silentLogger } from '../../src/logger';
import { runListWatch } from '../../src/sources/list-watch';
import { createSupervisor } from '../../src/sources/supervisor';

/** A scripted apiserver: each request to the collection is answered by the next step for its kind (list or watch). */
type Step = (response: import('node:http').ServerResponse) => void;

const lease = (name: string, rv: string) => ({
  metadata: { name, namespace: 'kube-system', resourceVersion: rv },
  spec: { holderIdentity: 'a' },
});
const list =
  (rv: string, names: string[]): Step =>
  (res) =>
    res.end(JSON.stringify({ metadata: { resourceVersion: rv }, items: names.map((n) => lease(n, rv)) }));
const events =
  (lines: object[], keepOpen = false): Step =>
  (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    for (const line of lines) res.write(`${JSON.stringify(line)}\n`);
    if (!keepOpen) res.end();
  };
const status =
  (code: number): Step =>
  (res) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', code, message: `code ${code}` }));
  };
const silent: Step = (res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('');
};

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

async function fakeApi(lists: Step[], watches: Step[]): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  server = createServer((req, res) => {
    const isWatch = req.url?.includes('watch=1') ?? false;
    seen.push(
      `${isWatch ? 'watch' : 'list'} ${new URL(req.url!, 'http://x').searchParams.get('resourceVersion') ?? ''}`,
    );
    const step = (isWatch ? watches : lists).shift();
    if (step) step(res);
    else silent(res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function client(url: string) {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return createKubeClient(kubeConfig);
}

function supervise(url: string, staleAfterMs = 60_000) {
  const kube = client(url);
  const names: string[][] = [];
  const freshness: Freshness[] = [];
  const supervisor = createSupervisor({
    clusterId: 'c',
    name: 'leases',
    now: Date.now,
    logger: silentLogger,
    staleAfterMs: () => staleAfterMs,
    backoffInitialMs: 20,
    checkEveryMs: 20,
    onFreshness: (f) => freshness.push(f),
    session: (signal, report) =>
      runListWatch(
        kube,
        { path: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', watchTimeoutSeconds: 60 },
        {
          onList: (items) => {
            names.push(items.map((item) => (item as { metadata: { name: string } }).metadata.name));
            report.synced();
          },
          onEvent: () => report.activity(),
          onActivity: report.activity,
        },
        signal,
      ),
  });
  supervisor.start();
  return { supervisor, names, freshness, kube };
}

const waitFor = async (predicate: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('supervisor', () => {
  it('relists at once on a 410 ERROR event inside the watch stream', async () => {
    const api = await fakeApi(
      [list('10', ['a']), list('20', ['b'])],
      [events([{ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old resource version' } }])],
    );
    const { supervisor, names } = supervise(api.url);
    await waitFor(() => names.length === 2);
    expect(names).toEqual([['a'], ['b']]);
    expect(supervisor.stats()).toMatchObject({ relists: 1, restarts: 1, state: 'live' });
    expect(api.seen.slice(0, 3)).toEqual(['list ', 'watch 10', 'list ']);
    await supervisor.stop();
  });

  it('relists on 410 Gone as an HTTP status of the watch', async () => {
    const api = await fakeApi([list('10', ['a']), list('30', ['a', 'c'])], [status(410)]);
    const { supervisor, names } = supervise(api.url);
    await waitFor(() => names.length === 2);
    expect(names[1]).toEqual(['a', 'c']);
    expect(supervisor.stats().relists).toBe(1);
    await supervisor.stop();
  });

  it('resumes the watch from the last resourceVersion when the server ends it, without relisting', async () => {
    const api = await fakeApi(
      [list('10', ['a'])],
      [
        events([
          { type: 'MODIFIED', object: lease('a', '11') },
          { type: 'BOOKMARK', object: { metadata: { resourceVersion: '15' } } },
        ]),
      ],
    );
    const { supervisor, names } = supervise(api.url);
    await waitFor(() => api.seen.length >= 3);
    expect(api.seen.slice(0, 3)).toEqual(['list ', 'watch 10', 'watch 15']);
    expect(names).toHaveLength(1);
    expect(supervisor.stats().restarts).toBe(0);
    await supervisor.stop();
  });

  it('backs off after errors, and goes live once the API answers again', async () => {
    const api = await fakeApi([status(500), status(503), list('10', ['a'])], []);
    const { supervisor, freshness } = supervise(api.url);
    await waitFor(() => supervisor.freshness().state === 'live');
    expect(supervisor.stats().restarts).toBe(2);
    expect(freshness.some((f) => f.state === 'reconnecting' && f.detail?.includes('HTTP 500'))).toBe(true);
    await supervisor.stop();
  });

  it('backs off, rather than spinning, when the server ends every watch at once with nothing in it', async () => {
    // An apiserver rebuilding its watch cache after etcd came back answers watches this way.
    const api = await fakeApi(
      Array.from({ length: 1000 }, () => list('10', ['a'])),
      Array.from({ length: 100_000 }, () => events([])),
    );
    const { supervisor, freshness } = supervise(api.url);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const watches = api.seen.filter((request) => request.startsWith('watch')).length;
    await supervisor.stop();
    // Unpaced, this loop re-opened thousands of watches a second; with backoff from 20 ms it is a handful.
    expect(watches).toBeGreaterThan(1);
    expect(watches).toBeLessThan(20);
    expect(freshness.some((f) => f.state === 'reconnecting' && f.detail?.includes('with no event'))).toBe(true);
  });

  it("leaves nothing linked to the caller's long-lived signal once a request is over", async () => {
    const api = await fakeApi(
      Array.from({ length: 50 }, () => list('10', ['a'])),
      [],
    );
    const kube = client(api.url);
    const session = new AbortController();
    for (let i = 0; i < 50; i++) {
      const response = await kube.open('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', {
        signal: session.signal,
        headersTimeoutMs: 1000,
      });
      await response.body.text();
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(getEventListeners(session.signal, 'abort')).toHaveLength(0);
    // AbortSignal.any composites hide in this Node-internal set instead, one per request (nodejs/node#64476).
    const dependants = Object.getOwnPropertySymbols(session.signal).find(
      (symbol) => symbol.description === 'kDependantSignals',
    );
    expect(
      (dependants ? (session.signal as unknown as Record<symbol, Set<unknown> | undefined>)[dependants]?.size : 0) ?? 0,
    ).toBe(0);
    await kube.close();
  });

  it('restarts a silent watch, and calls it stale only when the relist does not come back', async () => {
    const api = await fakeApi([list('10', ['a']), list('20', ['a'])], [silent, silent]);
    const { supervisor, names } = supervise(api.url, 200);
    await waitFor(() => names.length === 2);
    expect(supervisor.stats().staleRestarts).toBeGreaterThanOrEqual(1);
    expect(supervisor.freshness().state).toBe('live');
    await supervisor.stop();
  });
});
