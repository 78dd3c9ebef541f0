/**
 * The chart's objects, validated by a real apiserver (the lab's): every rendered object is created
 * with dryRun=All and fieldValidation=Strict, so an unknown field, a wrong type or an invalid value
 * fails here rather than at an SRE's `helm install`. ServiceMonitor and PrometheusRule are checked
 * against prometheus-operator's own CRDs, installed into the lab first.
 */
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  type KubernetesObject,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { ensureLab } from '@hawk/lab';
import { waitUntil } from '@hawk/testkit/web-processes';
import { describeError } from '../../src/util/describe-error';
import { CHART_DIR, REPO_ROOT, helm, monitoringCrdsDir } from './deploy-tools';

const INSTALL_NAMESPACE = `hawk-install-${Date.now().toString(36)}`;

const NAMESPACE = `hawk-validate-${Date.now().toString(36)}`;
let kubeconfig: KubeConfig;
let kubeconfigPath: string;
// One client, so API discovery is done once for all objects, not once per object.
let paths: ObjectPaths;

/** Exposes the client's discovery-backed URL of an object, which the library keeps protected. */
class ObjectPaths extends KubernetesObjectApi {
  createPath(object: KubernetesObject): Promise<string> {
    return this.specUriPath(object, 'create');
  }
}

interface CreateOutcome {
  readonly status: number;
  readonly message: string;
}

/**
 * POSTs the object as it is, bypassing the typed client's serializer (which drops schema keys such
 * as `x-kubernetes-int-or-string` from CRDs). With `dryRun`, the apiserver validates with strict
 * fields and stores nothing.
 */
async function createRaw(object: KubernetesObject, { dryRun }: { dryRun: boolean }): Promise<CreateOutcome> {
  const path = await paths.createPath(object);
  const url = new URL(`${kubeconfig.getCurrentCluster()!.server}${path}`);
  url.searchParams.set('fieldValidation', 'Strict');
  if (dryRun) url.searchParams.set('dryRun', 'All');
  const options: Parameters<typeof request>[1] = {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
  };
  await kubeconfig.applyToHTTPSOptions(options as Parameters<KubeConfig['applyToHTTPSOptions']>[0]);
  return new Promise((resolve, reject) => {
    const call = request(url, options, (response) => {
      let body = '';
      response
        .setEncoding('utf8')
        .on('data', (chunk: string) => (body += chunk))
        .on('end', () => {
          const status = response.statusCode ?? 0;
          resolve({
            status,
            message: status < 300 ? 'ok' : ((JSON.parse(body) as { message?: string }).message ?? body),
          });
        });
    });
    call.on('error', reject);
    call.end(JSON.stringify(object));
  });
}

const strictDryRunCreate = (object: KubernetesObject) => createRaw(object, { dryRun: true });

function parseObjects(text: string): KubernetesObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as KubernetesObject | null)
    .filter((object): object is KubernetesObject => !!object?.kind);
}

/** Puts namespaced objects the chart leaves unplaced into the test namespace; cluster-scoped ones stay as they are. */
function placed(objects: readonly KubernetesObject[]): KubernetesObject[] {
  const clusterScoped = new Set(['ClusterRole', 'ClusterRoleBinding', 'Namespace']);
  return objects.map((object) =>
    clusterScoped.has(object.kind!) || object.metadata?.namespace
      ? object
      : { ...object, metadata: { ...object.metadata, namespace: NAMESPACE } },
  );
}

/**
 * Runs one step of the set-up, so a failure names the step and its cause: a refused connection can
 * surface as an AggregateError whose own message is empty, which vitest would report as nothing.
 */
async function setUpStep<T>(step: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new Error(`set-up failed to ${step}: ${describeError(error)}`, { cause: error });
  }
}

