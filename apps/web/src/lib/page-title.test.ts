import type { ClusterSummary } from '@hawk/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TITLE, pageTitle } from './page-title';

const cluster = (id: string, name: string): ClusterSummary => ({
  id,
  context: id === 'inclustercontext' ? 'inClusterContext' : id,
  name,
  verdict: 'ha-ok',
  worstFinding: null,
  findingCounts: { critical: 0, warning: 0, info: 0 },
  observedAt: 0,
  labels: {},
});

const twelve = Array.from({ length: 12 }, (_, index) =>
  cluster(`c${index}`, `cluster-${String(index).padStart(2, '0')}`),
);

describe('pageTitle', () => {
  it.each([
    ['no clusters known yet', [], null, DEFAULT_TITLE],
    ['the in-cluster context, under its name', [cluster('inclustercontext', 'prod-eu')], null, 'prod-eu · hawk'],
    [
      'three, alphabetically',
      [cluster('b', 'staging'), cluster('a', 'prod-eu'), cluster('c', 'dev')],
      null,
      'dev, prod-eu, staging · hawk',
    ],
    ['twelve: three named, the rest counted', twelve, null, 'cluster-00, cluster-01, cluster-02 +9 · hawk'],
    ["one cluster's page: only its name", [cluster('a', 'prod-eu'), cluster('b', 'staging')], 'b', 'staging · hawk'],
    ['a page of a cluster not listed (yet)', [cluster('a', 'prod-eu')], 'gone', DEFAULT_TITLE],
  ] as const)('%s', (_case, clusters, current, title) => {
    expect(pageTitle(clusters, current)).toBe(title);
  });
});
