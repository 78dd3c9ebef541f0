import { afterAll, describe, expect, it } from 'vitest';
import { ensureLab, labIp } from '@hawk/lab';
import type { ClusterState } from '@hawk/core';
import { finding, startLabHub, type LabHub } from '@hawk/testkit/lab-hub';

// Lab variants replace the shared default lab: they live in this one file, which puts the default back. Each bring-up
// (10-15 s) serves both what the lab itself must be in that variant (read with its own clients) and what hawk makes of
// it.
const LEADER_LEASES = ['kube-controller-manager', 'kube-scheduler'];
const lease = (state: ClusterState, name: string) => state.leases.find((l) => l.name === name);

describe('lab variants', () => {
  let h: LabHub | undefined;

  afterAll(async () => {
    await h?.stop();
    await ensureLab();
  }, 180_000);

  it('scenario 11 and coordinated leader election: 4 etcd members warned with why; candidates from LeaseCandidates', async () => {
    const upAt = Date.now();
    const lab = await ensureLab({ etcdMembers: 4, coordinatedLeaderElection: true });
    // The lab as it reads itself: four healthy members (quorum 3), six LeaseCandidates, the CLE strategy.
    const etcd = await lab.etcdStatus();
    expect(etcd.members.map((m) => m.name).sort()).toEqual(['cp-1', 'cp-2', 'cp-3', 'etcd-4']);
    expect([etcd.healthyCount, etcd.quorum]).toEqual([4, 3]);
    const labCandidates = await lab.waitFor(
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
    expect(labCandidates.filter((c) => c.spec.leaseName === 'kube-scheduler')).toHaveLength(3);
    expect((await lab.lease('kube-controller-manager'))?.spec.strategy).toBe('OldestEmulationVersion');

    h = await startLabHub({ lab });
    const seenAt = await h.until(
      'EtcdEvenMemberCount',
      (s) => s.etcd.quorum.voters === 4 && finding(s, 'EtcdEvenMemberCount') !== undefined,
      90_000,
    );
    h.measure('11 (4-member etcd lab up → EtcdEvenMemberCount; bounded below by bringing the lab up)', upAt, seenAt);
    const even = finding(h.state(), 'EtcdEvenMemberCount')!;
    expect(even.title).toBe('4 etcd members: an even count tolerates no more failures than 3');
    expect(even.evidence).toMatchObject({ voters: 4, quorum: 3, toleratesWhenHealthy: 1 });
    expect(even.remediation.length).toBeGreaterThan(0);

    // Waits for every candidate live too: a LeaseCandidate renewed a moment late reads not-live for one tick.
    const cleAt = await h.until(
      'three live candidates from LeaseCandidate objects',
      (s) =>
        LEADER_LEASES.every((name) => {
          const view = lease(s, name);
          return (
            view?.candidatesSource === 'lease-candidate' &&
            view.candidates.length === 3 &&
            view.candidates.every((c) => c.live === true)
          );
        }),
      90_000,
    );
    h.measure('CLE (hub started → candidates from LeaseCandidates)', h.startedAt, cleAt);
    const state = h.state();
    expect(state.sources['lease-candidates']?.state).toBe('live');
    for (const name of LEADER_LEASES) {
      const view = lease(state, name)!;
      console.log(
        `[CLE] ${name}: holder ${view.record?.holderIdentity}, strategy ${view.record?.strategy}, candidates ` +
          `${JSON.stringify(view.candidates.map((c) => [c.identity, c.node, c.live]))}, standbys ` +
          `${view.standbys.map((s) => s.identity).join(' ')}`,
      );
      expect(view.candidates.every((c) => c.source === 'lease-candidate' && c.live === true)).toBe(true);
      expect(view.candidates.map((c) => c.node).sort()).toEqual(['cp-1', 'cp-2', 'cp-3']);
    }
    expect(finding(state, 'LeaderElectionSingleCandidate')).toBeUndefined();
    await h.stop();
    h = undefined;
  }, 240_000);

  it('scenario 10: a single-master cluster names every SPOF', async () => {
    const upAt = Date.now();
    const lab = await ensureLab({ nodes: 1 });
    // The lab as it reads itself: one of everything, no load balancer.
    expect(lab.hasLoadBalancer).toBe(false);
    // cp-1's address on whichever lab this lane drives (HAWK_LAB_INSTANCE).
    expect(lab.apiServerUrl).toBe(`https://${labIp(11)}:6443`);
    expect((await lab.processes()).map((p) => p.id)).toEqual([
      'etcd-cp-1',
      'kube-apiserver-cp-1',
      'kube-controller-manager-cp-1',
      'kube-scheduler-cp-1',
    ]);
    const etcd = await lab.etcdStatus();
    expect([etcd.statuses.length, etcd.quorum, etcd.leader]).toEqual([1, 1, 'cp-1']);
    expect((await lab.leaseHolder('kube-scheduler'))?.node).toBe('cp-1');

    h = await startLabHub({ lab });
    const spofs = (s: ClusterState) =>
      finding(s, 'ApiServerSingleInstance') !== undefined &&
      finding(s, 'LoadBalancerMissing') !== undefined &&
      finding(s, 'EtcdSingleMember') !== undefined &&
      LEADER_LEASES.every(
        (name) =>
          finding(s, 'LeaderElectionSingleCandidate', (subject) => subject === `kube-system/${name}`) !== undefined,
      );
    const seenAt = await h.until('every SPOF named', spofs, 90_000);
    h.measure('10 (1-node lab up → every SPOF named; bounded below by bringing the lab up)', upAt, seenAt);
    const state = h.state();
    expect(state.apiServers.frontDoor.kind).toBe('instance');
    expect(finding(state, 'ApiServerSingleInstance')?.title).toBe('one apiserver: a single point of failure');
    expect(finding(state, 'LoadBalancerMissing')?.title).toBe(
      'no load balancer: kubeconfig points at a single apiserver instance',
    );
    expect(finding(state, 'EtcdSingleMember')?.title).toBe('one etcd member: a single point of failure');
    for (const name of LEADER_LEASES) {
      expect(lease(state, name)?.candidates).toHaveLength(1);
      expect(lease(state, name)?.standbys).toHaveLength(0);
    }
    console.log(`[scenario 10] findings: ${state.findings.map((f) => `${f.ruleId}(${f.severity})`).join(', ')}`);
  }, 240_000);
});
