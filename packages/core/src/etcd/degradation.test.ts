import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { CumulativeHistogram, EtcdMetricsSample } from '../model/etcd';
import { histogramQuantile, judgeEtcdDegradation } from './degradation';

/** etcd's own buckets: WAL fsync and backend commit ExponentialBuckets(0.001, 2, 14), peer RTT (0.0001, 2, 16). */
const DISK_BOUNDS = Array.from({ length: 14 }, (_, i) => 0.001 * 2 ** i);
const RTT_BOUNDS = Array.from({ length: 16 }, (_, i) => 0.0001 * 2 ** i);

function observe(histogram: CumulativeHistogram, seconds: readonly number[]): CumulativeHistogram {
  return {
    buckets: histogram.buckets.map((b) => ({ le: b.le, count: b.count + seconds.filter((s) => s <= b.le).length })),
    count: histogram.count + seconds.length,
    sum: histogram.sum + seconds.reduce((a, b) => a + b, 0),
  };
}

/** `n` observations of `seconds` each (a day's worth are counted, not listed). */
const bulk = (bounds: number[], n: number, seconds: number): CumulativeHistogram => ({
  buckets: [...bounds, Infinity].map((le) => ({ le, count: le >= seconds ? n : 0 })),
  count: n,
  sum: n * seconds,
});

/** What a member does in one 10 s scrape interval: 30 writes, each an fsync and (batched) a commit. */
interface Interval {
  fsync?: number[];
  commit?: number[];
  rtt?: number[];
  heartbeatFailures?: number;
  slowApplies?: number;
}

const healthy = (): Interval => ({
  fsync: Array.from({ length: 30 }, (_, i) => 0.0015 + (i % 5) * 0.0005),
  commit: Array.from({ length: 30 }, (_, i) => 0.004 + (i % 4) * 0.001),
  rtt: [0.0004, 0.0006],
});

/**
 * Scrapes every 10 s ending at `end`, each interval's observations added to a member that had already run a day (its
 * counters far from zero, as on a real cluster).
 */
function scrapes(intervals: readonly Interval[], end = 1_000_000_000): EtcdMetricsSample[] {
  let wal = bulk(DISK_BOUNDS, 250_000, 0.002);
  let commit = bulk(DISK_BOUNDS, 250_000, 0.005);
  let rtt = bulk(RTT_BOUNDS, 17_000, 0.0005);
  let heartbeat = 4;
  let slow = 12;
  return intervals.map((interval, i) => {
    wal = observe(wal, interval.fsync ?? []);
    commit = observe(commit, interval.commit ?? []);
    rtt = observe(rtt, interval.rtt ?? []);
    heartbeat += interval.heartbeatFailures ?? 0;
    slow += interval.slowApplies ?? 0;
    return {
      at: end - (intervals.length - 1 - i) * 10_000,
      walFsync: wal,
      backendCommit: commit,
      peerRoundTrip: { '2': rtt },
      heartbeatSendFailures: heartbeat,
      slowApplies: slow,
      leaderChangesSeen: 1,
    };
  });
}

const times = (n: number, make: () => Interval) => Array.from({ length: n }, make);
const config = DEFAULT_CONFIG;

describe('histogramQuantile', () => {
  it('interpolates within the bucket the rank falls in, as histogram_quantile does', () => {
    const buckets = [
      { le: 0.001, count: 0 },
      { le: 0.002, count: 50 },
      { le: 0.004, count: 100 },
      { le: Infinity, count: 100 },
    ];
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(0.00396, 6);
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.002, 6);
  });

  it('in the +Inf bucket: the highest finite bound; no observations: null', () => {
    expect(
      histogramQuantile(0.99, [
        { le: 1, count: 1 },
        { le: Infinity, count: 10 },
      ]),
    ).toBe(1);
    expect(histogramQuantile(0.99, [{ le: Infinity, count: 0 }])).toBeNull();
  });
});

