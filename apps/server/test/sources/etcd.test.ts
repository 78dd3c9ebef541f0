import { describe, expect, it } from 'vitest';
import type { ClusterState } from '@hawk/core';
import { finding, useLabHub } from '@hawk/testkit/lab-hub';

// Scenarios 7 and 8: etcd read member by member through its own API, with the lab's client certs.
describe('etcd members stop', () => {
  const h = useLabHub();

  it(
    'scenario 7 then 8: one member stops (quorum held, one failure from loss), then a second (quorum lost, ' +
      'consequences grouped)',
    async () => {
      const leader = await h.lab.etcdLeader();
      // Stop followers, so the first step is about membership and not about an election.
      const followers = [1, 2, 3].filter((n) => n !== leader?.index);
      const { faultAt } = await h.faultUntil(
        '7 (one etcd member stops → "quorum held, one more failure loses it")',
        () => h.lab.fault.stopEtcd(followers[0]!),
        (s) => finding(s, 'EtcdOneFailureFromQuorumLoss') !== undefined && s.etcd.quorum.healthy === 2,
      );
      let state = h.state();
      expect(state.etcd.quorum).toMatchObject({ voters: 3, healthy: 2, hasQuorum: true, failuresTolerated: 0 });
      expect(state.etcd.members.find((m) => m.name === `cp-${followers[0]}`)?.reachable).toBe(false);
      expect(finding(state, 'EtcdQuorumLost')).toBeUndefined();
      // The lab's own read of etcd, apart from hawk: 2/3 healthy with a leader, the stopped member unhealthy.
      const labStatus = await h.lab.waitFor(
        async () => {
          const status = await h.lab.etcdStatus();
          return status.healthyCount === 2 && status.leader ? status : undefined;
        },
        30_000,
        { description: 'by the lab: etcd 2/3 with a leader' },
      );
      expect(labStatus.hasQuorum).toBe(true);
      expect(labStatus.statuses.find((status) => status.name === `cp-${followers[0]}`)?.healthy).toBe(false);

      const { faultAt: secondAt } = await h.faultUntil(
        '8 (second etcd member stops → "etcd quorum lost")',
        () => h.lab.fault.stopEtcd(followers[1]!),
        (s) => finding(s, 'EtcdQuorumLost') !== undefined,
      );
      // What follows from it (apiservers not ready, leases not renewing) comes under the root cause.
      const groupedAt = await h.until(
        'consequences grouped under quorum loss',
        (s) => s.findings.some((f) => f.causedBy === finding(s, 'EtcdQuorumLost')?.id),
        60_000,
      );
      h.measure(
        '8 (second etcd member stops → consequences grouped under it; bounded below by the stop call)',
        secondAt,
        groupedAt,
      );
      // Each apiserver's probe fails on its own turn: the grouping is complete once every one has failed under the
      // quorum
      // loss.
      const criticalRoots = (s: ClusterState) =>
        s.findings.filter((f) => f.severity === 'critical' && f.causedBy === null).map((f) => f.id);
      const settledAt = await h.until(
        'the quorum loss the only critical root',
        (s) => criticalRoots(s).length === 1 && finding(s, 'EtcdQuorumLost')?.causedBy === null,
        30_000,
      );
      h.measure('8 (second etcd member stops → the quorum loss the only critical root)', secondAt, settledAt);
      state = h.state();
      const root = finding(state, 'EtcdQuorumLost')!;
      expect(root.severity).toBe('critical');
      expect(state.etcd.quorum.hasQuorum).toBe(false);
      console.log(
        `[scenario 8] roots: ${criticalRoots(state).join(', ')}; grouped: ${state.findings
          .filter((f) => f.causedBy === root.id)
          .map((f) => f.id)
          .join(', ')}`,
      );
      expect(criticalRoots(state)).toEqual([root.id]);

      await h.lab.fault.heal();
      const healedAt = await h.until(
        'etcd healthy again',
        (s) =>
          s.etcd.quorum.healthy === 3 && !finding(s, 'EtcdQuorumLost') && !finding(s, 'EtcdOneFailureFromQuorumLoss'),
        120_000,
      );
      console.log(`[scenario 8] heal → etcd 3/3 seen: ${healedAt - faultAt} ms after the first fault`);
    },
  );
});
