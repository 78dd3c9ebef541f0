import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { registerAlertMetrics } from '../../src/metrics/alert-metrics';
import { createMetrics } from '../../src/metrics/registry';
import { CHART_DASHBOARD, DASHBOARD, REPO_ROOT, panelQueries, withAllClusters } from './support/dashboard';

const PANEL_QUERIES = panelQueries();

describe('the Grafana dashboard (deploy/grafana)', () => {
  it('is what deploy/grafana/build.ts writes, and the chart ships the same file', () => {
    // --check exits 1, naming the stale file, when either JSON is not the script's output.
    execFileSync(process.execPath, ['--import', 'tsx', 'deploy/grafana/build.ts', '--check'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(readFileSync(CHART_DASHBOARD, 'utf8'), 'deploy/helm/hawk/dashboards/hawk.json differs').toBe(
      readFileSync(DASHBOARD, 'utf8'),
    );
  });

  it('has a panel for each thing the issue asks for', () => {
    const panels = new Set(PANEL_QUERIES.map((query) => query.panel));
    for (const wanted of [
      'Verdict',
      'Lease holders',
      'Leader renewal age',
      'Apiservers serving',
      'etcd members',
      'etcd leader',
      'etcd DB size / quota',
      'Open findings by severity',
      'Leaderless gaps',
    ])
      expect(panels).toContain(wanted);
  });

  it('queries only metrics hawk exports', async () => {
    const metrics = createMetrics({
      clusters: () => [],
      sourceStats: () => [],
      socketClients: () => 0,
      replica: { identity: 'r', isLeader: () => true, lockReachable: () => true, transitions: () => 0 },
    });
    registerAlertMetrics(metrics.registry, { sinks: [], stats: () => ({ sent: 0, failed: 0, dropped: 0, queued: 0 }) });
    const exported = new Set((await metrics.registry.getMetricsAsJSON()).map((family) => family.name));
    const used = new Set(
      PANEL_QUERIES.flatMap((query) => [...query.expr.matchAll(/\bhawk_[a-z_]+/g)].map((m) => m[0])),
    );
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });

  it("parses every panel's query as PromQL (promtool)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'hawk-dashboard-'));
    try {
      const rules = {
        groups: [
          {
            name: 'dashboard',
            rules: PANEL_QUERIES.map((query, index) => ({
              record: `dashboard:panel_${index}`,
              expr: withAllClusters(query.expr),
            })),
          },
        ],
      };
      writeFileSync(join(dir, 'panels.yaml'), stringify(rules));
      const run = spawnSync('promtool', ['check', 'rules', join(dir, 'panels.yaml')], { encoding: 'utf8' });
      if (run.error) throw new Error(`promtool not found (${run.error.message}): install Debian's prometheus package`);
      expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
