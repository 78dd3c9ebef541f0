import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadEnv } from '../../src/env';
import { CHART_DIR, REPO_ROOT, helm, requireCommand } from './deploy-tools';

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: unknown };
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: EnvVar[];
  ports?: { containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  containers: Container[];
  volumes?: { name: string; secret?: { secretName: string } }[];
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  rules?: Rule[];
  data?: Record<string, string>;
  spec?: Record<string, unknown> & {
    replicas?: number;
    template?: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
}

function render(extra: readonly string[] = [], release = 'hawk'): Manifest[] {
  const text = helm(['template', release, CHART_DIR, '--namespace', 'hawk', ...extra]);
  return parseAllDocuments(text)
    .map((document) => document.toJS() as Manifest)
    .filter(Boolean);
}

/** Runs helm expecting it to fail, and returns what it said. */
function helmFailure(args: readonly string[]): string {
  try {
    helm(args);
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    return `${failed.stderr ?? ''}${failed.message}`;
  }
  throw new Error(`helm ${args.join(' ')} succeeded; it should have failed`);
}

const find = (manifests: readonly Manifest[], kind: string, name: string): Manifest => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found)
    throw new Error(`no ${kind}/${name} in ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found;
};
/** Redis is hawk's lock only without the Lease; with it, the chart refuses a Redis nothing would use. */
const WITH_REDIS = ['--set', 'leaderElection.enabled=false', '--set', 'redis.enabled=true'] as const;
const container = (deployment: Manifest): Container => deployment.spec!.template!.spec.containers[0]!;
const env = (deployment: Manifest): Record<string, EnvVar> =>
  Object.fromEntries((container(deployment).env ?? []).map((variable) => [variable.name, variable]));

describe('Helm chart (real helm)', () => {
  it('passes helm lint, with defaults and with every option on', () => {
    expect(helm(['lint', CHART_DIR])).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(
      helm([
        'lint',
        CHART_DIR,
        ...WITH_REDIS,
        '--set',
        'ingress.enabled=true',
        '--set',
        'metrics.serviceMonitor.enabled=true',
        '--set',
        'metrics.prometheusRule.enabled=true',
      ]),
    ).toContain('0 chart(s) failed');
  });

  it('refuses values of the wrong type or under a misspelt key (values.schema.json)', () => {
    expect(helmFailure(['template', 'hawk', CHART_DIR, '--set', 'replicaCount=two'])).toMatch(
      /replicaCount.*(integer|number)/s,
    );
    expect(helmFailure(['lint', CHART_DIR, '--set', 'replicaCount=two'])).toMatch(/replicaCount/);
    expect(helmFailure(['template', 'hawk', CHART_DIR, '--set', 'redis.enabled=yes'])).toMatch(
      /redis.*enabled.*boolean/s,
    );
    expect(helmFailure(['template', 'hawk', CHART_DIR, '--set', 'replicaCont=2'])).toMatch(/replicaCont.*not allowed/s);
    expect(helmFailure(['template', 'hawk', CHART_DIR, '--set', 'web.origins={hawk.example}'])).toMatch(/origins/);
  });

  it('names objects <release>-<part>, never hawk-hawk-*, within 63 characters', () => {
    const names = (manifests: readonly Manifest[]) => manifests.map((m) => m.metadata.name);
    const plain = render();
    expect(names(plain).filter((name) => name.includes('hawk-hawk'))).toEqual([]);
    expect(names(plain)).toEqual(expect.arrayContaining(['hawk-server', 'hawk-web', 'hawk-token', 'hawk']));
    expect(names(render([], 'prod'))).toEqual(expect.arrayContaining(['prod-hawk-server', 'prod-hawk-web']));
    expect(names(render(['--set', 'nameOverride=watch'], 'prod'))).toContain('prod-watch-server');
    const long = 'x'.repeat(70);
    for (const options of [['--set', 'ingress.enabled=true'], [...WITH_REDIS]]) {
      const overridden = render(['--set', `fullnameOverride=${long}`, ...options]);
      for (const name of names(overridden)) expect(name.length, name).toBeLessThanOrEqual(63);
      // Cut from the full name, not from the suffix: each part keeps a distinct name.
      expect(names(overridden)).toEqual(
        expect.arrayContaining([
          `${'x'.repeat(56)}-server`,
          `${'x'.repeat(59)}-web`,
          `${'x'.repeat(46)}-endpoints-reader`,
        ]),
      );
      const perKind = overridden.map((m) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`);
      expect(new Set(perKind).size).toBe(perKind.length);
    }
    expect(names(render(['--set', `fullnameOverride=${long}`]))).toContain(`${'x'.repeat(47)}-leader-election`);
    expect(names(render(['--set', `fullnameOverride=${long}`, ...WITH_REDIS]))).toContain(`${'x'.repeat(57)}-redis`);
  });

  it('labels every object and pod with the standard labels, component included', () => {
    for (const manifest of render([...WITH_REDIS, '--set', 'ingress.enabled=true'])) {
      const labelled = [
        manifest.metadata.labels ?? {},
        ...(manifest.spec?.template ? [manifest.spec.template.metadata.labels] : []),
      ];
      for (const labels of labelled) {
        expect(labels, `${manifest.kind}/${manifest.metadata.name}`).toMatchObject({
          'helm.sh/chart': expect.stringMatching(/^hawk-\d+\.\d+\.\d+/),
          'app.kubernetes.io/name': 'hawk',
          'app.kubernetes.io/instance': 'hawk',
          'app.kubernetes.io/component': expect.stringMatching(/^(server|web|redis)$/),
          'app.kubernetes.io/version': expect.any(String),
          'app.kubernetes.io/managed-by': 'Helm',
        });
      }
    }
  });

  it('runs the backend with its ServiceAccount and the web apart, without credentials, proxying to the backend', () => {
    const manifests = render([
      '--set',
      'etcd.clientCertSecret=etcd-client',
      '--set',
      'etcd.endpoints={https://10.0.0.1:2379}',
    ]);
    const server = find(manifests, 'Deployment', 'hawk-server');
    const web = find(manifests, 'Deployment', 'hawk-web');
    expect(server.spec?.replicas).toBe(2);
    expect(JSON.stringify(server.spec)).toContain('podAntiAffinity');
    expect(server.spec!.template!.spec.serviceAccountName).toBe('hawk');
    expect(container(server).ports).toEqual([{ name: 'api', containerPort: 4000 }]);
    expect(JSON.stringify(server)).toContain('/etc/hawk/etcd/tls.crt');
    // The web: its own Deployment, no Kubernetes token, no etcd certificate, nothing secret mounted.
    expect(web.spec!.template!.spec.automountServiceAccountToken).toBe(false);
    expect(web.spec!.template!.spec.serviceAccountName).toBeUndefined();
    expect(JSON.stringify(web)).not.toMatch(/etcd|secretKeyRef|"secret"/);
    expect(web.spec!.template!.spec.containers.map((c) => c.name)).toEqual(['web']);
    expect(container(web).ports).toEqual([{ name: 'http', containerPort: 3000 }]);
    expect(env(web).HAWK_API_URL?.value).toBe('http://hawk-server:4000');
    expect(find(manifests, 'Service', 'hawk-server').spec?.ports).toEqual([
      { name: 'api', port: 4000, targetPort: 'api' },
    ]);
    // A socket.io long-polling session must stay on one replica: each web pod is pinned to one backend.
    expect(find(manifests, 'Service', 'hawk-server').spec?.sessionAffinity).toBe('ClientIP');
    expect(find(manifests, 'Service', 'hawk-web').spec?.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http' },
    ]);
    expect(
      manifests
        .filter((m) => m.kind === 'PodDisruptionBudget')
        .map((m) => m.metadata.name)
        .sort(),
    ).toEqual(['hawk-server', 'hawk-web']);
    // One replica: no PodDisruptionBudget that would block every node drain.
    expect(
      render(['--set', 'replicaCount=1', '--set', 'web.replicaCount=1']).some((m) => m.kind === 'PodDisruptionBudget'),
    ).toBe(false);
  });

  it('elects side effects on a Lease without Redis by default, and keeps RBAC read-only besides that Lease', () => {
    const manifests = render();
    const variables = env(find(manifests, 'Deployment', 'hawk-server'));
    expect(variables.HAWK_LEADER_LEASE?.value).toBe('hawk/hawk-leader');
    expect(variables.HAWK_REDIS_URL).toBeUndefined();
    expect(manifests.some((m) => m.metadata.name.includes('redis'))).toBe(false);
    expect(manifests.some((m) => m.kind === 'Ingress' || m.kind === 'ServiceMonitor')).toBe(false);
    const roles = manifests.filter((m) => m.kind === 'Role' || m.kind === 'ClusterRole');
    // Toward what hawk watches: read only.
    const readRules = roles.filter((m) => m.metadata.name !== 'hawk-leader-election').flatMap((m) => m.rules ?? []);
    for (const rule of readRules)
      expect(rule.verbs.every((verb) => ['get', 'list', 'watch'].includes(verb))).toBe(true);
    expect(readRules.flatMap((rule) => rule.resources ?? []).sort()).toEqual([
      'configmaps',
      'endpointslices',
      'leasecandidates',
      'leases',
      'nodes',
      'pods',
    ]);
    // Of ConfigMaps, only kubeadm's cluster configuration, only `get`, only in kube-system.
    const controlPlane = find(manifests, 'Role', 'hawk-control-plane-reader');
    expect(controlPlane.metadata.namespace).toBe('kube-system');
    expect(controlPlane.rules?.find((rule) => rule.resources?.includes('configmaps'))).toEqual({
      apiGroups: [''],
      resources: ['configmaps'],
      resourceNames: ['kubeadm-config'],
      verbs: ['get'],
    });
    // Its own leader Lease, in its own namespace, is the one write.
    const election = find(manifests, 'Role', 'hawk-leader-election');
    expect(election.metadata.namespace).toBe('hawk');
    expect(election.rules).toEqual([
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: ['hawk-leader'],
        verbs: ['get', 'update'],
      },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    ]);
    // Several replicas without any lock would all send the webhook: refused at render time.
    expect(helmFailure(['template', 'hawk', CHART_DIR, '--set', 'leaderElection.enabled=false'])).toContain(
      'need a lock',
    );
    expect(
      env(
        find(render(['--set', 'leaderElection.enabled=false', '--set', 'replicaCount=1']), 'Deployment', 'hawk-server'),
      ).HAWK_LEADER_LEASE,
    ).toBeUndefined();
  });

  it(
    'watches leader-election Leases of the namespaces in leaseNamespaces with a read-only Role in each, and ' +
      'never node heartbeats',
    () => {
      expect(env(find(render(), 'Deployment', 'hawk-server')).HAWK_LEASE_NAMESPACES).toBeUndefined();
      expect(render().some((m) => m.metadata.name === 'hawk-lease-reader')).toBe(false);
      const manifests = render(['--set', 'leaseNamespaces={cert-manager,ingress-nginx}']);
      expect(env(find(manifests, 'Deployment', 'hawk-server')).HAWK_LEASE_NAMESPACES?.value).toBe(
        'cert-manager,ingress-nginx',
      );
      const roles = manifests.filter((m) => m.kind === 'Role' && m.metadata.name === 'hawk-lease-reader');
      expect(roles.map((role) => role.metadata.namespace)).toEqual(['cert-manager', 'ingress-nginx']);
      for (const role of roles)
        expect(role.rules).toEqual([
          { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch'] },
        ]);
      const bindings = manifests.filter(
        (m) => m.kind === 'RoleBinding' && m.metadata.name === 'hawk-lease-reader',
      ) as (Manifest & { roleRef: { name: string }; subjects: { name: string; namespace: string }[] })[];
      expect(bindings.map((binding) => [binding.metadata.namespace, binding.roleRef.name, binding.subjects])).toEqual([
        ['cert-manager', 'hawk-lease-reader', [{ kind: 'ServiceAccount', name: 'hawk', namespace: 'hawk' }]],
        ['ingress-nginx', 'hawk-lease-reader', [{ kind: 'ServiceAccount', name: 'hawk', namespace: 'hawk' }]],
      ]);
      // Node heartbeats are not elections; kube-system is watched already.
      expect(helmFailure(['template', 'hawk', CHART_DIR, '--set', 'leaseNamespaces={kube-node-lease}'])).toMatch(
        /leaseNamespaces/,
      );
      expect(helmFailure(['template', 'hawk', CHART_DIR, '--set', 'leaseNamespaces={kube-system}'])).toMatch(
        /leaseNamespaces/,
      );
    },
  );

  it(
    "names the cluster hawk runs in by clusterName, else kubeadm's name or <namespace>/<release>, never " +
      'inClusterContext',
    () => {
      const named = env(find(render(['--set-string', 'clusterName=prod-eu (Frankfurt)']), 'Deployment', 'hawk-server'));
      expect(named.HAWK_CLUSTER_NAME?.value).toBe('prod-eu (Frankfurt)');
      expect(named.HAWK_CLUSTER_NAME_FALLBACK).toBeUndefined();
      // Unset: the server prefers kubeadm's clusterName and falls back to the release, as namespace/name.
      const unnamed = env(find(render([], 'watch'), 'Deployment', 'watch-hawk-server'));
      expect(unnamed.HAWK_CLUSTER_NAME).toBeUndefined();
      expect(unnamed.HAWK_CLUSTER_NAME_FALLBACK?.value).toBe('hawk/watch');
      // What the chart renders, the backend accepts.
      for (const variables of [named, unnamed]) {
        const given = Object.fromEntries(
          Object.values(variables).flatMap((variable) =>
            variable.value !== undefined ? [[variable.name, variable.value]] : [],
          ),
        );
        expect(() => loadEnv({ ...given, HAWK_TOKEN: 'x'.repeat(16) })).not.toThrow();
      }
      expect(JSON.stringify(render())).not.toContain('inClusterContext');
      // The schema refuses what the backend would refuse at start, before anything is installed.
      expect(helmFailure(['template', 'hawk', CHART_DIR, '--set-string', 'clusterName= prod'])).toMatch(/clusterName/);
      expect(helmFailure(['template', 'hawk', CHART_DIR, '--set-string', `clusterName=${'x'.repeat(129)}`])).toMatch(
        /clusterName/,
      );
      expect(helmFailure(['template', 'hawk', CHART_DIR, '--set-json', 'clusterName="line\\nbreak"'])).toMatch(
        /clusterName/,
      );
    },
  );

  it('routes one origin through the Ingress to the web, and derives the backend origins and allowed hosts from it', () => {
    const manifests = render([
      '--set',
      'ingress.enabled=true',
      '--set',
      'ingress.hosts={hawk.example.com,hawk.internal}',
      '--set',
      'ingress.tls[0].secretName=hawk-tls',
      '--set',
      'ingress.tls[0].hosts={hawk.example.com}',
    ]);
    const ingress = find(manifests, 'Ingress', 'hawk');
    const rules = (ingress.spec as { rules: { host: string; http: { paths: unknown[] } }[] }).rules;
    expect(rules.map((rule) => rule.host)).toEqual(['hawk.example.com', 'hawk.internal']);
    for (const rule of rules)
      expect(rule.http.paths).toEqual([
        { path: '/', pathType: 'Prefix', backend: { service: { name: 'hawk-web', port: { name: 'http' } } } },
      ]);
    const variables = env(find(manifests, 'Deployment', 'hawk-server'));
    expect(variables.HAWK_WEB_ORIGIN?.value).toBe('https://hawk.example.com,http://hawk.internal');
    expect(variables.HAWK_ALLOWED_HOSTS?.value?.split(',')).toEqual([
      'hawk.example.com',
      'hawk.internal',
      'hawk-server',
      'hawk-server.hawk',
      'hawk-server.hawk.svc',
      'hawk-server.hawk.svc.cluster.local',
    ]);
    // Without an Ingress: the port-forward address NOTES.txt gives, or the origins set.
    expect(env(find(render(), 'Deployment', 'hawk-server')).HAWK_WEB_ORIGIN?.value).toBe('http://localhost:8080');
    const custom = env(
      find(
        render(['--set', 'web.origins={https://hawk.corp:8443}', '--set', 'server.allowedHosts={hawk.corp}']),
        'Deployment',
        'hawk-server',
      ),
    );
    expect(custom.HAWK_WEB_ORIGIN?.value).toBe('https://hawk.corp:8443');
    expect(custom.HAWK_ALLOWED_HOSTS?.value?.split(',')).toContain('hawk.corp');
  });

  it('runs an optional Redis with a generated password that only the backend pods may reach', () => {
    const manifests = render([...WITH_REDIS]);
    const secret = find(manifests, 'Secret', 'hawk-redis');
    expect(secret.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    const password = Buffer.from(secret.data!.password!, 'base64').toString();
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(Buffer.from(secret.data!.url!, 'base64').toString()).toBe(`redis://:${password}@hawk-redis:6379`);
    // The URL reaches the backend from the Secret, never as a plain value.
    expect(env(find(manifests, 'Deployment', 'hawk-server')).HAWK_REDIS_URL).toEqual({
      name: 'HAWK_REDIS_URL',
      valueFrom: { secretKeyRef: { name: 'hawk-redis', key: 'url' } },
    });
    const redis = container(find(manifests, 'Deployment', 'hawk-redis'));
    expect(redis.args).toEqual(expect.arrayContaining(['--requirepass', '$(REDIS_PASSWORD)']));
    expect(env(find(manifests, 'Deployment', 'hawk-redis')).REDIS_PASSWORD?.valueFrom?.secretKeyRef).toEqual({
      name: 'hawk-redis',
      key: 'password',
    });
    // Pinned: an exact release tag (never a moving one such as 7-alpine), and a digest when given.
    expect(redis.image).toMatch(/^docker\.io\/library\/redis:\d+\.\d+\.\d+-alpine$/);
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(
      container(find(render([...WITH_REDIS, '--set', `redis.image.digest=${digest}`]), 'Deployment', 'hawk-redis'))
        .image,
    ).toMatch(new RegExp(`^docker.io/library/redis:[^@]+@${digest}$`));
    const policy = find(manifests, 'NetworkPolicy', 'hawk-redis');
    expect(policy.spec).toEqual({
      podSelector: {
        matchLabels: {
          'app.kubernetes.io/name': 'hawk',
          'app.kubernetes.io/instance': 'hawk',
          'app.kubernetes.io/component': 'redis',
        },
      },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              podSelector: {
                matchLabels: {
                  'app.kubernetes.io/name': 'hawk',
                  'app.kubernetes.io/instance': 'hawk',
                  'app.kubernetes.io/component': 'server',
                },
              },
            },
          ],
          ports: [{ protocol: 'TCP', port: 6379 }],
        },
      ],
    });
    expect(helmFailure(['template', 'hawk', CHART_DIR, '--set', 'redis.enabled=true'])).toContain('would go unused');
    // Your own Redis: its URL from your Secret.
    const external = env(
      find(
        render(['--set', 'leaderElection.enabled=false', '--set', 'redis.existingUrlSecret.name=my-redis']),
        'Deployment',
        'hawk-server',
      ),
    );
    expect(external.HAWK_REDIS_URL?.valueFrom?.secretKeyRef).toEqual({ name: 'my-redis', key: 'url' });
  });

  it('keeps the generated token in a Secret that survives uninstall, or uses the one given', () => {
    const secret = find(render(), 'Secret', 'hawk-token');
    expect(secret.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    expect(Buffer.from(secret.data!.token!, 'base64').toString()).toMatch(/^[A-Za-z0-9]{40}$/);
    // A second token opens /metrics only, so Prometheus never holds the UI's.
    expect(Buffer.from(secret.data!['metrics-token']!, 'base64').toString()).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(env(find(render(), 'Deployment', 'hawk-server')).HAWK_METRICS_TOKEN?.valueFrom?.secretKeyRef).toEqual({
      name: 'hawk-token',
      key: 'metrics-token',
      optional: true,
    });
    const given = render(['--set', 'auth.existingSecret=mine']);
    expect(given.some((m) => m.kind === 'Secret')).toBe(false);
    expect(env(find(given, 'Deployment', 'hawk-server')).HAWK_TOKEN?.valueFrom?.secretKeyRef).toEqual({
      name: 'mine',
      key: 'token',
    });
  });

  it('passes alerting destinations and extra variables to the containers', () => {
    const manifests = render([
      '--set',
      'alerting.alertmanagerUrl=http://alertmanager.monitoring:9093',
      '--set',
      'alerting.webhookUrlSecret.name=hawk-slack',
      '--set',
      'server.extraEnv[0].name=HAWK_LOG_LEVEL',
      '--set',
      'server.extraEnv[0].value=debug',
      '--set',
      'web.extraEnv[0].name=NODE_OPTIONS',
      '--set',
      'web.extraEnv[0].value=--max-old-space-size=128',
    ]);
    const server = env(find(manifests, 'Deployment', 'hawk-server'));
    expect(server.HAWK_ALERTMANAGER_URL?.value).toBe('http://alertmanager.monitoring:9093');
    expect(server.HAWK_WEBHOOK_URL).toEqual({
      name: 'HAWK_WEBHOOK_URL',
      valueFrom: { secretKeyRef: { name: 'hawk-slack', key: 'url' } },
    });
    expect(server.HAWK_LOG_LEVEL?.value).toBe('debug');
    expect(env(find(manifests, 'Deployment', 'hawk-web')).NODE_OPTIONS?.value).toBe('--max-old-space-size=128');
    const quiet = env(find(render(), 'Deployment', 'hawk-server'));
    expect(quiet.HAWK_ALERTMANAGER_URL).toBeUndefined();
    expect(quiet.HAWK_WEBHOOK_URL).toBeUndefined();
  });

  it('renders the optional ServiceMonitor and PrometheusRule against the backend', () => {
    const manifests = render([
      '--set',
      'metrics.serviceMonitor.enabled=true',
      '--set',
      'metrics.prometheusRule.enabled=true',
    ]);
    const monitor = find(manifests, 'ServiceMonitor', 'hawk');
    expect(monitor.spec?.selector).toEqual({
      matchLabels: {
        'app.kubernetes.io/name': 'hawk',
        'app.kubernetes.io/instance': 'hawk',
        'app.kubernetes.io/component': 'server',
      },
    });
    expect(find(manifests, 'Service', 'hawk-server').metadata.labels).toMatchObject({
      'app.kubernetes.io/component': 'server',
    });
    expect(JSON.stringify(find(manifests, 'PrometheusRule', 'hawk').spec)).toContain('groups');
  });

  it('keeps deploy/manifests/hawk.yaml equal to a fresh render (deploy/scripts/render-manifests.sh)', () => {
    const committed = readFileSync(join(REPO_ROOT, 'deploy', 'manifests', 'hawk.yaml'), 'utf8');
    const fresh = helm([
      'template',
      'hawk',
      CHART_DIR,
      '--namespace',
      'hawk',
      '--set',
      'auth.existingSecret=hawk-token',
    ]);
    const header = committed.slice(0, committed.length - fresh.length);
    expect(committed.endsWith(fresh)).toBe(true);
    expect(
      header
        .split('\n')
        .filter(Boolean)
        .every((line) => line.startsWith('#')),
    ).toBe(true);
    // The plain manifests reference a token Secret the user creates; a rendered one would give everyone the same token.
    expect(
      parseAllDocuments(committed).some((document) => (document.toJS() as Manifest | null)?.kind === 'Secret'),
    ).toBe(false);
  });

  it('ships the same alerting rules in the chart as in deploy/prometheus', () => {
    const chartCopy = readFileSync(join(CHART_DIR, 'files', 'hawk-rules.yaml'), 'utf8');
    const source = readFileSync(join(REPO_ROOT, 'deploy', 'prometheus', 'hawk-rules.yaml'), 'utf8');
    expect(chartCopy).toBe(source);
  });
});

