import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { KubeConfig, type User } from '@kubernetes/client-node';
import type { FastifyBaseLogger } from 'fastify';
import { ensureLab, type Lab } from '@hawk/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/env';
import { createClusterHub } from '../../src/hub/index';
import { connectClient, pause, startHawkServer, type HawkClient, type RunningHawk } from '@hawk/testkit/hawk-server';

// The real hub against the real lab, behind a real server: the state must be real, and no
// credential of the kubeconfig may reach a socket payload, a REST response or a log line.

const DECOY_TOKEN = 'hawk-decoy-bearer-token-6f1c9e2a7b4d';
const API_TOKEN = 'hawk-api-token-0123456789abcdef';

/** The lab's kubeconfig plus a second context that authenticates with a bearer token (and is unreachable). */
function kubeconfigWithToken(lab: Lab): KubeConfig {
  const base = new KubeConfig();
  base.loadFromFile(lab.kubeconfigPath);
  const cluster = base.getClusters()[0]!;
  const result = new KubeConfig();
  result.loadFromOptions({
    clusters: [...base.getClusters(), { ...cluster, name: 'decoy', server: 'https://127.0.0.1:1' }],
    users: [...base.getUsers(), { name: 'decoy-user', token: DECOY_TOKEN }],
    contexts: [...base.getContexts(), { name: 'decoy', cluster: 'decoy', user: 'decoy-user' }],
    currentContext: base.getCurrentContext(),
  });
  return result;
}

/** Distinctive fragments of every credential: the token, and lines of each PEM key and cert body. */
function secretFragments(kubeconfig: KubeConfig, lab: Lab): string[] {
  const pem = (data?: string, file?: string) =>
    data ? Buffer.from(data, 'base64').toString() : file ? readFileSync(file, 'utf8') : '';
  const pems = kubeconfig
    .getUsers()
    .flatMap((user: User) => [pem(user.keyData, user.keyFile), pem(user.certData, user.certFile)]);
  pems.push(readFileSync(lab.env().HAWK_ETCD_KEY!, 'utf8'));
  const bodyLines = pems.flatMap((text) =>
    text.split('\n').filter((line) => line.length >= 40 && !line.startsWith('-----')),
  );
  const encoded = kubeconfig
    .getUsers()
    .flatMap((user) =>
      [user.keyData, user.certData].filter((value): value is string => !!value).map((value) => value.slice(0, 60)),
    );
  return [DECOY_TOKEN, API_TOKEN, ...bodyLines, ...encoded];
}

describe('the real hub on the lab, behind the real server', () => {
  let lab: Lab;
  let hawk: RunningHawk;
  let client: HawkClient;
  let kubeconfig: KubeConfig;
  const logs: string[] = [];
  const payloads: string[] = [];

  beforeAll(async () => {
    lab = await ensureLab();
    kubeconfig = kubeconfigWithToken(lab);
    const logStream = new PassThrough();
    logStream.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    const hub = (logger: FastifyBaseLogger) =>
      createClusterHub({
        env: loadEnv({ ...lab.env(), HAWK_CONFIG: '', HAWK_CONTEXTS: '' }),
        kubeconfig,
        probeIntervalMs: 1_000,
        logger,
      });
    hawk = await startHawkServer(hub, { HAWK_TOKEN: API_TOKEN, HAWK_LOG_LEVEL: 'debug' }, { logStream });
    client = await connectClient(hawk.url, { token: API_TOKEN });
    client.onAny((event: string, payload: unknown) => payloads.push(`${event} ${JSON.stringify(payload)}`));
  });
  afterAll(async () => {
    client?.disconnect();
    await hawk?.close();
  });

  it('pushes the lab as it is, and no credential anywhere', async () => {
    const authorization = { authorization: `Bearer ${API_TOKEN}` };
    const get = async (path: string) => {
      const response = await fetch(`${hawk.url}${path}`, { headers: authorization });
      const body = await response.text();
      payloads.push(`${path} ${body}`);
      return { status: response.status, body };
    };

    const { clusters } = JSON.parse((await get('/api/clusters')).body) as {
      clusters: { id: string; context: string }[];
    };
    expect(clusters).toHaveLength(2);
    client.emit('subscribe', { overview: true });
    for (const cluster of clusters) client.emit('subscribe', { clusterId: cluster.id });
    const labId = clusters.find((cluster) => cluster.context !== 'decoy')!.id;
    const decoyId = clusters.find((cluster) => cluster.context === 'decoy')!.id;

    // Wait for the real state: three apiservers serving, etcd with its three members, a known leader.
    const deadline = Date.now() + 90_000;
    let state:
      | {
          apiServers: { serving: number };
          etcd: { quorum: { voters: number }; leaderId: string | null };
          leases: { record: { holderIdentity: string | null } | null }[];
        }
      | undefined;
    while (Date.now() < deadline) {
      state = JSON.parse((await get(`/api/clusters/${labId}`)).body).state;
      if (state && state.apiServers.serving === 3 && state.etcd.quorum.voters === 3 && state.etcd.leaderId) break;
      await pause(500);
    }
    expect(state?.apiServers.serving).toBe(3);
    expect(state?.etcd.quorum.voters).toBe(3);
    expect(state?.leases.some((lease) => lease.record?.holderIdentity)).toBe(true);
    const decoy = JSON.parse((await get(`/api/clusters/${decoyId}`)).body).state;
    expect(decoy.reachability.state).not.toBe('reachable');

    for (const id of [labId, decoyId]) {
      await get(`/api/clusters/${id}/findings`);
      await get(`/api/clusters/${id}/timeline?from=0`);
      await get(`/api/clusters/${id}/state-at?t=${Date.now()}`);
      await get(`/api/clusters/${id}/incidents?from=0`);
    }
    await get('/metrics');
    await get('/docs/json');
    await get('/readyz');
    expect(payloads.some((payload) => payload.startsWith('snapshot '))).toBe(true);
    expect(logs.length).toBeGreaterThan(0);

    const everything = [...payloads, ...logs].join('\n');
    const fragments = secretFragments(kubeconfig, lab);
    expect(fragments.length).toBeGreaterThan(10); // the token, and lines of three keys and a cert at least
    const leaked = fragments.filter((fragment) => everything.includes(fragment));
    expect(leaked.map((fragment) => `${fragment.slice(0, 12)}…`)).toEqual([]);
  });
});
