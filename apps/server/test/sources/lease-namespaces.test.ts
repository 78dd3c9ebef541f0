import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoordinationV1Api, CoreV1Api, KubeConfig, V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import type { ClusterState, LeaseView } from '@hawk/core';
import { ensureLab, type Lab } from '@hawk/lab';
import { loadEnv } from '../../src/env';
import { createClusterHub, type SourcesHub } from '../../src/hub/index';

// Leader-election Leases beyond kube-system (issue 18), opt-in with HAWK_LEASE_NAMESPACES. The test
// plays cert-manager's controller: it writes and renews a Lease in a namespace of its own; hawk only reads.
// A fresh namespace per run: a previous run's namespace may still be terminating, which refuses new objects.
const NAMESPACE = `hawk-leases-${Date.now().toString(36)}`;
const LEASE = 'cert-manager-controller';
const HOLDER = 'cert-manager-7d9f8b6c5-x2x4q_4f1e9c7a-2b1d-4c3e-9f8a-1b2c3d4e5f60';
const DURATION_S = 6;
const RENEW_EVERY_MS = 1000;

let lab: Lab;
let admin: KubeConfig;
let leases: CoordinationV1Api;
let hub: SourcesHub | undefined;
let renewer: NodeJS.Timeout | undefined;

const microTime = () => new V1MicroTime(Date.now());
const lease = (name: string, spec: V1Lease['spec'], labels?: Record<string, string>): V1Lease => ({
  metadata: { name, namespace: NAMESPACE, ...(labels ? { labels } : {}) },
  spec,
});

async function until(
  description: string,
  predicate: (state: ClusterState) => boolean,
  timeoutMs = 45_000,
): Promise<ClusterState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = hub!.list()[0]!;
    if (predicate(state)) return state;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${description}; leases: ` +
          `${JSON.stringify(state.leases.map((l) => [l.component, l.status, l.record?.holderIdentity]))}; ` +
          `sources: ${JSON.stringify(state.sources)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const theirs = (state: ClusterState): LeaseView | undefined =>
  state.leases.find((l) => l.namespace === NAMESPACE && l.name === LEASE);

describe('leader-election Leases in an opted-in namespace, on the lab', () => {
  beforeAll(async () => {
    lab = await ensureLab();
    admin = new KubeConfig();
    admin.loadFromFile(lab.kubeconfigPath);
    leases = admin.makeApiClient(CoordinationV1Api);
    await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NAMESPACE } } });
    const now = microTime();
    const spec = { holderIdentity: HOLDER, leaseDurationSeconds: DURATION_S, acquireTime: now, leaseTransitions: 0 };
    await leases.createNamespacedLease({ namespace: NAMESPACE, body: lease(LEASE, { ...spec, renewTime: now }) });
    // Someone else's election under a control-plane name, and a heartbeat: neither may pass for kube-system's.
    await leases.createNamespacedLease({
      namespace: NAMESPACE,
      body: lease('kube-scheduler', { holderIdentity: 'operator-0', leaseDurationSeconds: 3600, renewTime: now }),
    });
    await leases.createNamespacedLease({
      namespace: NAMESPACE,
      body: lease(
        'apiserver-heartbeat',
        { holderIdentity: 'apiserver-x', leaseDurationSeconds: 3600, renewTime: now },
        { 'apiserver.kubernetes.io/identity': 'kube-apiserver' },
      ),
    });
    renewer = setInterval(() => {
      void leases
        .replaceNamespacedLease({
          name: LEASE,
          namespace: NAMESPACE,
          body: lease(LEASE, { ...spec, renewTime: microTime() }),
        })
        .catch(() => undefined);
    }, RENEW_EVERY_MS);
    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(lab.kubeconfigPath);
    hub = createClusterHub({
      env: loadEnv({ ...lab.env(), HAWK_CONFIG: '', HAWK_CONTEXTS: '', HAWK_LEASE_NAMESPACES: NAMESPACE }),
      kubeconfig,
      probeIntervalMs: 1000,
    });
    await hub.start();
  });

  afterAll(async () => {
    clearInterval(renewer);
    await hub?.stop();
    await admin
      ?.makeApiClient(CoreV1Api)
      .deleteNamespace({ name: NAMESPACE })
      .catch(() => undefined);
  });

  it('lists the Lease under its own name with its holder, held while renewed and expired once renewals stop', async () => {
    const held = await until(
      `${NAMESPACE}/${LEASE} held by its holder`,
      (state) => theirs(state)?.status === 'held' && theirs(state)?.record?.holderIdentity === HOLDER,
    );
    expect(theirs(held)?.component).toBe(`${NAMESPACE}/${LEASE}`);
    // Not mislabelled: kube-system's own components are still the control plane's, each listed once.
    const components = held.leases.map((l) => l.component);
    expect(components.filter((c) => c === 'kube-scheduler')).toHaveLength(1);
    expect(held.leases.find((l) => l.component === 'kube-scheduler')?.namespace).toBe('kube-system');
    expect(components).toContain(`${NAMESPACE}/kube-scheduler`);
    // An identity heartbeat is never a leader, whatever its namespace.
    expect(held.leases.some((l) => l.name === 'apiserver-heartbeat')).toBe(false);
    // Its findings, if any, are a generic leader election's, never kube-scheduler's or kube-controller-manager's.
    for (const finding of held.findings.filter((f) => f.subject?.includes(NAMESPACE)))
      expect(finding.component).toBe('leader-election');

    clearInterval(renewer);
    const stoppedAt = Date.now();
    const expired = await until(
      `${NAMESPACE}/${LEASE} expired after renewals stopped`,
      (state) => theirs(state)?.status === 'expired',
      DURATION_S * 1000 + 30_000,
    );
    // Judged by hawk's clock from its last observed renewal: not before the lease's duration ran out.
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(DURATION_S * 1000 - RENEW_EVERY_MS);
    expect(theirs(expired)?.record?.holderIdentity).toBe(HOLDER);
  });
});
