import { describe, expect, it } from 'vitest';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { topologySingleZone } from './topology-single-zone';

describe('TopologySingleZone', () => {
  it.each<[number, string[], (string | null)[]]>([
    [3, ['a'], ['a']],
    [3, ['a', 'b', 'c'], []],
    [3, [], []],
    [1, ['a'], []],
  ])('%d nodes in zones %j', (nodes, zones, subjects) => {
    expect(judgeRule(topologySingleZone, aCluster().withNodes(nodes, { zones })).map((d) => d.subject)).toEqual(
      subjects,
    );
  });
});
