import { describe, expect, it } from 'vitest';
import { finding, steady, useLabHub } from '@hawk/testkit/lab-hub';

// Scenario 9: the etcd leader restarts several times: each change counted, flapping warned.
describe('etcd leader restarts', () => {
  const h = useLabHub((s) => steady(s) && s.etcd.leaderId !== null, 'steady state with an etcd leader');

  it('scenario 9: three leader restarts → 3 leader changes counted, EtcdLeaderFlapping', async () => {
    const changes = () => h.state().etcd.leaderChanges.length;
    const baseline = changes();
    let firstAt = 0;
    for (let round = 1; round <= 3; round++) {
      const before = changes();
      const leaderBefore = h.state().etcd.leaderId;
      const labLeaderBefore = await h.lab.etcdLeader();
      const { faultAt } = await h.faultUntil(
        `9 (etcd leader restart ${round} → leader change counted)`,
        () => h.lab.fault.restartEtcdLeader(),
        (s) => s.etcd.leaderChanges.length > before && s.etcd.leaderId !== null && s.etcd.leaderId !== leaderBefore,
        60_000,
      );
      if (round === 1) firstAt = faultAt;
      // The lab's own read of etcd, apart from hawk: another member leads.
      await h.lab.waitFor(
        async () => {
          const leader = await h.lab.etcdLeader();
          return leader && leader.id !== labLeaderBefore?.id ? leader : undefined;
        },
        30_000,
        { description: `by the lab: another etcd leader after restart ${round}` },
      );
      // Let the restarted member rejoin before forcing the next election.
      await h.until('3/3 members healthy again', (s) => s.etcd.quorum.healthy === 3, 60_000);
    }
    const flappingAt = await h.until(
      'EtcdLeaderFlapping',
      (s) => finding(s, 'EtcdLeaderFlapping') !== undefined,
      30_000,
    );
    h.measure('9 (first etcd leader restart → EtcdLeaderFlapping, after 3 restarts)', firstAt, flappingAt);
    const state = h.state();
    expect(state.etcd.leaderChanges.length - baseline).toBeGreaterThanOrEqual(3);
    expect(finding(state, 'EtcdLeaderFlapping')?.title).toMatch(/etcd leader flapping: \d+ leader changes in 10 min/);
    expect(h.timeline.filter((e) => e.kind === 'etcd-leader-change' && e.at >= firstAt).length).toBeGreaterThanOrEqual(
      3,
    );
    console.log(`[scenario 9] leader changes: ${JSON.stringify(state.etcd.leaderChanges.map((c) => [c.from, c.to]))}`);
  });
});