describe('judgeEtcdDegradation', () => {
  it('a healthy member over two minutes: its p99s well inside the guidance, nothing to say', () => {
    const judged = judgeEtcdDegradation('1', scrapes(times(13, healthy)), config)!;
    expect(judged.signals).toEqual([]);
    expect(judged.spanMs).toBe(120_000);
    expect(judged.walFsyncP99Ms).toBeLessThan(4);
    expect(judged.backendCommitP99Ms).toBeLessThan(8);
    expect(judged.peerRttP99Ms).toBeLessThan(1);
    expect(judged.heartbeatSendFailures).toBe(0);
  });

  it('the disk slows: 5 % of fsyncs at 40 ms and commits at 60 ms over the window warn, with the p99s', () => {
    const slow = (): Interval => {
      const base = healthy();
      return { ...base, fsync: [...base.fsync!.slice(2), 0.04, 0.04], commit: [...base.commit!.slice(2), 0.06, 0.06] };
    };
    const judged = judgeEtcdDegradation('1', scrapes([...times(6, healthy), ...times(7, slow)]), config)!;
    expect(judged.walFsyncP99Ms).toBeGreaterThan(32);
    expect(judged.walFsyncP99Ms).toBeLessThan(64);
    expect(judged.signals[0]).toMatch(/^WAL fsync p99 \d+(\.\d)? ms, was 2 ms \(etcd: < 10 ms\)$/);
    expect(judged.signals[1]).toMatch(/^backend commit p99 \d+(\.\d)? ms, was 8 ms \(etcd: < 25 ms\)$/);
  });

  it('a member too new for a baseline (under 100 fsyncs before the window) is not judged on its disk', () => {
    const slow = (): Interval => ({ ...healthy(), fsync: Array(30).fill(0.05) });
    const fresh = scrapes(times(13, slow)).map((sample, i) => ({
      ...sample,
      walFsync: bulk(DISK_BOUNDS, 20 + i * 30, 0.05),
      backendCommit: null,
    }));
    const judged = judgeEtcdDegradation('1', fresh, config)!;
    expect(judged.walFsyncP99Ms).toBeGreaterThan(10);
    expect(judged.walFsyncBeforeP99Ms).toBeNull();
    expect(judged.signals).toEqual([]);
  });

  it('a disk that was always this slow is not degrading: the window against what the member did before it', () => {
    const usual = (): Interval => ({ ...healthy(), fsync: [...healthy().fsync!.slice(1), 0.014] });
    const samples = scrapes(times(13, usual)).map((sample) => ({
      ...sample,
      walFsync: {
        ...sample.walFsync!,
        // 1 % of the day's fsyncs took 14 ms, as the lab's shared disk does when quiet.
        buckets: sample.walFsync!.buckets.map((b) => ({ le: b.le, count: b.count - (b.le < 0.016 ? 2_600 : 0) })),
      },
    }));
    const judged = judgeEtcdDegradation('1', samples, config)!;
    expect(judged.walFsyncP99Ms).toBeGreaterThan(10);
    expect(judged.walFsyncBeforeP99Ms).toBeGreaterThan(judged.walFsyncP99Ms! / 2);
    expect(judged.signals).toEqual([]);
  });

  it('one slow fsync in two minutes is not a trend: the p99 of the window stays low', () => {
    const intervals = times(13, healthy);
    intervals[8] = { ...healthy(), fsync: [...healthy().fsync!.slice(1), 0.5] };
    expect(judgeEtcdDegradation('1', scrapes(intervals), config)!.signals).toEqual([]);
  });

  it('heartbeats sent late warn; nine late in the window do not; slow applies are evidence, not a signal', () => {
    const late = (n: number) => (): Interval => ({ ...healthy(), heartbeatFailures: n, slowApplies: n });
    const one = times(13, healthy);
    one[5] = late(9)();
    expect(judgeEtcdDegradation('1', scrapes(one), config)!.signals).toEqual([]);
    const judged = judgeEtcdDegradation('1', scrapes([...times(10, healthy), ...times(3, late(4))]), config)!;
    expect(judged.signals).toEqual(['12 heartbeats sent late']);
    expect(judged.slowApplies).toBe(12);
  });

  it("round trips to every peer past the heartbeat interval warn; one slow peer is that peer's trouble", () => {
    const slowLink = (): Interval => ({ ...healthy(), rtt: [0.15, 0.2] });
    const judged = judgeEtcdDegradation('1', scrapes([...times(8, healthy), ...times(5, slowLink)]), config)!;
    expect(judged.slowestPeer).toBe('2');
    expect(judged.signals).toEqual([
      expect.stringMatching(/^round trips to every peer p99 \d+ ms or more \(heartbeat interval 100 ms\)$/),
    ]);
    const oneSlowPeer = scrapes([...times(8, healthy), ...times(5, slowLink)]).map((sample) => ({
      ...sample,
      peerRoundTrip: { ...sample.peerRoundTrip, '3': bulk(RTT_BOUNDS, sample.at / 10_000, 0.0005) },
    }));
    const follower = judgeEtcdDegradation('1', oneSlowPeer, config)!;
    expect(follower.peerRttP99Ms).toBeGreaterThan(100);
    expect(follower.signals).toEqual([]);
  });

  it('recovers: once the slow minutes leave the window, nothing is said', () => {
    const slow = (): Interval => ({ ...healthy(), fsync: Array(30).fill(0.05) });
    const intervals = [...times(10, slow), ...times(13, healthy)];
    expect(judgeEtcdDegradation('1', scrapes(intervals.slice(0, 15)), config)!.signals).not.toEqual([]);
    expect(judgeEtcdDegradation('1', scrapes(intervals), config)!.signals).toEqual([]);
  });

  it('too little to judge: under three scrapes or a span under the minimum, or too few fsyncs for a p99', () => {
    expect(judgeEtcdDegradation('1', scrapes(times(2, healthy)), config)).toBeNull();
    expect(judgeEtcdDegradation('1', scrapes(times(6, healthy)), config)).toBeNull(); // 50 s
    const idle = (): Interval => ({ fsync: [0.05], commit: [0.05] });
    const judged = judgeEtcdDegradation('1', scrapes(times(13, idle)), config)!;
    expect(judged.walFsyncP99Ms).toBeNull();
    expect(judged.signals).toEqual([]);
  });

  it('a restart resets the counters: the window starts after it, never a negative delta', () => {
    const before = scrapes(
      times(7, () => ({ ...healthy(), heartbeatFailures: 5 })),
      1_000_000_000 - 60_000,
    );
    const after = scrapes(times(7, healthy)).map((sample) => ({
      ...sample,
      walFsync: bulk(DISK_BOUNDS, 200, 0.002),
      heartbeatSendFailures: 0,
      slowApplies: 0,
      leaderChangesSeen: 0,
    }));
    const judged = judgeEtcdDegradation('1', [...before, ...after], config)!;
    expect(judged.heartbeatSendFailures).toBe(0);
    expect(judged.signals).toEqual([]);
  });
});
