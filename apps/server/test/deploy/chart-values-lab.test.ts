/**
 * The chart with every standard key set (deploy/helm/hawk/ci/all-keys-values.yaml) installs and rolls out on a
 * kubeadm-made lab with worker nodes (issue 25 §2): the kubelets run the pods with the PriorityClass, the spread
 * constraints, the per-component node selectors and tolerations, the pod security context without fsGroup, the
 * extra volumes and envFrom the file sets. What each key renders to is chart-values.test.ts's; this is the cluster
 * accepting and running it. Run under `flock /tmp/hawk-lab.lock`: it replaces the default lab with the kubeadm one
 * and puts the default back.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureLab, ensureWorkers, hawkInstall, hawkUninstall, type HawkInstallResult, type Lab } from '@hawk/lab';
import { CHART_DIR, monitoringCrdsDir } from './deploy-tools';

const log = (line: string) => console.log(`[chart-values-lab] ${line}`);
const NAMESPACE = 'hawk-values';
const ALL_KEYS = join(CHART_DIR, 'ci', 'all-keys-values.yaml');

let lab: Lab;
let installed: HawkInstallResult;

const create = (collection: string, name: string, object: unknown) =>
  lab.kubeAny((kube) => kube.createIfAbsent(collection, name, object));

interface Pod {
  metadata: { name: string; labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    priorityClassName?: string;
    priority?: number;
    nodeName?: string;
    securityContext?: Record<string, unknown>;
    tolerations?: { key?: string }[];
    nodeSelector?: Record<string, string>;
    topologySpreadConstraints?: unknown[];
    imagePullSecrets?: { name: string }[];
    volumes: { name: string; configMap?: { name: string } }[];
    containers: { name: string; envFrom?: unknown[]; volumeMounts?: { name: string; mountPath: string }[] }[];
  };
  status: { conditions?: { type: string; status: string }[] };
}

beforeAll(async () => {
  lab = await ensureLab({ profile: 'kubeadm' }, { onProgress: (line) => log(`lab: ${line}`) });
  await ensureWorkers(lab, 2, (line) => log(`workers: ${line}`));
  await hawkUninstall(lab, 'hawk', NAMESPACE);
  await lab.waitFor(async () => (await lab.kube().raw(`/api/v1/namespaces/${NAMESPACE}`)).status === 404, 120_000, {
    description: `namespace ${NAMESPACE} gone`,
  });
  // What the values file names and a cluster provides: the monitoring CRDs, a PriorityClass, the ConfigMaps.
  const crds = monitoringCrdsDir();
  for (const file of readdirSync(crds).filter((name) => /servicemonitors|prometheusrules/.test(name))) {
    const crd = parse(readFileSync(join(crds, file), 'utf8')) as { metadata: { name: string } };
    await create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd.metadata.name, crd);
  }
  await create('/apis/scheduling.k8s.io/v1/priorityclasses', 'hawk-ci', {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'hawk-ci' },
    value: 1000,
  });
  await create('/api/v1/namespaces', NAMESPACE, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  for (const [name, data] of [
    ['hawk-ci-env', { HAWK_CI_FROM_ENV_FROM: 'yes' }],
    ['hawk-ci-config', { 'hawk.yaml': '# mounted by extraVolumes\n' }],
  ] as const)
    await create(`/api/v1/namespaces/${NAMESPACE}/configmaps`, name, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name },
      data,
    });
  installed = await hawkInstall(lab, {
    namespace: NAMESPACE,
    source: 'head',
    valuesFiles: [ALL_KEYS],
    onProgress: log,
  });
  log(`helm install → rolled out in ${((installed.rolledOutAt - installed.helmStartedAt) / 1000).toFixed(1)}s`);
}, 2_400_000);

afterAll(async () => {
  if (!lab) return;
  await hawkUninstall(lab, 'hawk', NAMESPACE).catch((error: Error) => log(`uninstall: ${error.message}`));
  await lab
    .kubeAny((kube) => kube.raw('/apis/scheduling.k8s.io/v1/priorityclasses/hawk-ci', { method: 'DELETE' }))
    .catch(() => undefined);
  await ensureWorkers(lab, 0);
  await ensureLab();
}, 600_000);

describe('the chart with every standard key set, on a lab with kubelets', () => {
  it('rolls out every pod Ready with the keys applied by the cluster', async () => {
    const pods = (
      await lab
        .kube()
        .json<{ items: Pod[] }>(
          `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app.kubernetes.io%2Finstance%3Dhawk`,
        )
    ).items;
    const byComponent = (component: string) =>
      pods.filter((pod) => pod.metadata.labels['app.kubernetes.io/component'] === component);
    expect(byComponent('server')).toHaveLength(2);
    expect(byComponent('web')).toHaveLength(2);
    for (const pod of pods) {
      const where = pod.metadata.name;
      expect(
        pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        where,
      ).toBe(true);
      expect(pod.metadata.labels, where).toMatchObject({ team: 'platform', 'example.com/tier': 'monitoring' });
      expect(pod.metadata.annotations?.['example.com/scraped-by'], where).toBe('hawk-ci');
      // The admission controller resolved the PriorityClass to its value.
      expect([pod.spec.priorityClassName, pod.spec.priority], where).toEqual(['hawk-ci', 1000]);
      expect(pod.spec.securityContext, where).not.toHaveProperty('fsGroup');
      expect(pod.spec.securityContext, where).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(pod.spec.topologySpreadConstraints, where).toHaveLength(1);
      expect(pod.spec.imagePullSecrets, where).toEqual([{ name: 'hawk-ci-pull' }]);
      expect(pod.spec.containers[0]!.envFrom, where).toEqual([{ configMapRef: { name: 'hawk-ci-env' } }]);
    }
    for (const pod of byComponent('server')) {
      expect(pod.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
      expect(pod.spec.tolerations?.map((t) => t.key)).toContain('example.com/dedicated');
      expect(pod.spec.volumes).toContainEqual(
        expect.objectContaining({ name: 'config', configMap: expect.objectContaining({ name: 'hawk-ci-config' }) }),
      );
      expect(pod.spec.containers[0]!.volumeMounts).toContainEqual(
        expect.objectContaining({ name: 'config', mountPath: '/etc/hawk/config' }),
      );
    }
    for (const pod of byComponent('web')) expect(pod.spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64' });
    const account = await lab
      .kube()
      .json<{ metadata: { annotations?: Record<string, string> } }>(
        `/api/v1/namespaces/${NAMESPACE}/serviceaccounts/hawk`,
      );
    expect(account.metadata.annotations?.['example.com/role']).toBe('hawk-reader');
    const monitor = await lab
      .kube()
      .json<{ metadata: { labels: Record<string, string> } }>(
        `/apis/monitoring.coreos.com/v1/namespaces/${NAMESPACE}/servicemonitors/hawk`,
      );
    expect(monitor.metadata.labels.release).toBe('kps');
  });
});
