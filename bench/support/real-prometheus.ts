/**
 * A real Prometheus (Debian's) beside a chaos run: it scrapes every etcd member's /metrics over the members' client
 * port with the lab's etcd client certificate, evaluates etcd-mixin's alerts as etcd-mixin writes them (their
 * expressions, thresholds and `for:`), and is asked every few seconds which of them are pending or firing. What it
 * says is the comparison the run prints beside hawk's warnings; the derived figures (prometheus-etcd-alerts.ts) stay
 * as a cross-check of the same expressions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, sleep } from '@hawk/testkit/hawk-process';

/** etcd-mixin's alerts this comparison is about (its etcd.libsonnet, job selector narrowed to this scrape job). */
const ETCD_MIXIN_RULES = {
  groups: [
    {
      name: 'etcd',
      rules: [
        {
          alert: 'etcdHighFsyncDurations',
          expr: 'histogram_quantile(0.99, rate(etcd_disk_wal_fsync_duration_seconds_bucket{job="etcd"}[5m])) > 0.5',
          for: '10m',
        },
        {
          alert: 'etcdHighCommitDurations',
          expr:
            'histogram_quantile(0.99, rate(etcd_disk_backend_commit_duration_seconds_bucket{job="etcd"}[5m]))' +
            ' > 0.25',
          for: '10m',
        },
        {
          alert: 'etcdHighNumberOfLeaderChanges',
          expr: 'increase((max without (instance) (etcd_server_leader_changes_seen_total{job="etcd"}))[15m:1m]) >= 4',
          for: '5m',
        },
      ],
    },
  ],
};

export interface PrometheusAlertSeen {
  readonly alert: string;
  /** The member's address, or 'cluster' for an alert aggregated over members. */
  readonly instance: string;
  /** Prometheus' own activeAt: when the expression first held. */
  readonly pendingAt: number;
  /** When this poll first saw it firing; null when it never did. */
  firingAt: number | null;
}

export interface EtcdScrapeTarget {
  readonly endpoints: readonly string[];
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

interface AlertsAnswer {
  data?: { alerts?: { labels: Record<string, string>; state: string; activeAt?: string }[] };
}

export class RealPrometheus {
  private readonly seen = new Map<string, PrometheusAlertSeen>();
  private polling = true;
  private poller: Promise<void> = Promise.resolve();
  private output = '';

  private constructor(
    private readonly dir: string,
    private readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  /** Starts Prometheus scraping every member every `scrapeSeconds` and waits until all are up and the rules loaded. */
  static async start(target: EtcdScrapeTarget, scrapeSeconds = 15): Promise<RealPrometheus> {
    const dir = mkdtempSync(join(tmpdir(), 'hawk-chaos-prometheus-'));
    const port = await freePort();
    writeFileSync(join(dir, 'etcd-mixin.yaml'), stringify(ETCD_MIXIN_RULES));
    const hosts = target.endpoints.map((endpoint) => new URL(endpoint).host);
    const config = {
      global: { scrape_interval: `${scrapeSeconds}s`, evaluation_interval: `${scrapeSeconds}s` },
      rule_files: [join(dir, 'etcd-mixin.yaml')],
      scrape_configs: [
        {
          job_name: 'etcd',
          scheme: 'https',
          tls_config: { ca_file: target.ca, cert_file: target.cert, key_file: target.key },
          static_configs: [{ targets: hosts }],
        },
      ],
    };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    const child = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const prometheus = new RealPrometheus(dir, `http://127.0.0.1:${port}`, child);
    child.stdout?.on('data', (chunk: Buffer) => prometheus.keep(chunk));
    child.stderr?.on('data', (chunk: Buffer) => prometheus.keep(chunk));
    const failed = new Promise<never>((_, reject) =>
      child.once('error', (error) =>
        reject(new Error(`prometheus could not be started (${error.message}): install Debian's prometheus package`)),
      ),
    );
    await Promise.race([failed, prometheus.waitUntilScraping(hosts.length)]);
    prometheus.poller = prometheus.poll();
    return prometheus;
  }

  private keep(chunk: Buffer): void {
    this.output = (this.output + chunk.toString()).slice(-4000);
  }

  private async query(expr: string): Promise<unknown[]> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as { data?: { result?: unknown[] } };
    return body.data?.result ?? [];
  }

  private async waitUntilScraping(members: number): Promise<void> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const up = await this.query('up{job="etcd"} == 1').catch(() => []);
      const rules = await fetch(`${this.url}/api/v1/rules`)
        .then((r) => r.json() as Promise<{ data?: { groups?: { rules: unknown[] }[] } }>)
        .then((body) => body.data?.groups?.flatMap((group) => group.rules).length ?? 0)
        .catch(() => 0);
      if (up.length === members && rules === ETCD_MIXIN_RULES.groups[0]!.rules.length) return;
      if (this.child.exitCode !== null || Date.now() > deadline)
        throw new Error(
          `Prometheus is not scraping etcd (${up.length}/${members} members up, ${rules} rules loaded): ` +
            this.output.slice(-1000),
        );
      await sleep(1_000);
    }
  }

  private async poll(): Promise<void> {
    while (this.polling) {
      const answer = (await fetch(`${this.url}/api/v1/alerts`)
        .then((r) => r.json())
        .catch(() => ({}))) as AlertsAnswer;
      for (const alert of answer.data?.alerts ?? []) {
        const name = alert.labels.alertname ?? '?';
        const instance = alert.labels.instance ?? 'cluster';
        const key = `${name} ${instance}`;
        const pendingAt = alert.activeAt ? Date.parse(alert.activeAt) : Date.now();
        const known = this.seen.get(key) ?? { alert: name, instance, pendingAt, firingAt: null };
        if (alert.state === 'firing') known.firingAt ??= Date.now();
        this.seen.set(key, known);
      }
      await sleep(5_000);
    }
  }

  /** Every etcd-mixin alert that was pending or firing at some poll, in the order first seen. */
  alerts(): PrometheusAlertSeen[] {
    return [...this.seen.values()];
  }

  async stop(): Promise<void> {
    this.polling = false;
    await this.poller;
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
