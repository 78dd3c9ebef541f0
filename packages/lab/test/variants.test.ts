import { afterAll, describe, expect, it } from 'vitest';
import { ensureLab } from '../src/index';

// Variants are separate labs on the same names and addresses, so each replaces the shared default lab for a while;
// afterAll puts the default back, which keeps this file ordering-safe.
afterAll(async () => {
  await ensureLab();
});

describe('scenario 10: a single-master lab', () => {
  it('has one of everything and no load balancer', async () => {
    const lab = await ensureLab({ nodes: 1 });
    expect(lab.hasLoadBalancer).toBe(false);
    expect(lab.apiServerUrl).toBe('https://10.213.0.11:6443');
    expect((await lab.processes()).map((p) => p.id)).toEqual([
      'etcd-cp-1',
      'kube-apiserver-cp-1',
      'kube-controller-manager-cp-1',
      'kube-scheduler-cp-1',
    ]);
    const etcd = await lab.etcdStatus();
    expect([etcd.statuses.length, etcd.quorum, etcd.leader]).toEqual([1, 1, 'cp-1']);
    expect((await lab.leaseHolder('kube-scheduler'))?.node).toBe('cp-1');
  });
});

describe('scenario 11: an even number of etcd members, with Coordinated Leader Election', () => {
  it('runs four healthy members (quorum 3) and serves LeaseCandidates for both leader leases', async () => {
    const lab = await ensureLab({ etcdMembers: 4, coordinatedLeaderElection: true });
    const etcd = await lab.etcdStatus();
    expect(etcd.members.map((m) => m.name).sort()).toEqual(['cp-1', 'cp-2', 'cp-3', 'etcd-4']);
    expect([etcd.healthyCount, etcd.quorum]).toEqual([4, 3]);
    const candidates = await lab.waitFor(
      async () => {
        const list = await lab
          .kube()
          .json<{ items: { spec: { leaseName: string } }[] }>(
            '/apis/coordination.k8s.io/v1beta1/namespaces/kube-system/leasecandidates',
          );
        return list.items.length === 6 ? list.items : undefined;
      },
      30_000,
      { description: 'six LeaseCandidates' },
    );
    expect(candidates.filter((c) => c.spec.leaseName === 'kube-scheduler')).toHaveLength(3);
    expect((await lab.lease('kube-controller-manager'))?.spec.strategy).toBe('OldestEmulationVersion');
  });
});
