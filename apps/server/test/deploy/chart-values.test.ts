/**
 * The chart takes the keys every chart user expects (issue 25 §1 §2): each one rendered by the real helm from
 * deploy/helm/hawk/ci/all-keys-values.yaml (the file the lab install uses too) and checked where it lands, while
 * values.schema.json still refuses a misspelt key.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CHART_DIR, helm } from './deploy-tools';

const ALL_KEYS = join(CHART_DIR, 'ci', 'all-keys-values.yaml');

type Json = Record<string, unknown>;
interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Json;
  data?: Record<string, string>;
}
interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: Json & { containers: (Json & { name: string })[]; volumes: Json[] };
}

function render(args: readonly string[]): Manifest[] {
  const text = helm(['template', 'hawk', CHART_DIR, '--namespace', 'hawk', ...args]);
  return parseAllDocuments(text)
    .map((document) => document.toJS() as Manifest)
    .filter(Boolean);
}

function find(manifests: readonly Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found)
    throw new Error(`no ${kind}/${name} in ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found;
}

const pod = (workload: Manifest) => (workload.spec as { template: PodTemplate }).template;

function helmFailure(args: readonly string[]): string {
  try {
    helm(args);
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    return `${failed.stderr ?? ''}${failed.message}`;
  }
  throw new Error(`helm ${args.join(' ')} succeeded; it should have failed`);
}

describe('chart values every chart user expects (real helm)', () => {
  const all = render(['-f', ALL_KEYS]);
  const server = find(all, 'Deployment', 'hawk-server');
  const web = find(all, 'Deployment', 'hawk-web');

  it('networkPolicy: the backend admits the web pods and metricsFrom on its port, the web admits webFrom', () => {
    const backend = find(all, 'NetworkPolicy', 'hawk-server').spec as Json;
    expect(backend).toMatchObject({
      podSelector: { matchLabels: { 'app.kubernetes.io/component': 'server' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: { 'app.kubernetes.io/component': 'web' } } },
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kps' } } },
          ],
          ports: [{ protocol: 'TCP', port: 4000 }],
        },
      ],
    });
    const front = find(all, 'NetworkPolicy', 'hawk-web').spec as Json;
    expect(front).toMatchObject({
      podSelector: { matchLabels: { 'app.kubernetes.io/component': 'web' } },
      ingress: [{ ports: [{ protocol: 'TCP', port: 3000 }], from: [{ namespaceSelector: {} }] }],
    });
    // Off by default: a policy leaving out Prometheus' namespace would stop its scrapes without a word.
    expect(
      render([])
        .filter((m) => m.kind === 'NetworkPolicy')
        .map((m) => m.metadata.name),
    ).toEqual([]);
  });

  it('server.webProxyCidrs: the backend reads X-Forwarded-For only from the web pods', () => {
    const env = (pod(server).spec.containers[0]!.env ?? []) as { name: string; value?: string }[];
    expect(env.find((e) => e.name === 'HAWK_WEB_PROXY_CIDRS')?.value).toBe('10.0.0.0/8,fd00::/8');
  });

  it('puts commonLabels on every object and podLabels/podAnnotations on every pod, the chart labels intact', () => {
    for (const manifest of all)
      expect(manifest.metadata.labels?.team, `${manifest.kind}/${manifest.metadata.name}`).toBe('platform');
    for (const workload of [server, web]) {
      const template = pod(workload);
      expect(template.metadata.labels).toMatchObject({
        team: 'platform',
        'example.com/tier': 'monitoring',
        'app.kubernetes.io/name': 'hawk',
        'app.kubernetes.io/component': workload === server ? 'server' : 'web',
      });
      expect(template.metadata.annotations).toEqual({ 'example.com/scraped-by': 'hawk-ci' });
    }
    // podLabels cannot move a pod out of its Deployment's selector.
    const clash = render(['--set', 'podLabels.app\\.kubernetes\\.io/component=other']);
    expect(pod(find(clash, 'Deployment', 'hawk-server')).metadata.labels['app.kubernetes.io/component']).toBe('server');
  });

  it('schedules by priorityClassName, topologySpreadConstraints and per-component affinity, nodeSelector, tolerations', () => {
    const serverSpec = pod(server).spec;
    const webSpec = pod(web).spec;
    for (const spec of [serverSpec, webSpec]) expect(spec.priorityClassName).toBe('hawk-ci');
    expect(serverSpec.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: {
          matchLabels: {
            'app.kubernetes.io/name': 'hawk',
            'app.kubernetes.io/instance': 'hawk',
            'app.kubernetes.io/component': 'server',
          },
        },
      },
    ]);
    expect(JSON.stringify(webSpec.topologySpreadConstraints)).toContain('"app.kubernetes.io/component":"web"');
    // The server's own affinity replaces the default; the web keeps the default anti-affinity.
    expect(JSON.stringify(serverSpec.affinity)).toContain('"weight":50');
    expect(JSON.stringify(webSpec.affinity)).toContain('"weight":100');
    expect(serverSpec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(webSpec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64' });
    expect(serverSpec.tolerations).toEqual([
      { key: 'example.com/dedicated', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(webSpec.tolerations).toEqual([{ key: 'example.com/web', operator: 'Exists', effect: 'NoSchedule' }]);
    // The top-level nodeSelector/tolerations still apply to every component that sets none of its own.
    const global = render([
      '--set',
      'nodeSelector.pool=hawk',
      '--set',
      'tolerations[0].key=pool',
      '--set',
      'tolerations[0].operator=Exists',
    ]);
    for (const name of ['hawk-server', 'hawk-web']) {
      expect(pod(find(global, 'Deployment', name)).spec.nodeSelector).toEqual({ pool: 'hawk' });
      expect(pod(find(global, 'Deployment', name)).spec.tolerations).toEqual([{ key: 'pool', operator: 'Exists' }]);
    }
  });

  it('omits runAsUser and fsGroup set to null (OpenShift restricted-v2), and takes the container securityContext', () => {
    expect(pod(server).spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const openshift = render([
      '--set',
      'podSecurityContext.runAsUser=null',
      '--set',
      'podSecurityContext.fsGroup=null',
      '--set',
      'leaderElection.enabled=false',
      '--set',
      'redis.enabled=true',
      '--set',
      'redis.podSecurityContext.runAsUser=null',
      '--set',
      'redis.podSecurityContext.fsGroup=null',
    ]);
    for (const name of ['hawk-server', 'hawk-web', 'hawk-redis']) {
      const context = pod(find(openshift, 'Deployment', name)).spec.securityContext as Json;
      expect(context, name).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    }
    for (const workload of [server, web])
      expect(pod(workload).spec.containers[0]!.securityContext).toMatchObject({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
      });
    // The defaults are unchanged: a fixed non-root UID and fsGroup.
    expect(pod(find(render([]), 'Deployment', 'hawk-server')).spec.securityContext).toMatchObject({
      runAsUser: 1000,
      fsGroup: 1000,
    });
  });

  it('annotates the ServiceAccount and passes imagePullSecrets, extraEnv, extraEnvFrom, extraVolumes and mounts', () => {
    expect(find(all, 'ServiceAccount', 'hawk').metadata.annotations).toEqual({ 'example.com/role': 'hawk-reader' });
    for (const workload of [server, web])
      expect(pod(workload).spec.imagePullSecrets).toEqual([{ name: 'hawk-ci-pull' }]);
    const backend = pod(server).spec.containers[0]!;
    expect(backend.envFrom).toEqual([{ configMapRef: { name: 'hawk-ci-env' } }]);
    expect(backend.env).toContainEqual({ name: 'HAWK_CONFIG_DIR_SEEN', value: '/etc/hawk/config' });
    expect(pod(server).spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'hawk-ci-config' } });
    expect(backend.volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/hawk/config', readOnly: true });
    expect(pod(web).spec.volumes).toContainEqual({ name: 'extra', emptyDir: { sizeLimit: '16Mi' } });
    expect(pod(web).spec.containers[0]!.volumeMounts).toContainEqual({ name: 'extra', mountPath: '/extra' });
    expect(backend.resources).toEqual({ requests: { cpu: '40m', memory: '128Mi' }, limits: { memory: '600Mi' } });
  });

  it('keeps history on an emptyDir with a sizeLimit, or on a PersistentVolumeClaim per replica (StatefulSet)', () => {
    expect(pod(server).spec.volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '256Mi' } });
    expect(pod(find(render([]), 'Deployment', 'hawk-server')).spec.volumes).toContainEqual({
      name: 'data',
      emptyDir: { sizeLimit: '1Gi' },
    });
    const persistent = render([
      '--set',
      'persistence.enabled=true',
      '--set',
      'persistence.storageClass=fast',
      '--set',
      'persistence.size=5Gi',
    ]);
    expect(persistent.some((m) => m.kind === 'Deployment' && m.metadata.name === 'hawk-server')).toBe(false);
    const set = find(persistent, 'StatefulSet', 'hawk-server');
    expect(set.spec).toMatchObject({ serviceName: 'hawk-server', podManagementPolicy: 'Parallel', replicas: 2 });
    expect(
      (set.spec as { volumeClaimTemplates: { metadata: { name: string }; spec: Json }[] }).volumeClaimTemplates,
    ).toMatchObject([
      {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '5Gi' } } },
      },
    ]);
    // The claim template is the data volume: no emptyDir of the same name beside it.
    expect(pod(set).spec.volumes.some((volume) => volume.name === 'data')).toBe(false);
    expect(pod(set).spec.containers[0]!.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    expect(find(persistent, 'PodDisruptionBudget', 'hawk-server')).toBeDefined();
  });

  it('labels the ServiceMonitor and PrometheusRule for kube-prometheus-stack, with the current authorization field', () => {
    const monitor = find(all, 'ServiceMonitor', 'hawk');
    expect(monitor.metadata.labels).toMatchObject({ release: 'kps', 'app.kubernetes.io/name': 'hawk' });
    expect(monitor.metadata.namespace).toBe('hawk');
    expect(monitor.spec).toMatchObject({ namespaceSelector: { matchNames: ['hawk'] } });
    const [endpoint] = (monitor.spec as { endpoints: Json[] }).endpoints;
    expect(endpoint).toEqual({
      port: 'api',
      path: '/metrics',
      interval: '20s',
      scrapeTimeout: '5s',
      authorization: { type: 'Bearer', credentials: { name: 'hawk-token', key: 'metrics-token' } },
      relabelings: [{ targetLabel: 'source', replacement: 'hawk-ci' }],
      metricRelabelings: [{ sourceLabels: ['__name__'], regex: 'go_.*', action: 'drop' }],
    });
    expect(JSON.stringify(monitor)).not.toContain('bearerTokenSecret');
    expect(find(all, 'PrometheusRule', 'hawk').metadata.labels).toMatchObject({ release: 'kps' });
    // In the monitoring namespace, still selecting the backend in the release namespace.
    const elsewhere = render([
      '--set',
      'metrics.serviceMonitor.enabled=true',
      '--set',
      'metrics.serviceMonitor.namespace=monitoring',
      '--set',
      'metrics.prometheusRule.enabled=true',
      '--set',
      'metrics.prometheusRule.namespace=monitoring',
    ]);
    expect(find(elsewhere, 'ServiceMonitor', 'hawk').metadata.namespace).toBe('monitoring');
    expect(find(elsewhere, 'ServiceMonitor', 'hawk').spec).toMatchObject({
      namespaceSelector: { matchNames: ['hawk'] },
    });
    expect(find(elsewhere, 'PrometheusRule', 'hawk').metadata.namespace).toBe('monitoring');
  });

  it('ships the Grafana dashboard as a ConfigMap for the dashboard sidecar, only when asked', () => {
    expect(render([]).some((m) => m.kind === 'ConfigMap')).toBe(false);
    expect(existsSync(join(CHART_DIR, 'dashboards', 'hawk.json')), 'deploy/helm/hawk/dashboards/hawk.json').toBe(true);
    const manifests = render([
      '--set',
      'grafanaDashboard.enabled=true',
      '--set',
      'grafanaDashboard.namespace=monitoring',
      '--set',
      'grafanaDashboard.labels.extra=yes',
    ]);
    const map = find(manifests, 'ConfigMap', 'hawk-dashboard');
    expect(map.metadata.namespace).toBe('monitoring');
    expect(map.metadata.labels).toMatchObject({ grafana_dashboard: '1', extra: 'yes' });
    expect(() => JSON.parse(map.data!['hawk.json']!) as unknown).not.toThrow();
  });

  it('still refuses misspelt keys and wrong shapes among the new ones', () => {
    for (const [args, pattern] of [
      [['--set', 'podLabel.a=b'], /podLabel.*not allowed/s],
      [['--set', 'server.extraEnvFom[0].configMapRef.name=x'], /extraEnvFom.*not allowed/s],
      [['--set', 'metrics.serviceMonitor.label.release=kps'], /label.*not allowed/s],
      [['--set', 'metrics.serviceMonitor.bearerTokenSecret.name=x'], /bearerTokenSecret.*not allowed/s],
      [['--set', 'persistence.enabled=yes'], /persistence.*enabled.*boolean/s],
      [['--set', 'server.extraVolumeMounts[0].name=x'], /mountPath/],
      [['--set', 'topologySpreadConstraints[0].maxSkew=1'], /topologyKey/],
    ] as const) {
      expect(helmFailure(['template', 'hawk', CHART_DIR, ...args])).toMatch(pattern);
    }
  });
});
