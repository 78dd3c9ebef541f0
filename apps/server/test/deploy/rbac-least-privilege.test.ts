/**
 * The chart's RBAC, proven against the real lab: hawk runs with a token bound to exactly the rendered
 * Roles and ClusterRole, every feature still works, and every write is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { ensureLab, type Lab } from '@hawk/lab';
import { loadEnv } from '../../src/env';
import { createClusterHub } from '../../src/hub/index';
import type { ClusterState } from '@hawk/core';
import { createElector } from '../../src/replication/elector';
import { createLeaseLockFromKubeConfig } from '../../src/replication/lease-lock';
import { CHART_DIR, helm } from './deploy-tools';

// A fresh namespace per run: a previous run's namespace may still be terminating, which refuses new objects.
const NAMESPACE = `hawk-rbac-${Date.now().toString(36)}`;
let lab: Lab;
let admin: KubeConfig;
let applied: KubernetesObject[] = [];

function statusOf(error: unknown): number | undefined {
  const e = error as { code?: number; statusCode?: number; response?: { statusCode?: number } };
  return e.code ?? e.statusCode ?? e.response?.statusCode;
}

async function tokenKubeconfig(): Promise<KubeConfig> {
  const core = admin.makeApiClient(CoreV1Api);
  const request = await core.createNamespacedServiceAccountToken({
    name: 'hawk',
    namespace: NAMESPACE,
    body: { spec: { expirationSeconds: 3600, audiences: [] } } as never,
  });
  if (!request.status?.token) throw new Error('the lab apiserver answered the TokenRequest without a token');
  const cluster = admin.getCurrentCluster()!;
  const restricted = new KubeConfig();
  restricted.loadFromOptions({
    clusters: [
      { name: 'lab', server: cluster.server, caData: cluster.caData, caFile: cluster.caFile, skipTLSVerify: false },
    ],
    users: [{ name: 'hawk', token: request.status?.token ?? '' }],
    contexts: [{ name: 'lab-as-hawk', cluster: 'lab', user: 'hawk' }],
    currentContext: 'lab-as-hawk',
  });
  return restricted;
}

describe('least-privilege RBAC from the Helm chart, against the lab', () => {
  beforeAll(async () => {
    lab = await ensureLab();
    admin = new KubeConfig();
    admin.loadFromFile(lab.env().KUBECONFIG!);
    const objects = admin.makeApiClient(KubernetesObjectApi);
    await admin
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: NAMESPACE } } })
      .catch((error) => {
        if (statusOf(error) !== 409) throw error;
      });
    const rendered = parseAllDocuments(
      helm(['template', 'hawk', CHART_DIR, '--namespace', NAMESPACE, '--show-only', 'templates/rbac.yaml']),
    )
      .map((document) => document.toJS() as KubernetesObject)
      .filter(Boolean);
    applied = rendered.map((object) => ({
      ...object,
      metadata: { ...object.metadata, namespace: object.metadata?.namespace ?? NAMESPACE },
    }));
    for (const object of applied) {
      await objects.create(object).catch(async (error) => {
        if (statusOf(error) === 409) await objects.replace(object);
        else throw error;
      });
    }
  });

  afterAll(async () => {
    if (!admin) return;
    const objects = admin.makeApiClient(KubernetesObjectApi);
    for (const object of applied) await objects.delete(object).catch(() => undefined);
    await admin
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: NAMESPACE })
      .catch(() => undefined);
  });

  it('lets hawk see everything it shows: leases, apiservers, nodes, pods, etcd through /readyz', async () => {
    const kubeconfig = await tokenKubeconfig();
    const hub = createClusterHub({ kubeconfig, env: loadEnv({}) });
    await hub.start();
    try {
      const state = await new Promise<ClusterState>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                "hawk with the chart's RBAC never saw the full control plane; last: " +
                  `${JSON.stringify(hub.list()[0]?.findings.map((f) => f.title))}`,
              ),
            ),
          60_000,
        );
        const check = (candidate: ClusterState) => {
          const holders = candidate.leases
            .filter((lease) => lease.record?.holderIdentity && lease.status === 'held')
            .map((lease) => lease.component);
          if (
            holders.includes('kube-controller-manager') &&
            holders.includes('kube-scheduler') &&
            candidate.apiServers.serving === 3 &&
            candidate.nodes.length === 3 &&
            candidate.pods.length >= 9 &&
            candidate.etcd.source === 'apiserver-readyz'
          ) {
            clearTimeout(timer);
            resolve(candidate);
          }
        };
        hub.onState(check);
        for (const current of hub.list()) check(current);
      });
      expect(state.findings.filter((finding) => finding.component === 'hawk')).toEqual([]);
      expect(state.verdict).toBe('ha-ok');
    } finally {
      await hub.stop();
    }
  });

  it('lets hawk elect its leader with its own Lease, and touch no other Lease', async () => {
    const restricted = await tokenKubeconfig();
    // hawk's own elector and Lease lock, as app.ts builds them for HAWK_LEADER_LEASE, under the chart's token.
    const leadership = createElector(
      createLeaseLockFromKubeConfig(restricted, { namespace: NAMESPACE, name: 'hawk-leader' }),
      { identity: 'hawk-0', leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 1000 },
    );
    await leadership.start();
    try {
      expect(leadership.isLeader()).toBe(true);
      const first = await admin
        .makeApiClient(CoordinationV1Api)
        .readNamespacedLease({ name: 'hawk-leader', namespace: NAMESPACE });
      expect(first.spec?.holderIdentity).toBe('hawk-0');
      // Renewals (update) go through too: the resourceVersion moves and it still leads.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const later = await admin
        .makeApiClient(CoordinationV1Api)
        .readNamespacedLease({ name: 'hawk-leader', namespace: NAMESPACE });
      expect(later.metadata?.resourceVersion).not.toBe(first.metadata?.resourceVersion);
      expect(leadership.isLeader()).toBe(true);
    } finally {
      await leadership.stop();
    }
    const coordination = restricted.makeApiClient(CoordinationV1Api);
    await admin.makeApiClient(CoordinationV1Api).createNamespacedLease({
      namespace: NAMESPACE,
      body: { metadata: { name: 'someone-else' }, spec: { holderIdentity: 'other' } },
    });
    const forbidden: [string, () => Promise<unknown>][] = [
      [
        'update another Lease in its namespace',
        async () =>
          coordination.replaceNamespacedLease({
            name: 'someone-else',
            namespace: NAMESPACE,
            body: { metadata: { name: 'someone-else' }, spec: { holderIdentity: 'hawk' } },
          }),
      ],
      ['delete its own Lease', () => coordination.deleteNamespacedLease({ name: 'hawk-leader', namespace: NAMESPACE })],
      ['list Leases in its namespace', () => coordination.listNamespacedLease({ namespace: NAMESPACE })],
    ];
    for (const [what, write] of forbidden) {
      const outcome = await write().then(
        () => 'allowed',
        (error) => statusOf(error),
      );
      expect(outcome, what).toBe(403);
    }
  });

  it('lets hawk get the ConfigMap kube-system/kubeadm-config, and no other', async () => {
    const core = (await tokenKubeconfig()).makeApiClient(CoreV1Api);
    // Authorization comes before the lookup: 404 (a cluster not set up by kubeadm) means allowed too.
    const outcome = await core.readNamespacedConfigMap({ name: 'kubeadm-config', namespace: 'kube-system' }).then(
      () => 200,
      (error) => statusOf(error),
    );
    expect([200, 404]).toContain(outcome);
    const other = await core.readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace: 'kube-system' }).then(
      () => 200,
      (error) => statusOf(error),
    );
    expect(other).toBe(403);
  });

  it('refuses every write, and reading Secrets, with 403', async () => {
    const kubeconfig = await tokenKubeconfig();
    const coordination = kubeconfig.makeApiClient(CoordinationV1Api);
    const core = kubeconfig.makeApiClient(CoreV1Api);
    const forbidden: [string, () => Promise<unknown>][] = [
      [
        'create a Lease in kube-system',
        () =>
          coordination.createNamespacedLease({
            namespace: 'kube-system',
            body: { metadata: { name: 'hawk-was-here' }, spec: { holderIdentity: 'hawk' } },
          }),
      ],
      [
        'take over the controller-manager Lease',
        () =>
          coordination.patchNamespacedLease({
            name: 'kube-controller-manager',
            namespace: 'kube-system',
            body: [{ op: 'replace', path: '/spec/holderIdentity', value: 'hawk' }],
          }),
      ],
      [
        'delete a control-plane pod',
        () => core.deleteNamespacedPod({ name: `kube-apiserver-${lab.nodes[0]!.name}`, namespace: 'kube-system' }),
      ],
      [
        'label a node',
        () =>
          core.patchNode({
            name: lab.nodes[0]!.name,
            body: [{ op: 'add', path: '/metadata/labels/hawk', value: 'x' }],
          }),
      ],
      ['read a Secret', () => core.listNamespacedSecret({ namespace: 'kube-system' })],
      [
        'read another ConfigMap in kube-system',
        () => core.readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace: 'kube-system' }),
      ],
      ['list ConfigMaps in kube-system', () => core.listNamespacedConfigMap({ namespace: 'kube-system' })],
      [
        'change kubeadm-config',
        () =>
          core.patchNamespacedConfigMap({
            name: 'kubeadm-config',
            namespace: 'kube-system',
            body: [{ op: 'add', path: '/data/hawk', value: 'x' }],
          }),
      ],
      [
        'delete kubeadm-config',
        () => core.deleteNamespacedConfigMap({ name: 'kubeadm-config', namespace: 'kube-system' }),
      ],
    ];
    for (const [what, write] of forbidden) {
      const outcome = await write().then(
        () => 'allowed',
        (error) => statusOf(error),
      );
      expect(outcome, what).toBe(403);
    }
  });
});
