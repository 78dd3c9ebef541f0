/**
 * History that survives a rollout (issue 25 §2): with persistence.enabled the chart's backend is a StatefulSet, and
 * the lab's real apiserver and StatefulSet controller make one PersistentVolumeClaim per replica from it. The default
 * lab has no kubelets (and no storage provisioner): the claims stay Pending and the pods unscheduled; what is proven
 * is that the cluster accepts the objects and claims the volumes, and that helm's upgrade from the default
 * Deployment to the StatefulSet goes through. Run under `flock /tmp/hawk-lab.lock`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, type Lab } from '@hawk/lab';
import { waitUntil } from '@hawk/testkit/web-processes';
import { CHART_DIR, helm } from './deploy-tools';

const NAMESPACE = `hawk-pvc-${Date.now().toString(36)}`;
let lab: Lab;

const get = <T>(path: string) => lab.kubeAny((kube) => kube.json<T>(path));
const exists = async (path: string) => (await lab.kubeAny((kube) => kube.raw(path))).status === 200;
// Its own release name: the RBAC objects outside the namespace are named after the release.
const RELEASE = 'hawk-pvc';
const helmIn = (args: readonly string[]) =>
  helm([...args, '--namespace', NAMESPACE, '--kubeconfig', lab.kubeconfigPath]);

beforeAll(async () => {
  lab = await ensureLab();
}, 600_000);

afterAll(async () => {
  if (!lab) return;
  try {
    helmIn(['uninstall', RELEASE, '--ignore-not-found']);
  } finally {
    await lab
      .kubeAny((kube) => kube.raw(`/api/v1/namespaces/${NAMESPACE}`, { method: 'DELETE' }))
      .catch(() => undefined);
  }
}, 300_000);

interface Claim {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { accessModes: string[]; storageClassName?: string; resources: { requests: { storage: string } } };
}

describe('persistence.enabled on a real apiserver', () => {
  it('replaces the Deployment by a StatefulSet whose controller claims one volume per replica', async () => {
    helmIn(['install', RELEASE, CHART_DIR, '--create-namespace']);
    expect(await exists(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hawk-pvc-server`)).toBe(true);
    const upgraded = helmIn([
      'upgrade',
      RELEASE,
      CHART_DIR,
      '--set',
      'persistence.enabled=true',
      '--set',
      'persistence.size=2Gi',
      '--set',
      'persistence.storageClass=lab-none',
    ]);
    expect(upgraded).toContain('REVISION: 2');
    expect(await exists(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hawk-pvc-server`)).toBe(false);
    const set = await get<{ spec: { replicas: number; serviceName: string } }>(
      `/apis/apps/v1/namespaces/${NAMESPACE}/statefulsets/hawk-pvc-server`,
    );
    expect(set.spec).toMatchObject({ replicas: 2, serviceName: 'hawk-pvc-server' });
    const claims = await waitUntil(
      'the StatefulSet controller creates data-hawk-pvc-server-0 and -1',
      async () => {
        const items = (await get<{ items: Claim[] }>(`/api/v1/namespaces/${NAMESPACE}/persistentvolumeclaims`)).items;
        return items.length >= 2 ? items : undefined;
      },
      120_000,
    );
    expect(claims.map((claim) => claim.metadata.name).sort()).toEqual([
      'data-hawk-pvc-server-0',
      'data-hawk-pvc-server-1',
    ]);
    for (const claim of claims) {
      expect(claim.spec).toMatchObject({
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'lab-none',
        resources: { requests: { storage: '2Gi' } },
      });
      expect(claim.metadata.labels?.['app.kubernetes.io/component']).toBe('server');
    }
    // The web stays a Deployment: it keeps nothing.
    expect(await exists(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hawk-pvc-web`)).toBe(true);
  });
});