describe('docker-compose.yml (Debian docker-compose)', () => {
  it('validates and wires two replicas to a password-protected Redis, the web to both, the kubeconfig read-only', () => {
    const compose = requireCommand('docker-compose', 'apt-get install docker-compose (scripts/setup.sh does)');
    const text = execFileSync(compose, ['-f', join(REPO_ROOT, 'docker-compose.yml'), 'config'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        HAWK_TOKEN: 'x'.repeat(32),
        HAWK_REDIS_PASSWORD: 'p'.repeat(32),
        KUBECONFIG_FILE: '/dev/null',
      },
    });
    const config = parseAllDocuments(text)[0]!.toJS() as {
      services: Record<string, { environment?: Record<string, string>; volumes?: unknown[]; ports?: unknown[] }>;
    };
    expect(Object.keys(config.services).sort()).toEqual(['redis', 'server-a', 'server-b', 'web']);
    for (const name of ['server-a', 'server-b']) {
      expect(config.services[name]!.environment?.HAWK_REDIS_URL).toBe(`redis://:${'p'.repeat(32)}@redis:6379`);
      expect(config.services[name]!.ports ?? []).toEqual([]);
      expect(JSON.stringify(config.services[name]!.volumes)).toMatch(/\/kube\/config.*(:ro|read_only)/);
    }
    // One published port, the web's, in front of both replicas.
    expect(config.services.web!.environment?.HAWK_API_URL).toBe('http://server-a:4000,http://server-b:4000');
    expect(config.services.redis!.ports ?? []).toEqual([]);
  });
});
