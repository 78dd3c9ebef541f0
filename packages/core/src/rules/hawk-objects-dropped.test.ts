import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import { evaluateCluster } from '../evaluate';
import { aFullHaCluster } from '../testing/index';

const PATH = '/apis/coordination.k8s.io/v1/namespaces/filled/leases';

describe('HawkObjectsDropped', () => {
  it('names the source, the path, how many were kept and left out; the verdict is unchanged', () => {
    const cluster = aFullHaCluster();
    const input = cluster.build();
    const leases = { ...input.sources.leases!, dropped: { [PATH]: { kept: 100, dropped: 1401 } } };
    const { state } = evaluateCluster(
      { ...input, sources: { ...input.sources, leases } },
      null,
      DEFAULT_CONFIG,
      cluster.now,
    );
    const found = state.findings.filter((f) => f.ruleId === 'HawkObjectsDropped');
    expect(found.map((f) => [f.subject, f.severity, f.title])).toEqual([
      [`leases:${PATH}`, 'warning', `hawk keeps 100 leases of ${PATH}: 1401 more left out`],
    ]);
    expect(found[0]!.evidence).toEqual({ source: 'leases', path: PATH, kept: 100, dropped: 1401 });
    expect(state.verdict).toBe('ha-ok');
  });

  it('nothing left out: no finding', () => {
    const cluster = aFullHaCluster();
    const { state } = evaluateCluster(cluster.build(), null, DEFAULT_CONFIG, cluster.now);
    expect(state.findings.filter((f) => f.ruleId === 'HawkObjectsDropped')).toEqual([]);
  });
});
