/**
 * The dashboard's proof (issue 25 §3): Debian's Prometheus scrapes two real hawk replicas watching the lab through a
 * fault (the controller-manager leader killed, a standby taking over), and every panel's query, as Grafana runs it
 * with all clusters selected, returns series through Prometheus' HTTP API, none of them twice: no two series of one
 * query differ only by the scrape's per-replica labels (`pod`, `instance`). The queries aggregate `by` the labels
 * they show, so this holds by construction; the test proves the construction against what Prometheus really stores.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { ensureLab, type Lab } from '@hawk/lab';
import { freePort } from '@hawk/testkit/free-port';
import { spawnScript, type Child } from '../replication/support/child-process';
import { panelQueries, withAllClusters } from './support/dashboard';

const NAMESPACE = 'hawk-system';
/** The labels a scrape of several replicas adds per replica (a ServiceMonitor adds both; the test sets both). */
const PER_REPLICA = ['pod', 'instance'];

interface Series {
  readonly metric: Record<string, string>;
}

/** Two series of one query that differ only by the per-replica labels: the same thing counted once per replica. */
function hasDuplicates(series: readonly Series[]): boolean {
  const keys = series.map((one) =>
    JSON.stringify(
      Object.entries(one.metric)
        .filter(([label]) => !PER_REPLICA.includes(label))
        .sort(),
    ),
  );
  return keys.length !== new Set(keys).size;
}

async function until<T>(what: string, check: () => Promise<T | string>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let reason = 'not checked yet';
  for (;;) {
    const result = await check().catch((error: unknown) => String(error));
    if (typeof result !== 'string') return result;
    reason = result;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${reason}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('the Grafana dashboard against Prometheus scraping two hawk replicas on the lab', () => {
  let lab: Lab;
  const dir = mkdtempSync(join(tmpdir(), 'hawk-dashboard-lab-'));
  const replicas: Child[] = [];
  let prometheus: ChildProcess | undefined;
  let prometheusUrl = '';
  let prometheusOutput = '';

  const query = async (expr: string): Promise<Series[]> => {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as { status: string; error?: string; data?: { result: Series[] } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? response.status}`);
    return body.data!.result;
  };

  beforeAll(async () => {
    lab = await ensureLab();
    const admin = new KubeConfig();
    admin.loadFromFile(lab.env().KUBECONFIG!);
    await admin
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: NAMESPACE } } })
      .catch((error: { code?: number }) => {
        if (error.code !== 409) throw error;
      });
    const lease = `hawk-dashboard-${process.pid}-${Date.now().toString(36)}`;
    const targets: { pod: string; port: number }[] = [];
    for (const pod of ['hawk-a', 'hawk-b']) {
      const port = await freePort();
      const child = spawnScript('../../../src/server.ts', {
        ...lab.env(),
        PORT: String(port),
        HOST: '127.0.0.1',
        HAWK_REPLICA_ID: pod,
        HAWK_LEADER_LEASE: `${NAMESPACE}/${lease}`,
        HAWK_DB: join(dir, `${pod}.db`),
        HAWK_LOG_LEVEL: 'info', // 'hawk listening' is an info line
      });
      replicas.push(child);
      targets.push({ pod, port });
    }
    await Promise.all(
      replicas.map((child) =>
        child.line((message) => typeof message.msg === 'string' && message.msg.startsWith('hawk listening'), 90_000),
      ),
    );

    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: hawk',
        '    static_configs:',
        ...targets.map(
          (target) =>
            `      - { targets: ["127.0.0.1:${target.port}"], labels: { namespace: hawk, pod: ${target.pod} } }`,
        ),
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.on('data', (chunk: Buffer) => (prometheusOutput += chunk.toString()));
    prometheus.stderr?.on('data', (chunk: Buffer) => (prometheusOutput += chunk.toString()));
    const spawnError = new Promise<string>((resolve) =>
      prometheus!.once('error', (error) =>
        resolve(`prometheus could not be started (${error.message}): install Debian's prometheus package`),
      ),
    );
    await until(
      'Prometheus to scrape both replicas',
      async () => {
        const failed = await Promise.race([spawnError, new Promise<null>((resolve) => setTimeout(resolve, 0, null))]);
        if (failed) throw new Error(failed);
        const up = await query('up{job="hawk"} == 1');
        return up.length === 2 ? true : `${up.length}/2 targets up; ${prometheusOutput.slice(-500)}`;
      },
      60_000,
    );
  }, 240_000);

  afterAll(async () => {
    await lab?.fault.heal().catch(() => undefined);
    for (const child of replicas) await child.kill9().catch(() => undefined);
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('every panel query returns series through a fault, none twice across replicas', async () => {
    // Both replicas feed every cluster series: a query that did not aggregate would show each one twice.
    await until(
      'both replicas to export the lab',
      async () =>
        (await query('count(count by (pod) (hawk_cluster_verdict_info)) == 2')).length === 1
          ? true
          : 'not both replicas export a verdict yet',
      90_000,
    );

    const fault = await lab.fault.killLeader('kube-controller-manager');
    expect(fault).toBeDefined();
    // A standby takes over after the lease duration; hawk measures the leaderless gap at that transition.
    await until(
      "a measured leaderless gap after the controller-manager's takeover",
      async () =>
        (await query('hawk_lease_last_leaderless_seconds{lease="kube-system/kube-controller-manager"}')).length >= 2
          ? true
          : 'no gap measured by both replicas yet',
      120_000,
    );

    const queries = panelQueries();
    expect(queries.length).toBeGreaterThan(12);
    const results = await until(
      'every panel query to return series',
      async () => {
        const answered = await Promise.all(
          queries.map(async (panelQuery) => ({ ...panelQuery, series: await query(withAllClusters(panelQuery.expr)) })),
        );
        const empty = answered.filter((result) => result.series.length === 0);
        return empty.length === 0 ? answered : `empty: ${empty.map((result) => result.panel).join(', ')}`;
      },
      60_000,
    );

    const duplicated = results.filter((result) => hasDuplicates(result.series));
    expect(duplicated.map((result) => `${result.panel}: ${result.expr}`)).toEqual([]);
    // The check has teeth: the same family unaggregated comes once per replica, and is caught.
    expect(hasDuplicates(await query('hawk_cluster_verdict_info'))).toBe(true);
    const perReplica = results.filter((result) =>
      result.series.some((series) => PER_REPLICA.some((label) => label in series.metric)),
    );
    expect(perReplica.map((result) => result.panel)).toEqual([]);

    // Figures for the report: how many series each panel query returned.
    console.info(
      results.map((result) => `${result.series.length}\t${result.panel}\t${withAllClusters(result.expr)}`).join('\n'),
    );
  }, 300_000);
});
