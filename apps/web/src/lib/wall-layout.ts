import { SEVERITY_RANK, type ClusterSummary, type Verdict } from '@hawk/core';

/**
 * How the wall display fills a 16:9 screen for a number of clusters. One cluster gets the whole
 * control plane; a few get big tiles with each tier's glance; many get a dense grid that still
 * names each cluster's worst finding. Grids are chosen so cells stay wider than tall on 16:9.
 */
export type WallDensity = 'single' | 'large' | 'medium' | 'dense';

export interface WallLayout {
  readonly density: WallDensity;
  readonly columns: number;
  readonly rows: number;
}

/** [up to this many clusters, columns, rows]; past the last row the grid grows by rows (the page scrolls). */
const GRIDS: readonly (readonly [number, number, number])[] = [
  [1, 1, 1],
  [2, 2, 1],
  [3, 3, 1],
  [4, 2, 2],
  [6, 3, 2],
  [8, 4, 2],
  [12, 4, 3],
  [16, 4, 4],
  [20, 5, 4],
  [25, 5, 5],
  [30, 6, 5],
  [40, 8, 5],
];

export function wallLayout(count: number): WallLayout {
  const density: WallDensity = count <= 1 ? 'single' : count <= 4 ? 'large' : count <= 12 ? 'medium' : 'dense';
  const grid = GRIDS.find(([upTo]) => count <= upTo);
  if (grid) return { density, columns: grid[1], rows: grid[2] };
  return { density, columns: 8, rows: Math.ceil(count / 8) };
}

/** Worst verdict first: what is failing now, then what hawk cannot see, then the weak, then the fine. */
export const VERDICT_RANK: Readonly<Record<Verdict, number>> = {
  down: 0,
  unknown: 1,
  spof: 2,
  degraded: 3,
  'not-visible': 4,
  'ha-ok': 5,
};

/** Clusters worst first: by verdict, then by critical and warning findings, then by name. */
export function worstFirst(clusters: readonly ClusterSummary[]): readonly ClusterSummary[] {
  const worstSeverity = (c: ClusterSummary) => (c.worstFinding ? SEVERITY_RANK[c.worstFinding.severity] : 3);
  return [...clusters].sort(
    (a, b) =>
      VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict] ||
      worstSeverity(a) - worstSeverity(b) ||
      b.findingCounts.critical - a.findingCounts.critical ||
      b.findingCounts.warning - a.findingCounts.warning ||
      a.name.localeCompare(b.name) ||
      a.id.localeCompare(b.id),
  );
}

/**
 * Splits a cluster name where a line may break: after '@', '/', '-', '_', '.' and ':', as in
 * "kubernetes-admin@ / hawk-lab" or "arn:aws:eks:…:cluster/ prod". Joined, the parts are the name.
 */
export function nameBreaks(name: string): readonly string[] {
  return name.split(/(?<=[@/\-_.:])/).filter((part) => part !== '');
}
