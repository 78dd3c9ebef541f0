import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, ensureLab, labPaths, mustResolveLabOptions } from '../src/index';
import { KubeApiError } from '../src/kube-client';
import { API_PORT, HOST_LINK_PREFIX, NETWORK } from '../src/topology';
import { PAUSE_IMAGE, ensureWorkers, hostIptablesChains, planWorkers, readWorkersState } from '../src/workers';

const WORKERS = 2;
const NAMESPACE = 'workers-test';

interface Pod {
  metadata: { name: string };
  spec: { nodeName?: string };
  status: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}
interface Node {
  metadata: { name: string; labels: Record<string, string> };
  status: { conditions: { type: string; status: string }[]; addresses: { type: string; address: string }[] };
  spec: { taints?: { key: string }[] };
}

/** diagnose says why pods are not Ready: their conditions, the namespace's events and the kubelets' last errors. */
async function diagnose(lab: Lab): Promise<string> {
  const kube = lab.kube();
  const pods = await kube.json<{ items: Pod[] }>(`/api/v1/namespaces/${NAMESPACE}/pods`).catch(() => ({ items: [] }));
  const events = await kube
    .json<{ items: { reason: string; message: string }[] }>(`/api/v1/namespaces/${NAMESPACE}/events`)
    .catch(() => ({ items: [] }));
  const logs = planWorkers(lab.paths, WORKERS).map((w) => {
    const log = execFileSync('tail', ['-n', '400', join(lab.paths.logs, `kubelet-${w.host.name}.log`)], {
      encoding: 'utf8',
    });
    return `${w.host.name} kubelet errors:\n${log
      .split('\n')
      .filter((l) => l.startsWith('E'))
      .slice(-8)
      .join('\n')}`;
  });
  return [
    JSON.stringify(pods.items.map((p) => ({ name: p.metadata.name, node: p.spec.nodeName, status: p.status }))),
    ...events.items.map((e) => `${e.reason}: ${e.message}`),
    ...logs,
  ].join('\n');
}

const ready = (o: { status: { conditions?: { type: string; status: string }[] } }) =>
  o.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';

// Workers run on the kubeadm profile only; afterAll removes them and puts the default lab back for the next file.
let lab: Lab;
beforeAll(async () => {
  lab = await ensureLab({ profile: 'kubeadm' });
  const started = Date.now();
  await ensureWorkers(lab, WORKERS, (line) => console.log(`[workers] ${line}`));
  console.log(`${WORKERS} workers Ready ${((Date.now() - started) / 1000).toFixed(1)}s after ensureWorkers`);
});

afterAll(async () => {
  if (lab) await ensureWorkers(lab, 0);
  await ensureLab();
});

