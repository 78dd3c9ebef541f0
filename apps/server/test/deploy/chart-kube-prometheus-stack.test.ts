/**
 * kube-prometheus-stack picks hawk up (issue 25 §1). The real prometheus-operator (built from its Go module,
 * deploy/scripts/build-prometheus-operator.sh) runs against the lab's apiserver with a Prometheus object that uses
 * kube-prometheus-stack's default selectors (ServiceMonitors and PrometheusRules labelled `release: kps`, any
 * namespace). hawk is helm-installed twice: with deploy/helm/hawk/ci/all-keys-values.yaml (labels release: kps) and
 * with the monitoring objects on but unlabelled. The configuration the operator generates for Prometheus (the Secret
 * prometheus-kps with prometheus.yaml.gz, the ConfigMap prometheus-kps-rulefiles-0) must hold the first release's
 * scrape job and rule groups, and nothing of the second. No kubelet is needed: the operator only talks to the
 * apiserver, and Prometheus' pods never have to run. Run under `flock /tmp/hawk-lab.lock`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ensureLab, type Lab } from '@hawk/lab';
import { waitUntil } from '@hawk/testkit/web-processes';
import { CHART_DIR, helm, monitoringCrdsDir } from './deploy-tools';

const log = (line: string) => console.log(`[kps] ${line}`);
const suffix = Date.now().toString(36);
const HAWK_NS = `hawk-kps-${suffix}`;
const MONITORING_NS = `monitoring-${suffix}`;
// Release names containing "hawk" name the ServiceMonitor and PrometheusRule after the release alone.
const LABELLED = 'hawk-kps';
const UNLABELLED = 'hawk-plain';

function operatorBinary(): string {
  const candidates = [
    process.env.HAWK_PROMETHEUS_OPERATOR,
    join(
      process.env.HAWK_CACHE ?? join(homedir(), '.cache', 'hawk'),
      'tools',
      'prometheus-operator-v0.85.0',
      'operator',
    ),
  ];
  const found = candidates.find((path): path is string => !!path && existsSync(path));
  if (!found)
    throw new Error(
      `prometheus-operator not found (looked at ${candidates.filter(Boolean).join(', ')}): run ` +
        'deploy/scripts/build-prometheus-operator.sh',
    );
  return found;
}

let lab: Lab;
let operator: ChildProcess | undefined;
let operatorLog = '';

const kube = <T>(path: string) => lab.kubeAny((k) => k.json<T>(path));

async function create(collection: string, name: string, object: unknown): Promise<void> {
  await lab.kubeAny((k) => k.createIfAbsent(collection, name, object));
}

async function installCrds(): Promise<void> {
  const directory = monitoringCrdsDir();
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.yaml'))) {
    const crd = parse(readFileSync(join(directory, file), 'utf8')) as { metadata: { name: string } };
    await create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd.metadata.name, crd);
    await waitUntil(
      `CRD ${crd.metadata.name} established`,
      async () => {
        const current = await kube<{ status?: { conditions?: { type: string; status: string }[] } }>(
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`,
        );
        return current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') || undefined;
      },
      60_000,
    );
  }
}

beforeAll(async () => {
  const binary = operatorBinary();
  lab = await ensureLab({}, { onProgress: (line) => log(`lab: ${line}`) });
  await installCrds();
  for (const name of [HAWK_NS, MONITORING_NS])
    await create('/api/v1/namespaces', name, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const kubeconfig = lab.kubeconfigPath;
  helm([
    'install',
    LABELLED,
    CHART_DIR,
    '-n',
    HAWK_NS,
    '--kubeconfig',
    kubeconfig,
    '-f',
    join(CHART_DIR, 'ci', 'all-keys-values.yaml'),
  ]);
  helm([
    'install',
    UNLABELLED,
    CHART_DIR,
    '-n',
    HAWK_NS,
    '--kubeconfig',
    kubeconfig,
    '--set',
    'metrics.serviceMonitor.enabled=true',
    '--set',
    'metrics.prometheusRule.enabled=true',
  ]);
  // kube-prometheus-stack's Prometheus for a release named kps, as its values render it by default.
  const selector = { matchLabels: { release: 'kps' } };
  await create(`/apis/monitoring.coreos.com/v1/namespaces/${MONITORING_NS}/prometheuses`, 'kps', {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'Prometheus',
    metadata: { name: 'kps', namespace: MONITORING_NS, labels: { release: 'kps' } },
    spec: {
      replicas: 1,
      serviceMonitorSelector: selector,
      serviceMonitorNamespaceSelector: {},
      podMonitorSelector: selector,
      podMonitorNamespaceSelector: {},
      ruleSelector: selector,
      ruleNamespaceSelector: {},
    },
  });
  // The operator reads KUBECONFIG (it has no flag for it) and needs nothing but the apiserver.
  operator = spawn(binary, ['--web.listen-address=127.0.0.1:0', '--log-level=info'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KUBECONFIG: kubeconfig },
  });
  for (const stream of [operator.stdout!, operator.stderr!])
    stream.on('data', (chunk: Buffer) => (operatorLog = (operatorLog + chunk.toString()).slice(-20_000)));
  log(`operator ${binary} started (pid ${operator.pid})`);
}, 600_000);

afterAll(async () => {
  operator?.kill('SIGTERM');
  if (!lab) return;
  for (const release of [LABELLED, UNLABELLED]) {
    try {
      helm(['uninstall', release, '-n', HAWK_NS, '--kubeconfig', lab.kubeconfigPath, '--ignore-not-found']);
    } catch (error) {
      log(`uninstall ${release}: ${(error as Error).message}`);
    }
  }
  for (const name of [HAWK_NS, MONITORING_NS])
    await lab.kubeAny((k) => k.raw(`/api/v1/namespaces/${name}`, { method: 'DELETE' })).catch(() => undefined);
}, 300_000);

interface ScrapeConfig {
  job_name: string;
  scrape_interval?: string;
  scrape_timeout?: string;
  authorization?: { type?: string; credentials?: string; credentials_file?: string };
  relabel_configs?: { target_label?: string; replacement?: string }[];
  metric_relabel_configs?: { source_labels?: string[]; regex?: string; action?: string }[];
  kubernetes_sd_configs?: { namespaces?: { names?: string[] } }[];
}

/** What the operator generated for Prometheus kps, once it contains a scrape job of the given release. */
async function generatedConfig(): Promise<{ scrapeConfigs: ScrapeConfig[]; raw: string }> {
  return waitUntil(
    'the operator writes prometheus-kps with hawk’s scrape job',
    async () => {
      const secret = await kube<{ data?: Record<string, string> }>(
        `/api/v1/namespaces/${MONITORING_NS}/secrets/prometheus-kps`,
      ).catch(() => undefined);
      const zipped = secret?.data?.['prometheus.yaml.gz'];
      if (!zipped) return undefined;
      const raw = gunzipSync(Buffer.from(zipped, 'base64')).toString('utf8');
      const config = parse(raw) as { scrape_configs?: ScrapeConfig[] };
      const scrapeConfigs = config.scrape_configs ?? [];
      return scrapeConfigs.some((job) => job.job_name.includes(HAWK_NS)) ? { scrapeConfigs, raw } : undefined;
    },
    180_000,
    async () => `operator log:\n${operatorLog}`,
  );
}

