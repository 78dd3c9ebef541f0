import type { ClusterState, ClusterSummary, TimelineEvent } from '@hawk/core';
import { afterEach, describe, expect, it } from 'vitest';
import { clusterState, oneEtcdMemberDown, T0 } from '@hawk/testkit/cluster-state';
import { connectClient, nextEvent, startHawkServer, type RunningHawk } from '@hawk/testkit/hawk-server';
import { createMemoryHub, type MemoryHub } from '@hawk/testkit/memory-hub';

const TOKEN = 'test-token-0123456789abcdef';
let hawk: RunningHawk | undefined;
afterEach(async () => {
  await hawk?.close();
  hawk = undefined;
});

async function start(env: Record<string, string> = {}): Promise<{ hub: MemoryHub; hawk: RunningHawk }> {
  const hub = createMemoryHub([clusterState('lab')]);
  hawk = await startHawkServer(hub, env);
  return { hub, hawk };
}
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${hawk?.url}${path}`, { headers });
const getJson = async <T>(path: string): Promise<T> => (await get(path)).json() as Promise<T>;
type StateBody = { clusterId: string; version: number; state: ClusterState };

describe('REST API', () => {
  it('lists clusters, serves one state, its findings, timeline and replay', async () => {
    const { hub } = await start();
    hub.emitTimeline({
      kind: 'probe-failed',
      clusterId: 'lab',
      at: T0 + 500,
      target: '127.0.0.1:6441',
      error: 'refused',
    });
    const degraded = clusterState('lab', { at: T0 + 1_000, fault: oneEtcdMemberDown });
    hub.push(degraded);

    const list = await getJson<{ clusters: ClusterSummary[] }>('/api/clusters');
    expect(list.clusters).toEqual([
      expect.objectContaining({ id: 'lab', verdict: 'degraded', findingCounts: { critical: 0, warning: 1, info: 1 } }),
    ]);

    const one = await getJson<StateBody>('/api/clusters/lab');
    expect(one).toMatchObject({ clusterId: 'lab', version: 2 });
    expect(one.state).toEqual(degraded);
    expect((await get('/api/clusters/nope')).status).toBe(404);

    const findings = await getJson<unknown>('/api/clusters/lab/findings');
    expect(findings).toEqual({ clusterId: 'lab', findings: degraded.findings });

    const timeline = await getJson<{ events: TimelineEvent[] }>(
      `/api/clusters/lab/timeline?from=${new Date(T0).toISOString()}&to=${T0 + 1_000}`,
    );
    expect(timeline.events).toEqual([
      { kind: 'probe-failed', clusterId: 'lab', at: T0 + 500, target: '127.0.0.1:6441', error: 'refused' },
    ]);
    expect((await get('/api/clusters/lab/timeline?from=yesterday')).status).toBe(400);
    expect((await get(`/api/clusters/lab/timeline?from=${T0 + 10}&to=${T0}`)).status).toBe(400);

    const before = await getJson<StateBody>(`/api/clusters/lab/state-at?t=${T0 + 999}`);
    expect(before.state.verdict).toBe('ha-ok');
    expect(before.state.findings.map((entry) => entry.id)).toEqual(['TopologyStackedEtcd']);
    const after = await getJson<StateBody>(`/api/clusters/lab/state-at?t=${new Date(T0 + 1_000).toISOString()}`);
    expect(after.state.verdict).toBe('degraded');
    expect((await get(`/api/clusters/lab/state-at?t=${T0 - 1}`)).status).toBe(404);
    expect((await get('/api/clusters/lab/state-at')).status).toBe(400);
  });

  it("gives each cluster's name beside its stable id, also for states recorded before clusters had names", async () => {
    const { hub } = await start();
    const named = clusterState('lab', { at: T0 + 1_000 });
    hub.push({ ...named, identity: { ...named.identity, context: 'inClusterContext', name: 'prod-eu (Frankfurt)' } });
    const list = await getJson<{ clusters: ClusterSummary[] }>('/api/clusters');
    expect(list.clusters.map(({ id, context, name }) => ({ id, context, name }))).toEqual([
      { id: 'lab', context: 'inClusterContext', name: 'prod-eu (Frankfurt)' },
    ]);
    expect((await getJson<StateBody>('/api/clusters/lab')).state.identity).toMatchObject({
      id: 'lab',
      name: 'prod-eu (Frankfurt)',
    });
    expect((await getJson<StateBody>(`/api/clusters/lab/state-at?t=${T0 + 1_000}`)).state.identity.name).toBe(
      'prod-eu (Frankfurt)',
    );

    // A model-version-1 state, as history holds it from before: no name, shown under its context.
    const unnamed = {
      ...named.identity,
      context: 'lab-admin@lab',
      name: undefined,
    } as unknown as ClusterState['identity'];
    hub.push({ ...named, observedAt: T0 + 2_000, identity: unnamed });
    const old = await getJson<StateBody>(`/api/clusters/lab/state-at?t=${T0 + 2_000}`);
    expect(old.state.identity).toMatchObject({ id: 'lab', context: 'lab-admin@lab', name: 'lab-admin@lab' });
  });

  it('answers probes, exposes metrics and documents itself', async () => {
    await start();
    expect(await (await get('/livez')).json()).toEqual({ live: true });
    expect(await (await get('/readyz')).json()).toMatchObject({ ready: true, leader: true, clusters: 1 });
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toContain('hawk_replica_leader{replica=');
    expect(metrics).toContain('hawk_etcd_members{cluster="lab",cluster_name="lab",state="healthy"} 3');
    const openapi = await getJson<{ paths: Record<string, unknown> }>('/docs/json');
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/clusters',
        '/api/clusters/{id}',
        '/api/clusters/{id}/findings',
        '/api/clusters/{id}/timeline',
        '/api/clusters/{id}/state-at',
        '/livez',
        '/readyz',
        '/metrics',
      ]),
    );
  });

  it('reports not ready until the hub has settled', async () => {
    const { hub } = await start();
    hub.setSettled(false);
    const response = await get('/readyz');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ ready: false, leader: true });
  });

  it('allows CORS for the web origin only, sets security headers, limits rates', async () => {
    await start({ HAWK_WEB_ORIGIN: 'http://hawk.example:3000', HAWK_RATE_LIMIT_PER_MINUTE: '5' });
    const allowed = await get('/api/clusters', { origin: 'http://hawk.example:3000' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://hawk.example:3000');
    expect(allowed.headers.get('x-content-type-options')).toBe('nosniff');
    const other = await get('/api/clusters', { origin: 'http://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await get('/api/clusters')).status);
    expect(statuses).toContain(429);
    expect((await get('/livez')).status).toBe(200);
  });

  it('requires the bearer token on REST and the socket when HAWK_TOKEN is set', async () => {
    await start({ HAWK_TOKEN: TOKEN });
    expect((await get('/api/clusters')).status).toBe(401);
    expect((await get('/api/clusters', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/api/clusters', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get('/livez')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);

    await expect(connectClient(hawk!.url)).rejects.toThrow('unauthorized');
    await expect(connectClient(hawk!.url, { token: 'nope' })).rejects.toThrow('unauthorized');
    const socket = await connectClient(hawk!.url, { token: TOKEN });
    const snapshot = nextEvent(socket, 'snapshot');
    socket.emit('subscribe', { clusterId: 'lab' });
    expect(await snapshot).toMatchObject({ clusterId: 'lab' });
    socket.disconnect();
  });
});
