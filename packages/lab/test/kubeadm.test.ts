import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureLab, labIp, type Lab } from '../src/index';

/** Listening TCP sockets inside a host's network namespace, as `address:port`. */
function listening(lab: Lab, host: string): string[] {
  const out = execFileSync('ip', ['netns', 'exec', lab.host(host).netns, 'ss', '-Hltn'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[3] ?? '')
    .filter(Boolean);
}

interface Pod {
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: { nodeName: string; containers: { command: string[] }[] };
}

// The kubeadm profiles replace the shared lab when it has other options; afterAll puts the default back.
afterAll(async () => {
  await ensureLab();
});

describe('kubeadm-made lab (kubeadm defaults)', () => {
  let lab: Lab;

  it('comes up from kubeadm init phases', async () => {
    const started = Date.now();
    lab = await ensureLab({ profile: 'kubeadm' });
    console.log(`kubeadm-made lab ready ${((Date.now() - started) / 1000).toFixed(1)}s after ensureLab`);
    expect((await lab.processes()).filter((p) => p.state !== 'running')).toEqual([]);
  });

  it('runs each component with the command line of kubeadm manifest, and the mirror Pod shows it', async () => {
    const pods = await lab
      .kube()
      .json<{ items: Pod[] }>('/api/v1/namespaces/kube-system/pods?labelSelector=tier%3Dcontrol-plane');
    expect(pods.items).toHaveLength(12);
    for (const c of lab.topology.components.filter((x) => x.kind !== 'haproxy')) {
      const pod = pods.items.find((p) => p.metadata.name === c.id);
      // toMatchObject: the apiserver's PodTopologyLabels admission adds the node's zone label on binding.
      expect(pod?.metadata.labels).toMatchObject({ component: c.kind, tier: 'control-plane' });
      const running = lab.commandLine(c);
      expect(pod?.spec.containers[0]?.command).toEqual([basename(running.binary), ...running.args]);
      expect(pod?.spec.nodeName).toBe(c.host);
    }
    const command = (id: string) => pods.items.find((p) => p.metadata.name === id)!.spec.containers[0]!.command;
    expect(command('kube-controller-manager-cp-1')).toContain('--bind-address=127.0.0.1');
    expect(command('kube-scheduler-cp-1')).toContain('--bind-address=127.0.0.1');
    expect(command('kube-apiserver-cp-1')).toContain('--etcd-servers=https://127.0.0.1:2379');
    expect(command('kube-apiserver-cp-1')).toContain('--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt');
    expect(command('etcd-cp-1')).toContain('--listen-metrics-urls=http://127.0.0.1:2381');
    expect(
      pods.items.find((p) => p.metadata.name === 'kube-apiserver-cp-2')?.metadata.annotations[
        'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint'
      ],
    ).toBe(`${labIp(12)}:6443`);
  });

  it('binds controller-manager and scheduler health ports and etcd metrics to loopback, as kubeadm does', () => {
    const sockets = listening(lab, 'cp-2');
    expect(sockets).toEqual(
      expect.arrayContaining(['127.0.0.1:10257', '127.0.0.1:10259', '127.0.0.1:2381', `${labIp(12)}:2379`, '*:6443']),
    );
    expect(sockets.filter((s) => /:(10257|10259|2381)$/.test(s) && !s.startsWith('127.0.0.1:'))).toEqual([]);
  });

  it('publishes kube-system/kubeadm-config with the LB as controlPlaneEndpoint and local etcd', async () => {
    const cm = await lab
      .kube()
      .json<{ data: { ClusterConfiguration: string } }>('/api/v1/namespaces/kube-system/configmaps/kubeadm-config');
    const config = parse(cm.data.ClusterConfiguration) as {
      controlPlaneEndpoint: string;
      etcd: { local?: unknown; external?: unknown };
      kubernetesVersion: string;
    };
    expect(config.controlPlaneEndpoint).toBe(`${labIp(10)}:6443`);
    expect(config.etcd.local).toBeDefined();
    expect(config.kubernetesVersion).toBe('v1.36.3');
  });

  it('reports a stopped component in its mirror Pod status, as its kubelet would, and Ready again once started', async () => {
    const ready = async (id: string) => {
      const pod = await lab
        .kube()
        .json<{ status: { conditions: { type: string; status: string }[] } }>(
          `/api/v1/namespaces/kube-system/pods/${id}`,
        );
      return pod.status.conditions.find((c) => c.type === 'Ready')?.status === 'True';
    };
    const holder = await lab.leaseHolder('kube-scheduler');
    const standby = lab.topology.components.find((c) => c.kind === 'kube-scheduler' && c.host !== holder?.node)!;
    await lab.fault.stop('kube-scheduler', standby.index);
    await lab.waitFor(async () => !(await ready(standby.id)), 10_000, { description: `${standby.id} not Ready` });
    await lab.fault.start('kube-scheduler', standby.index);
    await lab.waitFor(() => ready(standby.id), 10_000, { description: `${standby.id} Ready again` });
  });

  it('exports kubeadm etcd client certificates for hawk', () => {
    const env = lab.env();
    expect(env.HAWK_ETCD_CERT).toMatch(/\/pki\/etcd\/healthcheck-client\.crt$/);
    expect(env.HAWK_ETCD_CA).toMatch(/\/pki\/etcd\/ca\.crt$/);
    expect(env.HAWK_ETCD_ENDPOINTS).toBe([11, 12, 13].map((octet) => `https://${labIp(octet)}:2379`).join(','));
  });
});

describe('kubeadm-made lab with bind-address=0.0.0.0', () => {
  it('serves controller-manager and scheduler health on every address of the node', async () => {
    const lab = await ensureLab({ profile: 'kubeadm-bind-all' });
    const sockets = listening(lab, 'cp-1');
    expect(sockets).toEqual(expect.arrayContaining(['*:10257', '*:10259']));
    const pods = await lab
      .kube()
      .json<{ items: Pod[] }>('/api/v1/namespaces/kube-system/pods?labelSelector=component%3Dkube-scheduler');
    expect(pods.items.every((p) => p.spec.containers[0]!.command.includes('--bind-address=0.0.0.0'))).toBe(true);
  });
});

describe('kubeadm-made external etcd', () => {
  it('runs etcd on its own hosts and says so in kubeadm-config', async () => {
    const lab = await ensureLab({ profile: 'kubeadm', etcdTopology: 'external' });
    const etcd = await lab.etcdStatus();
    expect(etcd.members.map((m) => m.name).sort()).toEqual(['etcd-1', 'etcd-2', 'etcd-3']);
    expect(etcd.healthyCount).toBe(3);
    const cm = await lab
      .kube()
      .json<{ data: { ClusterConfiguration: string } }>('/api/v1/namespaces/kube-system/configmaps/kubeadm-config');
    const config = parse(cm.data.ClusterConfiguration) as { etcd: { external?: { endpoints: string[] } } };
    expect(config.etcd.external?.endpoints).toEqual([
      `https://${labIp(21)}:2379`,
      `https://${labIp(22)}:2379`,
      `https://${labIp(23)}:2379`,
    ]);
  });
});
