import { describe, expect, it } from 'vitest';
import { deriveCluster } from '../analysis/derive';
import { DEFAULT_CONFIG } from '../config';
import { evaluateCluster } from '../evaluate';
import type { EtcdDbSample } from '../model/etcd';
import { aFullHaCluster } from '../testing/index';
import { etcdQuotaExhaustionPredicted } from './etcd-quota-exhaustion-predicted';

const MiB = 1024 ** 2;

/** The full-HA fixture whose members' DBs grew `mibPerMinute` over the last 20 minutes, up to their size now. */
function growing(mibPerMinute: number) {
  const cluster = aFullHaCluster();
  const input = cluster.build();
  const samples: Record<string, EtcdDbSample[]> = {};
  for (const member of input.etcd.members) {
    const size = member.status!.dbSizeBytes;
    samples[member.id] = Array.from({ length: 41 }, (_, i) => ({
      at: cluster.now - (40 - i) * 30_000,
      dbSizeBytes: size - (40 - i) * 0.5 * mibPerMinute * MiB,
    }));
  }
  return { cluster, input: { ...input, etcdDbSamples: samples } };
}

describe('EtcdQuotaExhaustionPredicted', () => {
  it('a DB growing 200 MiB a minute toward a 2 GiB quota: NOSPACE in minutes, per member, verdict unchanged', () => {
    const { cluster, input } = growing(200);
    const drafts = etcdQuotaExhaustionPredicted.evaluate(
      input,
      deriveCluster(input, DEFAULT_CONFIG, cluster.now),
      DEFAULT_CONFIG,
      cluster.now,
    );
    expect(drafts).toHaveLength(input.etcd.members.length);
    expect(drafts[0]!.title).toMatch(/^etcd cp-1 DB grows 12000 MiB\/h: NOSPACE in \d+ min at this rate$/);
    expect(drafts[0]!.evidence).toMatchObject({ growthBytesPerHour: 12000 * MiB, quotaBytes: 2 * 1024 * MiB });
    expect(drafts[0]!.remediation).toMatch(/find what writes/i);
    const { state } = evaluateCluster(input, null, DEFAULT_CONFIG, cluster.now);
    expect(state.verdict).toBe('ha-ok');
    expect(state.etcd.dbUse[0]?.trend?.fullAt).toBeGreaterThan(cluster.now);
    const finding = state.findings.find((f) => f.ruleId === 'EtcdQuotaExhaustionPredicted');
    expect(finding).toMatchObject({ kind: 'expected', expectedAt: state.etcd.dbUse[0]?.trend?.fullAt });
  });

  it('slow growth (a year to the quota) or none: no warning', () => {
    for (const rate of [0.001, 0]) {
      const { cluster, input } = growing(rate);
      const derived = deriveCluster(input, DEFAULT_CONFIG, cluster.now);
      expect(etcdQuotaExhaustionPredicted.evaluate(input, derived, DEFAULT_CONFIG, cluster.now)).toEqual([]);
    }
  });
});