describe(`lab with ${WORKERS} worker nodes`, () => {
  it('refuses workers on the hand-made profile, whose controller-manager has no service-account credentials', async () => {
    const handMade = new Lab(mustResolveLabOptions({ profile: 'hand-made' }), labPaths());
    await expect(ensureWorkers(handMade, 1)).rejects.toThrow(/kubeadm profile/);
  });

  it('registers each worker as a Ready Node at its lab address, without the not-ready taint', async () => {
    for (const w of planWorkers(lab.paths, WORKERS)) {
      const node = await lab.waitFor(
        async () => {
          const n = await lab.kube().json<Node>(`/api/v1/nodes/${w.host.name}`);
          // The node-lifecycle controller removes the not-ready taint shortly after Ready.
          return ready(n) && !n.spec.taints?.some((t) => t.key === 'node.kubernetes.io/not-ready') ? n : undefined;
        },
        60_000,
        { description: `${w.host.name} Ready and untainted` },
      );
      expect(node.status.addresses).toContainEqual({ type: 'InternalIP', address: w.host.ip });
      expect(node.metadata.labels['lab.hawk.dev/worker']).toBe('true');
    }
    expect((await readWorkersState(lab))?.count).toBe(WORKERS);
  });

  it("keeps the kubelet and kube-proxy iptables chains inside the workers' namespaces", async () => {
    for (const w of planWorkers(lab.paths, WORKERS)) {
      const natChains = () =>
        execFileSync('nsenter', [`--net=/run/netns/${w.host.netns}`, 'iptables-save', '-t', 'nat'], {
          encoding: 'utf8',
        });
      await lab.waitFor(() => natChains().includes(':KUBE-SERVICES'), 30_000, {
        description: `kube-proxy's chains in ${w.host.netns}`,
      });
    }
    expect(await hostIptablesChains()).toEqual([]);
  });

  it('runs a Deployment of the pause image to Ready on the workers', async () => {
    const kube = lab.kube();
    await kube.createIfAbsent('/api/v1/namespaces', NAMESPACE, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NAMESPACE },
    });
    const started = Date.now();
    await kube.json(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, {
      method: 'POST',
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'pause' },
        spec: {
          replicas: WORKERS,
          selector: { matchLabels: { app: 'pause' } },
          template: {
            metadata: { labels: { app: 'pause' } },
            spec: {
              // One per worker: proves both kubelets run pods.
              topologySpreadConstraints: [
                {
                  maxSkew: 1,
                  topologyKey: 'kubernetes.io/hostname',
                  whenUnsatisfiable: 'DoNotSchedule',
                  labelSelector: { matchLabels: { app: 'pause' } },
                },
              ],
              nodeSelector: { 'lab.hawk.dev/worker': 'true' },
              containers: [{ name: 'pause', image: PAUSE_IMAGE, imagePullPolicy: 'Never' }],
            },
          },
        },
      },
    });
    const pods = await lab
      .waitFor(
        async () => {
          const list = await kube.json<{ items: Pod[] }>(
            `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app%3Dpause`,
          );
          return list.items.length === WORKERS && list.items.every(ready) ? list.items : undefined;
        },
        90_000,
        { description: `${WORKERS} pause pods Ready`, intervalMs: 250 },
      )
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await diagnose(lab)}`);
      });
    console.log(`Deployment of ${WORKERS} pods Ready ${((Date.now() - started) / 1000).toFixed(1)}s after create`);
    expect(new Set(pods.map((p) => p.spec.nodeName))).toEqual(
      new Set(planWorkers(lab.paths, WORKERS).map((w) => w.host.name)),
    );
    for (const p of pods) expect(p.status.podIP).toMatch(/^10\.244\.\d+\.\d+$/);

    await kube.raw(`/api/v1/namespaces/${NAMESPACE}`, { method: 'DELETE' });
    // Namespace deletion finishes only when the kubelets have stopped the pods and the controllers have emptied it.
    await lab.waitFor(
      async () => {
        try {
          await kube.json(`/api/v1/namespaces/${NAMESPACE}`);
          return false;
        } catch (error) {
          return error instanceof KubeApiError && error.status === 404;
        }
      },
      90_000,
      { description: `namespace ${NAMESPACE} deleted` },
    );
  });

  it("keeps the bridge's MAC while links come and go, so the LB still answers the host side at once", async () => {
    const lb = lab.topology.hosts.find((h) => h.role === 'load-balancer')!;
    const bridgeMac = () =>
      (
        JSON.parse(execFileSync('ip', ['-j', 'link', 'show', 'dev', NETWORK.bridge], { encoding: 'utf8' })) as {
          address: string;
        }[]
      )[0]!.address;
    // What the LB has cached for the host side's main address, where hawk dials from.
    const lbNeighbour = () =>
      (
        JSON.parse(
          execFileSync('ip', ['-n', lb.netns, '-j', 'neigh', 'show', NETWORK.bridgeIp], { encoding: 'utf8' }),
        ) as { lladdr?: string }[]
      )[0]?.lladdr;
    /** A TCP connection from 10.213.0.1 to the LB: how long until it was answered, or why not within 3 s. */
    const connectFromHost = () =>
      new Promise<number>((resolve, reject) => {
        const started = Date.now();
        const socket = connect({ host: lb.ip, port: API_PORT, localAddress: NETWORK.bridgeIp, timeout: 3000 });
        const end = (outcome: () => void) => {
          socket.destroy();
          outcome();
        };
        socket.once('connect', () => end(() => resolve(Date.now() - started)));
        socket.once('timeout', () =>
          end(() => reject(new Error(`${lb.ip}:${API_PORT} unanswered from ${NETWORK.bridgeIp} within 3 s`))),
        );
        socket.once('error', (error) => end(() => reject(error)));
      });
    // A link like a worker's, with a MAC below any random one: a bridge left to itself would take that MAC, and give
    // it back when the link goes.
    const link = `${HOST_LINK_PREFIX}mac-probe`;
    execFileSync('ip', [
      'link',
      'add',
      link,
      'address',
      '02:00:00:00:00:01',
      'type',
      'veth',
      'peer',
      'name',
      `${link}p`,
    ]);
    try {
      execFileSync('ip', ['link', 'set', link, 'master', NETWORK.bridge, 'up']);
      expect(bridgeMac()).toBe(NETWORK.bridgeMac);
      await connectFromHost();
    } finally {
      execFileSync('ip', ['link', 'del', link]);
    }
    expect(bridgeMac()).toBe(NETWORK.bridgeMac);
    // The LB's cached address for the host is the one the bridge still has, so a new connection is answered at once.
    expect(lbNeighbour()).toBe(NETWORK.bridgeMac);
    console.log(`[workers] a new connection from the host side answered in ${await connectFromHost()} ms`);
  });
});
