import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { EtcdDbSample } from '../model/etcd';
import { projectEtcdQuota } from './db-trend';

const MiB = 1024 ** 2;
const GiB = 1024 * MiB;
const MINUTE = 60_000;

/** One read every 30 s for `minutes`, the size given by `sizeAt(minute)`. */
function reads(minutes: number, sizeAt: (minute: number) => number): EtcdDbSample[] {
  return Array.from({ length: minutes * 2 + 1 }, (_, i) => ({ at: (i / 2) * MINUTE, dbSizeBytes: sizeAt(i / 2) }));
}

describe('projectEtcdQuota', () => {
  it('a steady 120 MiB/h from 1 GiB reaches a 2 GiB quota in about 8.5 h', () => {
    const samples = reads(20, (minute) => GiB + 2 * MiB * minute);
    const trend = projectEtcdQuota(samples, 2 * GiB, DEFAULT_CONFIG)!;
    expect(trend.bytesPerHour / MiB).toBeCloseTo(120, 6);
    const last = samples.at(-1)!;
    expect(trend.fullAt).toBeCloseTo(last.at + ((2 * GiB - last.dbSizeBytes) / (120 * MiB)) * 3_600_000, -2);
  });

  it('no projection from a span shorter than etcdDbTrendMinSpanMs, nor without a quota', () => {
    expect(
      projectEtcdQuota(
        reads(4, (m) => GiB + 50 * MiB * m),
        2 * GiB,
        DEFAULT_CONFIG,
      ),
    ).toBeNull();
    expect(
      projectEtcdQuota(
        reads(20, (m) => GiB + 50 * MiB * m),
        0,
        DEFAULT_CONFIG,
      ),
    ).toBeNull();
    expect(projectEtcdQuota([], 2 * GiB, DEFAULT_CONFIG)).toBeNull();
  });

  it('flat, shrinking or slow growth says no date', () => {
    for (const sizeAt of [() => GiB, (m: number) => GiB - MiB * m, (m: number) => GiB + 0.1 * MiB * m]) {
      expect(projectEtcdQuota(reads(20, sizeAt), 2 * GiB, DEFAULT_CONFIG)?.fullAt).toBeNull();
    }
  });

  it('only the window counts: an old burst followed by 30 min flat projects nothing', () => {
    const samples = reads(70, (m) => (m < 30 ? GiB + 10 * MiB * m : GiB + 300 * MiB));
    expect(projectEtcdQuota(samples, 2 * GiB, DEFAULT_CONFIG)?.fullAt).toBeNull();
  });

  it('already past the quota: full since the last read', () => {
    const samples = reads(10, (m) => 2 * GiB + MiB * m);
    expect(projectEtcdQuota(samples, 2 * GiB, DEFAULT_CONFIG)?.fullAt).toBe(samples.at(-1)!.at);
  });
});