describe('kube-prometheus-stack’s Prometheus (the real prometheus-operator) picks up hawk', () => {
  it(
    'scrapes the labelled release’s backend with its token, interval, timeout and relabelings, and not the ' +
      'unlabelled one',
    async () => {
      const { scrapeConfigs, raw } = await generatedConfig();
      const jobs = scrapeConfigs.map((job) => job.job_name);
      log(`scrape jobs: ${jobs.join(', ')}`);
      expect(jobs).toContain(`serviceMonitor/${HAWK_NS}/${LABELLED}/0`);
      // The unlabelled release's ServiceMonitor exists, and the operator leaves it out.
      await kube(`/apis/monitoring.coreos.com/v1/namespaces/${HAWK_NS}/servicemonitors/${UNLABELLED}`);
      expect(jobs.some((job) => job.includes(`/${UNLABELLED}/`))).toBe(false);
      const job = scrapeConfigs.find((j) => j.job_name === `serviceMonitor/${HAWK_NS}/${LABELLED}/0`)!;
      expect(job.scrape_interval).toBe('20s');
      expect(job.scrape_timeout).toBe('5s');
      expect(job.kubernetes_sd_configs?.[0]?.namespaces?.names).toEqual([HAWK_NS]);
      // The metrics-only token the backend's /metrics asks for, from the chart's token Secret: never the UI's.
      const secret = await kube<{ data: Record<string, string> }>(
        `/api/v1/namespaces/${HAWK_NS}/secrets/${LABELLED}-token`,
      );
      const token = Buffer.from(secret.data['metrics-token']!, 'base64').toString();
      expect(token).not.toBe(Buffer.from(secret.data.token!, 'base64').toString());
      expect(job.authorization?.type, raw).toBe('Bearer');
      expect(job.authorization?.credentials, 'the token inline in the generated job').toBe(token);
      expect(job.relabel_configs).toContainEqual(
        expect.objectContaining({ target_label: 'source', replacement: 'hawk-ci' }),
      );
      expect(job.metric_relabel_configs).toContainEqual(
        expect.objectContaining({ source_labels: ['__name__'], regex: 'go_.*', action: 'drop' }),
      );
    },
  );

  it('loads the labelled release’s rule groups (hawk’s alerting rules), not the unlabelled one’s', async () => {
    const expected = (
      parse(readFileSync(join(CHART_DIR, 'files', 'hawk-rules.yaml'), 'utf8')) as { groups: { name: string }[] }
    ).groups.map((g) => g.name);
    expect(expected.length).toBeGreaterThan(0);
    const files = await waitUntil(
      'the operator writes prometheus-kps-rulefiles-0',
      async () => {
        const map = await kube<{ data?: Record<string, string> }>(
          `/api/v1/namespaces/${MONITORING_NS}/configmaps/prometheus-kps-rulefiles-0`,
        ).catch(() => undefined);
        const names = Object.keys(map?.data ?? {});
        return names.some((name) => name.startsWith(`${HAWK_NS}-${LABELLED}-`)) ? map!.data! : undefined;
      },
      180_000,
      async () => `operator log:\n${operatorLog}`,
    );
    log(`rule files: ${Object.keys(files).join(', ')}`);
    await kube(`/apis/monitoring.coreos.com/v1/namespaces/${HAWK_NS}/prometheusrules/${UNLABELLED}`);
    expect(Object.keys(files).some((name) => name.startsWith(`${HAWK_NS}-${UNLABELLED}-`))).toBe(false);
    const ours = Object.entries(files).find(([name]) => name.startsWith(`${HAWK_NS}-${LABELLED}-`))![1];
    const groups = parseAllDocuments(ours).flatMap((doc) =>
      ((doc.toJS() as { groups?: { name: string }[] }).groups ?? []).map((g) => g.name),
    );
    expect(groups).toEqual(expected);
  });
});