async function installMonitoringCrds(): Promise<void> {
  const extensions = kubeconfig.makeApiClient(ApiextensionsV1Api);
  const directory = monitoringCrdsDir();
  for (const file of ['monitoring.coreos.com_servicemonitors.yaml', 'monitoring.coreos.com_prometheusrules.yaml']) {
    const crd = parseObjects(readFileSync(join(directory, file), 'utf8'))[0] as V1CustomResourceDefinition;
    const name = crd.metadata!.name!;
    // A lab just brought up may still refuse connections at its load balancer: retried, the last error kept.
    const created = await waitUntil(
      `the lab's apiserver to answer the creation of CRD ${name}`,
      () => createRaw(crd, { dryRun: false }),
      30_000,
    );
    if (created.status >= 300 && created.status !== 409)
      throw new Error(`the lab refused CRD ${name}: ${created.status} ${created.message}`);
    let lastConditions = 'none read yet';
    await waitUntil(
      `CRD ${name} to be Established`,
      async () => {
        const conditions = (await extensions.readCustomResourceDefinition({ name })).status?.conditions ?? [];
        lastConditions =
          conditions
            .map(
              (condition) => `${condition.type}=${condition.status}${condition.reason ? ` (${condition.reason})` : ''}`,
            )
            .join(', ') || 'no conditions';
        return (
          conditions.some((condition) => condition.type === 'Established' && condition.status === 'True') || undefined
        );
      },
      30_000,
      () => `last conditions seen: ${lastConditions}`,
    );
  }
}

