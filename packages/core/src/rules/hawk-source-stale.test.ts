import { describe, expect, it } from 'vitest';
import type { SourceState } from '../model/freshness';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { hawkSourceStale } from './hawk-source-stale';

describe('HawkSourceStale', () => {
  it.each<[SourceState, string[]]>([
    ['live', []],
    ['reconnecting', ["hawk's view of leases is reconnecting, data as of 5 s ago"]],
    ['stale', ["hawk's view of leases is stale, data as of 5 s ago"]],
    ['unavailable', []],
  ])('leases %s', (state, titles) => {
    const cluster = aCluster().withSource('leases', state).advance(5_000);
    expect(judgeRule(hawkSourceStale, cluster).map((d) => d.title)).toEqual(titles);
  });

  it('a source never heard from', () => {
    const cluster = aCluster();
    const input = cluster.build();
    const drafts = hawkSourceStale.evaluate(
      { ...input, sources: { pods: { state: 'reconnecting', lastEventAt: null } } },
      {} as never,
      {} as never,
      cluster.now,
    );
    expect(drafts.map((d) => d.title)).toEqual(["hawk's view of pods is reconnecting"]);
  });
});
