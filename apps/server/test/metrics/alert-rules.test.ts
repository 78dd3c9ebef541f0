import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const RULES_DIR = join(import.meta.dirname, '../../../../deploy/prometheus');

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd: RULES_DIR, encoding: 'utf8' });
  if (run.error) {
    throw new Error(
      `promtool not found (${run.error.message}): install Debian's prometheus package (scripts/setup.sh does) ` +
        'to test the alerting rules',
    );
  }
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('Prometheus alerting rules (deploy/prometheus)', () => {
  it('are valid rules', () => {
    const result = promtool('check', 'rules', 'hawk-rules.yaml');
    expect(result.status, result.output).toBe(0);
  });

  it('pass their scenario tests', () => {
    const result = promtool('test', 'rules', 'tests/hawk-rules.test.yaml');
    expect(result.status, result.output).toBe(0);
  });

  it('only use metrics hawk exports', async () => {
    const { createMetrics } = await import('../../src/metrics/registry');
    const metrics = createMetrics({
      clusters: () => [],
      sourceStats: () => [],
      socketClients: () => 0,
      replica: { identity: 'r', isLeader: () => true, lockReachable: () => true, transitions: () => 0 },
    });
    // What the alerts plugin adds when a sink is configured (the rules read hawk_alert_sink_enabled).
    const { registerAlertMetrics } = await import('../../src/metrics/alert-metrics');
    registerAlertMetrics(metrics.registry, {
      sinks: ['alertmanager'],
      stats: () => ({ sent: 0, failed: 0, dropped: 0, queued: 0 }),
    });
    const exported = new Set((await metrics.registry.getMetricsAsJSON()).map((family) => family.name));
    const rules = readFileSync(join(RULES_DIR, 'hawk-rules.yaml'), 'utf8');
    const used = new Set(
      [...rules.matchAll(/\bhawk_[a-z_]+/g)].map((match) => match[0].replace(/_(bucket|count|sum)$/, '')),
    );
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });

  // promtool only checks the cases written; this makes sure every alert has one that fires, fed by
  // at least two replicas' series (distinct `pod` labels), as one ServiceMonitor scraping them all yields.
  it('give every shipped alert a firing case fed by two replicas', () => {
    const rules = parse(readFileSync(join(RULES_DIR, 'hawk-rules.yaml'), 'utf8')) as {
      groups: { rules: { alert?: string }[] }[];
    };
    const alerts = rules.groups.flatMap((group) => group.rules.flatMap((rule) => (rule.alert ? [rule.alert] : [])));
    const suite = parse(readFileSync(join(RULES_DIR, 'tests/hawk-rules.test.yaml'), 'utf8')) as {
      tests: { input_series: { series: string }[]; alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const firing = new Set(
      suite.tests
        .filter(
          (test) =>
            new Set(test.input_series.flatMap((input) => /[{,]pod="([^"]+)"/.exec(input.series)?.[1] ?? [])).size >= 2,
        )
        .flatMap((test) =>
          (test.alert_rule_test ?? []).filter((check) => check.exp_alerts.length > 0).map((check) => check.alertname),
        ),
    );
    expect(alerts.length).toBeGreaterThan(15);
    expect(alerts.filter((alert) => !firing.has(alert))).toEqual([]);
  });
});
