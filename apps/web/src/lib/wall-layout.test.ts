import type { ClusterSummary } from '@hawk/core';
import { describe, expect, it } from 'vitest';
import { aFinding } from '../test-support/cluster-fixture';
import { nameBreaks, wallLayout, worstFirst } from './wall-layout';

describe('wallLayout', () => {
  it.each([
    [1, 'single', 1, 1],
    [2, 'large', 2, 1],
    [3, 'large', 3, 1],
    [4, 'large', 2, 2],
    [5, 'medium', 3, 2],
    [12, 'medium', 4, 3],
    [13, 'dense', 4, 4],
    [24, 'dense', 5, 5],
    [40, 'dense', 8, 5],
    [41, 'dense', 8, 6],
  ] as const)('%d clusters: %s, %d×%d', (count, density, columns, rows) => {
    expect(wallLayout(count)).toEqual({ density, columns, rows });
  });

  it('always has a cell for every cluster', () => {
    for (let count = 1; count <= 60; count++) {
      const { columns, rows } = wallLayout(count);
      expect(columns * rows).toBeGreaterThanOrEqual(count);
    }
  });
});

const summary = (context: string, overrides: Partial<ClusterSummary> = {}): ClusterSummary => ({
  id: context,
  context,
  name: context,
  verdict: 'ha-ok',
  worstFinding: null,
  findingCounts: { critical: 0, warning: 0, info: 0 },
  observedAt: 0,
  labels: {},
  ...overrides,
});

describe('worstFirst', () => {
  it('orders by verdict, then worst finding and counts, then name', () => {
    const clusters = [
      summary('b-ok'),
      summary('a-ok'),
      summary('degraded-warn', {
        verdict: 'degraded',
        worstFinding: aFinding({ id: 'w', title: 'w', severity: 'warning' }),
        findingCounts: { critical: 0, warning: 1, info: 0 },
      }),
      summary('degraded-crit', {
        verdict: 'degraded',
        worstFinding: aFinding({ id: 'c', title: 'c', severity: 'critical' }),
        findingCounts: { critical: 1, warning: 0, info: 0 },
      }),
      summary('unreachable', { verdict: 'unknown' }),
      summary('down', { verdict: 'down' }),
      summary('managed', { verdict: 'not-visible' }),
      summary('spof', { verdict: 'spof' }),
    ];
    expect(worstFirst(clusters).map((c) => c.context)).toEqual([
      'down',
      'unreachable',
      'spof',
      'degraded-crit',
      'degraded-warn',
      'managed',
      'a-ok',
      'b-ok',
    ]);
  });
});

describe('worstFirst among equals', () => {
  it('orders by the name shown, not by the context', () => {
    const clusters = [
      summary('a-context', { name: 'Zurich' }),
      summary('inClusterContext', { name: 'Amsterdam' }),
      summary('m-context', { name: 'Madrid' }),
    ];
    expect(worstFirst(clusters).map((c) => c.name)).toEqual(['Amsterdam', 'Madrid', 'Zurich']);
  });
});

describe('nameBreaks', () => {
  it.each([
    ['kubernetes-admin@hawk-lab', ['kubernetes-', 'admin@', 'hawk-', 'lab']],
    [
      'arn:aws:eks:eu-west-1:1234:cluster/prod',
      ['arn:', 'aws:', 'eks:', 'eu-', 'west-', '1:', '1234:', 'cluster/', 'prod'],
    ],
    ['plain', ['plain']],
  ])('%s', (name, parts) => {
    expect(nameBreaks(name)).toEqual(parts);
    expect(nameBreaks(name).join('')).toBe(name);
  });
});
