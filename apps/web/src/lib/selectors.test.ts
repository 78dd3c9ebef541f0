import { describe, expect, it } from 'vitest';
import { aFinding, etcdDegraded, healthy, quorumLost } from '../test-support/cluster-fixture';
import {
  describeEvent,
  failureImpactLine,
  groupFindings,
  leaseHolder,
  leaseRemaining,
  mergeTimeline,
  quorumText,
  skewNote,
} from './selectors';

describe('groupFindings', () => {
  it('folds consequences under their root cause', () => {
    const groups = groupFindings(quorumLost().state.findings);
    expect(groups.map((g) => g.root.ruleId)).toEqual(['EtcdQuorumLost', 'TopologyStackedEtcd']);
    expect(groups[0]?.consequences).toHaveLength(7);
    expect(groups[0]?.consequences[0]?.severity).toBe('critical');
    expect(groups[0]?.consequences.at(-1)?.severity).toBe('warning');
  });

  it('puts critical before warning and lets an orphaned consequence stand alone', () => {
    const groups = groupFindings([
      aFinding({ id: 'a', title: 'a', severity: 'warning' }),
      aFinding({ id: 'b', title: 'b', severity: 'critical', causedBy: 'gone' }),
    ]);
    expect(groups.map((g) => g.root.id)).toEqual(['b', 'a']);
  });
});

describe('quorumText', () => {
  it.each([
    [
      { voters: 3, healthy: 3, quorum: 2, failuresTolerated: 1, hasQuorum: true, evenCount: false },
      '3/3, tolerates 1 failure',
    ],
    [
      { voters: 5, healthy: 5, quorum: 3, failuresTolerated: 2, hasQuorum: true, evenCount: false },
      '5/5, tolerates 2 failures',
    ],
    [
      { voters: 3, healthy: 2, quorum: 2, failuresTolerated: 0, hasQuorum: true, evenCount: false },
      '2/3, tolerates 0 failures',
    ],
    [
      { voters: 3, healthy: 1, quorum: 2, failuresTolerated: -1, hasQuorum: false, evenCount: false },
      'quorum lost: 1/3 healthy, needs 2',
    ],
  ])('%o reads %s', (quorum, text) => {
    // No member reports a leader here: raft counts those answering (see QuorumView.inRaft).
    expect(quorumText({ ...quorum, inRaft: quorum.healthy, raftLeader: null, evidence: '' })).toBe(text);
  });
});

describe('leases', () => {
  it('finds the holder’s node among the candidates', () => {
    const lease = healthy().state.leases.find((l) => l.component === 'kube-scheduler')!;
    expect(leaseHolder(lease)).toEqual({ identity: lease.record?.holderIdentity, node: 'cp-1' });
  });

  it('reads a hostname with underscores as core does: all before the last one', () => {
    const lease = healthy().state.leases[0]!;
    const record = { ...lease.record!, holderIdentity: 'cp_1_6c1f' };
    expect(leaseHolder({ ...lease, record, candidates: [] })).toEqual({ identity: 'cp_1_6c1f', node: 'cp_1' });
  });

  it('reads a lease without holder as such', () => {
    expect(leaseHolder({ ...healthy().state.leases[0]!, record: null })).toEqual({ identity: null, node: null });
  });

  it('drains linearly and clamps', () => {
    expect(leaseRemaining(15_000, 15_000, 0)).toBe(1);
    expect(leaseRemaining(15_000, 15_000, 7_500)).toBe(0.5);
    expect(leaseRemaining(15_000, 15_000, 20_000)).toBe(0);
  });
});

describe('mergeTimeline', () => {
  it('merges history and live pushes once, in order, within the range', () => {
    const a = { kind: 'probe-failed', clusterId: 'lab', at: 10, target: 'cp-1', error: 'refused' } as const;
    const b = { kind: 'probe-recovered', clusterId: 'lab', at: 20, target: 'cp-1' } as const;
    const outside = { kind: 'probe-recovered', clusterId: 'lab', at: 99, target: 'cp-2' } as const;
    expect(mergeTimeline([b, a], [b, outside], 0, 50)).toEqual([a, b]);
  });
});

describe('skewNote', () => {
  const lease = healthy().state.leases[0]!;
  it.each([
    [600_000, true, /^holder's clock is 10 min 00 s behind hawk's; hawk judges by observed renewals/],
    [-30_000, true, /^holder's clock is 30 s ahead of hawk's/],
    // Core decides against the run-time threshold; the screen only words it.
    [600_000, false, null],
    [null, false, null],
  ])('skew %s ms, noted %s', (skewMs, skewNoted, note) => {
    const shown = skewNote({ ...lease, skewMs, skewNoted });
    if (note === null) expect(shown).toBeNull();
    else expect(shown).toMatch(note);
  });
});

describe('describeEvent for leader transitions', () => {
  const transition = { lease: 'kube-system/kube-scheduler', from: 'cp-1_a', to: 'cp-2_b', at: 5, leaderlessMs: 16_200 };
  it.each([
    ['expired', 'expired (holder crashed or hung); leaderless for 16.2 s', 'warn'],
    ['released', 'released (graceful); leaderless for 16.2 s', 'info'],
    [undefined, 'leaderless for 16.2 s', 'warn'],
  ] as const)('handover %s', (handover, detail, tone) => {
    const described = describeEvent({
      kind: 'leader-transition',
      clusterId: 'lab',
      at: 5,
      transition: { ...transition, ...(handover ? { handover } : {}) },
    });
    expect(described).toEqual({ title: 'kube-system/kube-scheduler: cp-1_a → cp-2_b', detail, tone });
  });
});

describe('failureImpactLine', () => {
  it('healthy: any single loss is survivable', () => {
    expect(failureImpactLine(healthy().state.failureImpacts)).toEqual({
      text: 'losing any one of cp-1, cp-2, cp-3: survivable',
      survivable: true,
    });
  });

  it('names the first loss the cluster would not survive', () => {
    const line = failureImpactLine(etcdDegraded().state.failureImpacts);
    expect(line?.survivable).toBe(false);
    expect(line?.text).toMatch(/^losing cp-\d now would leave .*quorum lost/);
  });

  it('nothing to say without nodes', () => {
    expect(failureImpactLine([])).toBeNull();
  });
});
