/**
 * Least exposure (issue 27 §6): Prometheus's credential opens /metrics and nothing else, and the open /readyz
 * tells a stranger only whether hawk is ready. A real app on a real port.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clusterState } from '@hawk/testkit/cluster-state';
import { connectClient, startHawkServer, type RunningHawk } from '@hawk/testkit/hawk-server';
import { createMemoryHub } from '@hawk/testkit/memory-hub';
import { EnvError, loadEnv } from '../../src/env';

const TOKEN = 'the-ui-token-long-enough';
const METRICS_TOKEN = 'the-metrics-token-long-enough';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('least exposure', () => {
  let hawk: RunningHawk | undefined;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${hawk!.url}${path}`, { headers });
  afterEach(async () => {
    await hawk?.close();
    hawk = undefined;
  });

  it('lets the metrics token scrape /metrics and nothing else; the UI token still scrapes', async () => {
    hawk = await startHawkServer(createMemoryHub([clusterState('lab')]), {
      HAWK_TOKEN: TOKEN,
      HAWK_METRICS_TOKEN: METRICS_TOKEN,
    });
    const scrape = await get('/metrics', bearer(METRICS_TOKEN));
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('hawk_replica_leader');
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', bearer(TOKEN))).status).toBe(200);
    // Prometheus's credential reads no cluster data, over REST or the socket.
    expect((await get('/api/clusters', bearer(METRICS_TOKEN))).status).toBe(401);
    expect((await get('/api/clusters/lab', bearer(METRICS_TOKEN))).status).toBe(401);
    await expect(connectClient(hawk.url, { token: METRICS_TOKEN })).rejects.toThrow('unauthorized');
  });

  it('guards /metrics with the metrics token even when the UI is open', async () => {
    hawk = await startHawkServer(createMemoryHub([clusterState('lab')]), { HAWK_METRICS_TOKEN: METRICS_TOKEN });
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', bearer(METRICS_TOKEN))).status).toBe(200);
    expect((await get('/api/clusters')).status).toBe(200);
  });

  it('answers /readyz with status only unless the caller may read hawk', async () => {
    hawk = await startHawkServer(createMemoryHub([clusterState('lab')]), {
      HAWK_TOKEN: TOKEN,
      HAWK_REPLICA_ID: 'hawk-pod-7f9c',
    });
    const stranger = await get('/readyz');
    expect(stranger.status).toBe(200);
    const strangerBody = await stranger.text();
    expect(JSON.parse(strangerBody)).toEqual({ ready: true });
    expect(strangerBody).not.toContain('hawk-pod-7f9c');
    // The metrics token is not a reader's credential either.
    expect(await (await get('/readyz', bearer(METRICS_TOKEN))).json()).toEqual({ ready: true });
    expect(await (await get('/readyz', bearer(TOKEN))).json()).toMatchObject({
      ready: true,
      replica: 'hawk-pod-7f9c',
      leader: true,
      leaderIdentity: 'hawk-pod-7f9c',
    });
  });

  it('keeps the metrics token out of error messages and refuses a short one', () => {
    expect(() => loadEnv({ HAWK_METRICS_TOKEN: 'short-secret' })).toThrow(EnvError);
    expect(() => loadEnv({ HAWK_METRICS_TOKEN: 'short-secret' })).toThrow(/value hidden/);
  });
});
