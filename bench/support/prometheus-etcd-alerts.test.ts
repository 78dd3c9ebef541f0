import { describe, expect, it } from 'vitest';
import type { CumulativeHistogram, EtcdMetricsSample } from '@hawk/core';
import { prometheusEtcdAlerts, type MemberScrape } from './prometheus-etcd-alerts';

const BOUNDS = [...Array.from({ length: 14 }, (_, i) => 0.001 * 2 ** i), Infinity];
const histogram = (fast: number, slow: number): CumulativeHistogram => ({
  buckets: BOUNDS.map((le) => ({ le, count: (le >= 0.002 ? fast : 0) + (le >= 1.024 ? slow : 0) })),
  count: fast + slow,
  sum: 0,
});

/** `minutes` of 15 s scrapes of cp-1: 100 fsyncs each, `slowFrom` on 10 % of them at 1 s; leader changes as given. */
function run(minutes: number, slowFrom: number, changesAt: (minute: number) => number): MemberScrape[] {
  let fast = 0;
  let slow = 0;
  return Array.from({ length: minutes * 4 + 1 }, (_, i) => {
    const minute = i / 4;
    fast += minute >= slowFrom ? 90 : 100;
    slow += minute >= slowFrom ? 10 : 0;
    const sample: EtcdMetricsSample = {
      at: i * 15_000,
      walFsync: histogram(fast, slow),
      backendCommit: histogram(fast + slow, 0),
      peerRoundTrip: {},
      heartbeatSendFailures: 0,
      slowApplies: 0,
      leaderChangesSeen: changesAt(minute),
    };
    return { member: 'cp-1', sample };
  });
}

describe("etcd-mixin's alerts, derived", () => {
  it('etcdHighFsyncDurations: pending once the 5m p99 passes 0.5 s, firing only after 10 more minutes', () => {
    const alerts = prometheusEtcdAlerts(run(20, 2, () => 1));
    const fsync = alerts.find((a) => a.alert === 'etcdHighFsyncDurations')!;
    expect(fsync.pendingAt).toBe(2 * 60_000);
    expect(fsync.firingAt).toBe(12 * 60_000);
    expect(alerts.find((a) => a.alert === 'etcdHighCommitDurations')!.pendingAt).toBeNull();
  });

  it('etcdHighNumberOfLeaderChanges: 4 changes in 15m held for 5m; 3 changes never', () => {
    const four = prometheusEtcdAlerts(run(12, 99, (minute) => 1 + Math.min(4, Math.floor(minute))));
    const changes = four.find((a) => a.alert === 'etcdHighNumberOfLeaderChanges')!;
    expect(changes.pendingAt).toBe(4 * 60_000);
    expect(changes.firingAt).toBe(9 * 60_000);
    const three = prometheusEtcdAlerts(run(12, 99, (minute) => 1 + Math.min(3, Math.floor(minute))));
    expect(three.find((a) => a.alert === 'etcdHighNumberOfLeaderChanges')).toMatchObject({
      pendingAt: null,
      firingAt: null,
      peak: '3 changes in 15m',
    });
  });
});
