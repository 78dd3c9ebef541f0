import { describe, expect, it } from 'vitest';
import { deriveCluster } from '../analysis/derive';
import { DEFAULT_CONFIG } from '../config';
import { evaluateCluster } from '../evaluate';
import type { CumulativeHistogram, EtcdMetricsSample } from '../model/etcd';
import type { ClusterInput } from '../model/cluster';
import { aFullHaCluster } from '../testing/index';
import { etcdDegrading } from './etcd-degrading';

const BOUNDS = [...Array.from({ length: 14 }, (_, i) => 0.001 * 2 ** i), Infinity];

/** A histogram of `fast` observations at 2 ms and `slow` ones at `slowSeconds`. */
function histogram(fast: number, slow: number, slowSeconds: number): CumulativeHistogram {
  return {
    buckets: BOUNDS.map((le) => ({ le, count: (le >= 0.002 ? fast : 0) + (le >= slowSeconds ? slow : 0) })),
    count: fast + slow,
    sum: fast * 0.002 + slow * slowSeconds,
  };
}

/**
 * Two minutes of scrapes of one member: 1,800 fsyncs and commits a minute, `slowShare` of them at `slowSeconds` (80 ms
 * unless said), and `lateHeartbeats` heartbeats sent late each scrape.
 */
function scrapes(now: number, slowShare: number, lateHeartbeats = 0, slowSeconds = 0.08): EtcdMetricsSample[] {
  return Array.from({ length: 13 }, (_, i) => {
    const writes = 100_000 + i * 300;
    const slow = Math.round(i * 300 * slowShare);
    return {
      at: now - (12 - i) * 10_000,
      walFsync: histogram(writes - slow, slow, slowSeconds),
      backendCommit: histogram(writes - slow, slow, slowSeconds),
      peerRoundTrip: {},
      heartbeatSendFailures: 7 + i * lateHeartbeats,
      slowApplies: 3,
      leaderChangesSeen: 2,
    };
  });
}

/** The rule's drafts for a cluster input at `now`, derived and judged with the default config. */
function degrading(input: ClusterInput, now: number) {
  return etcdDegrading.evaluate(input, deriveCluster(input, DEFAULT_CONFIG, now), DEFAULT_CONFIG, now);
}

describe('EtcdDegrading', () => {
  it('a member whose disk slows (3 % of fsyncs at 80 ms) and leads with late heartbeats: named with the evidence', () => {
    const cluster = aFullHaCluster();
    const input = cluster.build();
    const [leader, follower] = input.etcd.members;
    const withMetrics = {
      ...input,
      etcdMetricsSamples: { [leader!.id]: scrapes(cluster.now, 0.03, 1), [follower!.id]: scrapes(cluster.now, 0) },
    };
    const drafts = degrading(withMetrics, cluster.now);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.subject).toBe(leader!.name);
    expect(drafts[0]!.title).toMatch(
      new RegExp(
        `^etcd ${leader!.name} is degrading: WAL fsync p99 \\d+(\\.\\d)? ms, was 2 ms \\(etcd: < 10 ms\\), ` +
          'backend commit p99 \\d+(\\.\\d)? ms, was 2 ms \\(etcd: < 25 ms\\), 12 heartbeats sent late; ' +
          'leader elections likely$',
      ),
    );
    expect(drafts[0]!.evidence).toMatchObject({
      member: leader!.name,
      windowSeconds: 120,
      heartbeatSendFailures: 12,
      slowApplies: 0,
      leaderChanges: 0,
    });
    expect(Number(drafts[0]!.evidence.walFsyncP99Ms)).toBeGreaterThan(64);
    const { state } = evaluateCluster(withMetrics, null, DEFAULT_CONFIG, cluster.now);
    expect(state.verdict).toBe('ha-ok');
    expect(state.findings.find((f) => f.ruleId === 'EtcdDegrading')).toMatchObject({
      severity: 'warning',
      kind: 'expected',
    });
  });

  // etcd syncs its WAL in the loop that sends heartbeats: a p99 well inside the 100 ms interval slows writes only.
  it.each([
    { slowMs: 40, consequence: 'writes slowing', electionsLikely: false },
    { slowMs: 200, consequence: 'leader elections likely', electionsLikely: true },
  ])('a slower disk alone, fsyncs at $slowMs ms: "$consequence"', ({ slowMs, consequence, electionsLikely }) => {
    const cluster = aFullHaCluster();
    const input = cluster.build();
    const [member] = input.etcd.members;
    const withMetrics = {
      ...input,
      etcdMetricsSamples: { [member!.id]: scrapes(cluster.now, 0.03, 0, slowMs / 1000) },
    };
    const drafts = degrading(withMetrics, cluster.now);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.title).toMatch(
      new RegExp(`^etcd ${member!.name} is degrading: WAL fsync p99 .*; ${consequence}$`),
    );
    expect(drafts[0]!.title).not.toMatch(/heartbeats/);
    expect(drafts[0]!.evidence.electionsLikely).toBe(electionsLikely);
  });

  it('healthy members, or no scrapes yet: nothing', () => {
    const cluster = aFullHaCluster();
    const input = cluster.build();
    const samples = Object.fromEntries(input.etcd.members.map((m) => [m.id, scrapes(cluster.now, 0.001)]));
    for (const judged of [{ ...input, etcdMetricsSamples: samples }, input])
      expect(degrading(judged, cluster.now)).toEqual([]);
  });
});
