import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, type Lab } from '../src/index';

// The leader faults themselves (scenarios 2, 3, 4 and 7: kill, freeze, stop) are checked by the lab's own reads in
// the server's tests of the same faults (sources/leader-election, apiservers, etcd, etcd-flapping): one fault serves
// both, the lab's truth and what hawk makes of it.

let lab: Lab;

beforeAll(async () => {
  lab = await ensureLab();
});

afterAll(async () => {
  await lab.fault.heal();
});

describe('scenario 1: steady state, full HA', () => {
  it('every process runs and every apiserver is ready', async () => {
    const processes = await lab.processes();
    expect(processes.filter((p) => p.state !== 'running')).toEqual([]);
    expect(processes).toHaveLength(13);
    expect((await lab.apiServerReadiness()).map((a) => a.ready)).toEqual([true, true, true]);
  });

  it('the default/kubernetes EndpointSlice lists the three apiserver addresses', async () => {
    const slices = await lab
      .kube()
      .json<{ items: { endpoints: { addresses: string[] }[] }[] }>(
        '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices' +
          '?labelSelector=kubernetes.io%2Fservice-name%3Dkubernetes',
      );
    const addresses = slices.items.flatMap((s) => s.endpoints.flatMap((e) => e.addresses)).sort();
    expect(addresses).toEqual(lab.nodes.map((n) => n.ip));
  });

  it('three apiserver identity Leases exist, one per hostname', async () => {
    const leases = await lab.kube().leases('kube-system', 'apiserver.kubernetes.io/identity=kube-apiserver');
    expect(leases).toHaveLength(3);
    expect(new Set(leases.map((l) => l.spec.holderIdentity)).size).toBe(3);
  });

  it('controller-manager and scheduler leases are held by lab nodes', async () => {
    for (const kind of ['kube-controller-manager', 'kube-scheduler'] as const) {
      const holder = await lab.leaseHolder(kind);
      expect(holder?.identity).toMatch(/^cp-[1-3]_[0-9a-f-]{36}$/);
      expect(lab.nodes.map((n) => n.name)).toContain(holder?.node);
    }
  });

  it('Nodes and mirror Pods show the placement kubeadm would', async () => {
    const nodes = await lab
      .kube()
      .json<{ items: { metadata: { name: string; labels: Record<string, string> } }[] }>('/api/v1/nodes');
    expect(
      nodes.items.map((n) => [
        n.metadata.name,
        n.metadata.labels['topology.kubernetes.io/zone'],
        n.metadata.labels['node-role.kubernetes.io/control-plane'],
      ]),
    ).toEqual([
      ['cp-1', 'zone-a', ''],
      ['cp-2', 'zone-b', ''],
      ['cp-3', 'zone-c', ''],
    ]);
    const pods = await lab.kube().json<{
      items: { metadata: { name: string }; spec: { nodeName: string; containers: { command: string[] }[] } }[];
    }>('/api/v1/namespaces/kube-system/pods?labelSelector=component%3Dkube-apiserver%2Ctier%3Dcontrol-plane');
    expect(pods.items.map((p) => p.spec.nodeName).sort()).toEqual(['cp-1', 'cp-2', 'cp-3']);
    // The mirror Pod shows the command line the process really runs.
    for (const pod of pods.items) {
      const running = lab.commandLine(lab.instance('kube-apiserver', Number(pod.spec.nodeName.replace('cp-', ''))));
      expect(pod.spec.containers[0]?.command).toEqual([basename(running.binary), ...running.args]);
    }
  });

  it('etcd: three healthy members and a leader', async () => {
    const etcd = await lab.etcdStatus();
    expect(etcd.healthyCount).toBe(3);
    expect(etcd.members.map((m) => m.name).sort()).toEqual(['cp-1', 'cp-2', 'cp-3']);
    expect(etcd.leader).toBeDefined();
  });
});

describe('scenario 6: the load balancer', () => {
  it('load balancer stopped: the apiservers still answer directly', async () => {
    await lab.fault.stopLoadBalancer();
    await lab.waitFor(async () => !(await lab.kube().readyz()).ready, 10_000, { description: 'the LB refusing' });
    await lab.waitFor(async () => (await lab.apiServerReadiness()).every((a) => a.ready), 10_000, {
      description: 'every apiserver ready directly',
    });
    await lab.fault.heal();
  });

  it('a node cut off the network is unreachable, and comes back', async () => {
    await lab.fault.cutNode(3);
    await lab.waitFor(async () => !(await lab.apiserver(3).readyz(1_000)).ready, 10_000, {
      description: 'cp-3 unreachable',
    });
    await lab.fault.restoreNode(3);
    await lab.waitFor(async () => (await lab.apiserver(3).readyz()).ready, 30_000, {
      description: 'cp-3 apiserver ready again',
    });
    await lab.fault.heal();
  });
});

describe('the fault log', () => {
  it('records every fault with a timestamp, in order', async () => {
    // On a standby, so no leadership moves: a kill and a freeze of their own, beside this file's stop, cut and heal.
    const holder = await lab.leaseHolder('kube-scheduler');
    const standby = [1, 2, 3].find((index) => index !== holder?.instance.index)!;
    await lab.fault.kill('kube-scheduler', standby);
    await lab.fault.start('kube-scheduler', standby);
    await lab.fault.freeze('kube-scheduler', standby);
    await lab.fault.thaw('kube-scheduler', standby);
    const log = await lab.faultLog();
    const actions = log.map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(['kill', 'start', 'freeze', 'thaw', 'stop', 'heal', 'cut-network', 'restore-network']),
    );
    const times = log.map((r) => Date.parse(r.at));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });
});