describe('chart and plain manifests, validated by the lab apiserver (dry run, strict fields)', () => {
  beforeAll(async () => {
    const lab = await setUpStep('bring the lab up', () => ensureLab());
    kubeconfigPath = lab.env().KUBECONFIG!;
    kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(kubeconfigPath);
    paths = kubeconfig.makeApiClient(ObjectPaths);
    await setUpStep("install prometheus-operator's CRDs into the lab", installMonitoringCrds);
    const core = kubeconfig.makeApiClient(CoreV1Api);
    await setUpStep(`create namespace ${NAMESPACE}`, () =>
      core.createNamespace({ body: { metadata: { name: NAMESPACE } } }),
    );
  });

  afterAll(async () => {
    if (!kubeconfig) return;
    try {
      helm([
        'uninstall',
        'hawk-it',
        '--namespace',
        INSTALL_NAMESPACE,
        '--kubeconfig',
        kubeconfigPath,
        '--ignore-not-found',
      ]);
    } finally {
      const core = kubeconfig.makeApiClient(CoreV1Api);
      for (const name of [NAMESPACE, INSTALL_NAMESPACE]) await core.deleteNamespace({ name }).catch(() => undefined);
    }
  });

  it('accepts every object of the chart with all options on', async () => {
    const rendered = helm([
      'template',
      'hawk',
      CHART_DIR,
      '--namespace',
      NAMESPACE,
      '--set',
      'ingress.enabled=true',
      '--set',
      'metrics.serviceMonitor.enabled=true',
      '--set',
      'metrics.prometheusRule.enabled=true',
      '--set',
      'etcd.clientCertSecret=etcd-client',
      '--set',
      'etcd.endpoints={https://10.0.0.11:2379}',
      '--set',
      'extraKubeconfigSecret=other-clusters',
      '--set',
      'history.databaseUrlSecret=hawk-postgres',
      '--set',
      'ingress.hosts={hawk.example.com,hawk.internal}',
      '--set',
      'ingress.tls[0].secretName=hawk-tls',
      '--set',
      'ingress.tls[0].hosts={hawk.example.com}',
      '--set',
      'alerting.alertmanagerUrl=http://alertmanager.monitoring:9093',
      '--set',
      'alerting.webhookUrlSecret.name=hawk-slack',
      '--set',
      'server.extraEnv[0].name=HAWK_LOG_LEVEL',
      '--set',
      'server.extraEnv[0].value=debug',
    ]);
    // Redis, the lock when leaderElection is off (the chart refuses it beside the Lease).
    const withRedis = helm([
      'template',
      'hawk',
      CHART_DIR,
      '--namespace',
      NAMESPACE,
      '--show-only',
      'templates/redis.yaml',
      '--set',
      'leaderElection.enabled=false',
      '--set',
      'redis.enabled=true',
      '--set',
      `redis.image.digest=sha256:${'0'.repeat(64)}`,
    ]);
    const objects = placed([...parseObjects(rendered), ...parseObjects(withRedis)]);
    expect(objects.map((object) => object.kind)).toEqual(
      expect.arrayContaining([
        'Deployment',
        'Service',
        'Secret',
        'Ingress',
        'ServiceMonitor',
        'PrometheusRule',
        'PodDisruptionBudget',
        'Role',
        'ClusterRole',
        'NetworkPolicy',
      ]),
    );
    const refused: string[] = [];
    for (const object of objects) {
      const outcome = await strictDryRunCreate(object);
      if (outcome.status >= 300)
        refused.push(`${object.kind}/${object.metadata?.name}: ${outcome.status} ${outcome.message}`);
    }
    expect(refused).toEqual([]);
  });

  it('accepts every object of deploy/manifests/hawk.yaml', async () => {
    // The file is rendered for namespace `hawk`; validate it in the test namespace instead.
    const inTestNamespace = parseObjects(readFileSync(join(REPO_ROOT, 'deploy', 'manifests', 'hawk.yaml'), 'utf8')).map(
      (object) =>
        object.metadata?.namespace === 'hawk'
          ? { ...object, metadata: { ...object.metadata, namespace: NAMESPACE } }
          : object,
    );
    const objects = placed(inTestNamespace);
    expect(objects.length).toBeGreaterThan(10);
    const outcomes = await Promise.all(
      objects.map(
        async (object) => `${object.kind}/${object.metadata?.name}: ${(await strictDryRunCreate(object)).message}`,
      ),
    );
    expect(outcomes.filter((outcome) => !outcome.endsWith(': ok'))).toEqual([]);
  });

  it('refuses a misspelt field the same way, so the checks above can fail', async () => {
    const deployment = placed(
      parseObjects(readFileSync(join(REPO_ROOT, 'deploy', 'manifests', 'hawk.yaml'), 'utf8')),
    ).find((object) => object.kind === 'Deployment' && object.metadata?.name === 'hawk-server')!;
    const misspelt = {
      ...deployment,
      spec: { ...(deployment as { spec: object }).spec, replicass: 2 },
    } as KubernetesObject;
    const outcome = await strictDryRunCreate(misspelt);
    expect(outcome.status).toBe(400);
    expect(outcome.message).toContain('replicass');
  });

  it('installs into the lab with helm, and an upgrade keeps the generated token and Redis password', async () => {
    // The lab has no kubelets: the pods stay Pending; what is proven is what helm and the apiserver do.
    const sets = [
      '--set',
      'leaderElection.enabled=false',
      '--set',
      'redis.enabled=true',
      '--set',
      'ingress.enabled=true',
    ];
    const installed = helm([
      'install',
      'hawk-it',
      CHART_DIR,
      '--namespace',
      INSTALL_NAMESPACE,
      '--create-namespace',
      '--kubeconfig',
      kubeconfigPath,
      ...sets,
    ]);
    // NOTES.txt: how to reach hawk and how to read the token.
    expect(installed).toContain('http://hawk.example.internal');
    expect(installed).toContain(
      `kubectl -n ${INSTALL_NAMESPACE} get secret hawk-it-token -o jsonpath='{.data.token}' | base64 -d`,
    );
    const core = kubeconfig.makeApiClient(CoreV1Api);
    const read = async () => ({
      token: (await core.readNamespacedSecret({ name: 'hawk-it-token', namespace: INSTALL_NAMESPACE })).data?.token,
      redis: (await core.readNamespacedSecret({ name: 'hawk-it-redis', namespace: INSTALL_NAMESPACE })).data,
    });
    const first = await read();
    expect(first.token).toBeTruthy();
    expect(first.redis?.password).toBeTruthy();
    const upgraded = helm([
      'upgrade',
      'hawk-it',
      CHART_DIR,
      '--namespace',
      INSTALL_NAMESPACE,
      '--kubeconfig',
      kubeconfigPath,
      ...sets,
    ]);
    expect(upgraded).toContain('REVISION: 2');
    expect(await read()).toEqual(first);
    // A render without the cluster draws new values: the equality above is the lookup at work.
    const rendered = parseObjects(helm(['template', 'hawk-it', CHART_DIR, '--namespace', INSTALL_NAMESPACE, ...sets]));
    expect(
      (
        rendered.find((object) => object.kind === 'Secret' && object.metadata?.name === 'hawk-it-token') as {
          data?: { token?: string };
        }
      ).data?.token,
    ).not.toBe(first.token);
    // Uninstall leaves the token behind (helm.sh/resource-policy: keep), so a reinstall keeps clients working.
    helm(['uninstall', 'hawk-it', '--namespace', INSTALL_NAMESPACE, '--kubeconfig', kubeconfigPath]);
    expect((await core.readNamespacedSecret({ name: 'hawk-it-token', namespace: INSTALL_NAMESPACE })).data?.token).toBe(
      first.token,
    );
    await expect(
      core.readNamespacedService({ name: 'hawk-it-server', namespace: INSTALL_NAMESPACE }),
    ).rejects.toThrow();
  });
});
