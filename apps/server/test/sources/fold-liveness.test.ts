import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, evaluateCluster, type ControlPlaneNode, type LeaseRecord } from '@hawk/core';
import { ClusterObservationFold } from '../../src/hub/observation-fold';
import type { ComponentHealth } from '../../src/probes/component-health';
import { mapControlPlanePod, type PodObservation } from '../../src/sources/pods';

// Issue 15 through the fold: kubeadm binds the controller-manager's and scheduler's /healthz to
// 127.0.0.1, so hawk's probe from elsewhere is refused by design. That must never read as "down".
const T0 = 1_700_000_000_000;
const KCM = 'kube-controller-manager';

/** A mirror pod as the kubelet reports it, mapped by the real mapper. */
function mirrorPod(
  node: number,
  options: { bind?: string; ready?: boolean; startedAt?: string; restarts?: number } = {},
): PodObservation {
  const raw = {
    metadata: { name: `${KCM}-cp-${node}`, labels: { component: KCM, tier: 'control-plane' } },
    spec: {
      nodeName: `cp-${node}`,
      containers: [{ command: [KCM, `--bind-address=${options.bind ?? '127.0.0.1'}`, '--leader-elect=true'] }],
    },
    status: {
      podIP: `10.0.0.1${node}`,
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
      containerStatuses: [
        {
          restartCount: options.restarts ?? 0,
          state: { running: { startedAt: options.startedAt ?? '2026-12-02T04:00:00Z' } },
        },
      ],
    },
  };
  const mapped = mapControlPlanePod(raw);
  if ('error' in mapped) throw new Error(mapped.error);
  return mapped.value;
}

const node = (n: number): ControlPlaneNode => ({
  name: `cp-${n}`,
  addresses: [`10.0.0.1${n}`],
  zone: null,
  ready: true,
});
const lease: LeaseRecord = {
  namespace: 'kube-system',
  name: KCM,
  holderIdentity: 'cp-1_a',
  acquireTime: null,
  renewTime: 't1',
  leaseDurationSeconds: 15,
  leaseTransitions: 0,
  resourceVersion: '1',
  strategy: null,
};
const refused = (at: number): ComponentHealth => ({ at, live: false, httpStatus: null, error: 'connect ECONNREFUSED' });
const healthy = (at: number): ComponentHealth => ({ at, live: true, httpStatus: 200, error: null });

function world(pods: PodObservation[]) {
  const fold = new ClusterObservationFold(
    {
      identity: { id: 'c', context: 'c', name: 'c', server: 'https://10.0.0.10:6443', labels: {} },
      error: null,
      etcdConfigured: false,
      etcdError: null,
    },
    DEFAULT_CONFIG,
    () => T0,
    T0,
  );
  for (const source of [
    'leases',
    'identity-leases',
    'lease-candidates',
    'endpointslice',
    'pods',
    'nodes',
    'cluster-info',
  ] as const)
    fold.recordFreshness(source, { state: 'live', lastEventAt: T0 });
  fold.sinks.nodes.replace(new Map([1, 2, 3].map((n) => [`cp-${n}`, node(n)])));
  fold.sinks.pods.replace(new Map(pods.map((p) => [p.name, p])));
  fold.sinks.leases.replace(new Map([['kube-system/kube-controller-manager', lease]]));
  const candidates = () => fold.input().leases['kube-system/kube-controller-manager']!.candidates;
  return { fold, candidates };
}

describe("candidate liveness on kubeadm's loopback-bound health ports", () => {
  it('kubeadm as made: never probed, judged by the kubelet: 2 standbys, no single-candidate finding', () => {
    const w = world([1, 2, 3].map((n) => mirrorPod(n)));
    expect(w.fold.componentTargets()).toEqual([]);
    expect(w.candidates().map((c) => [c.live, c.liveBasis])).toEqual([
      [true, 'kubelet-readiness'],
      [true, 'kubelet-readiness'],
      [true, 'kubelet-readiness'],
    ]);
    const state = evaluateCluster(w.fold.input(), null, DEFAULT_CONFIG, T0).state;
    expect(state.leases[0]!.standbys).toHaveLength(2);
    expect(state.findings.map((f) => f.ruleId)).not.toContain('LeaderElectionSingleCandidate');
  });

  it('a kubeadm standby the kubelet reports not Ready is down', () => {
    const w = world([mirrorPod(1), mirrorPod(2, { ready: false }), mirrorPod(3)]);
    expect(w.candidates().map((c) => c.live)).toEqual([true, false, true]);
  });

  it('the mirror pod says 0.0.0.0 but the port refuses from the start: not down (the issue\'s "2 down" false alarm)', () => {
    const w = world([1, 2, 3].map((n) => mirrorPod(n, { bind: '0.0.0.0' })));
    w.fold.recordComponentProbe(`${KCM}-cp-1`, healthy(T0), 'cp-1');
    w.fold.recordComponentProbe(`${KCM}-cp-2`, refused(T0), 'cp-2');
    w.fold.recordComponentProbe(`${KCM}-cp-3`, refused(T0), 'cp-3');
    expect(w.candidates().map((c) => [c.live, c.liveBasis])).toEqual([
      [true, 'health-endpoint'],
      [true, 'kubelet-readiness'],
      [true, 'kubelet-readiness'],
    ]);
    const state = evaluateCluster(w.fold.input(), null, DEFAULT_CONFIG, T0).state;
    expect(state.findings.find((f) => f.ruleId === 'LeaderElectionSingleCandidate')).toBeUndefined();
  });

  it(
    'one that answered and then refuses is down; after a restart (a new container life) its old answer no longer ' +
      'counts',
    () => {
      const w = world([1, 2, 3].map((n) => mirrorPod(n, { bind: '0.0.0.0' })));
      w.fold.recordComponentProbe(`${KCM}-cp-2`, healthy(T0), 'cp-2');
      w.fold.recordComponentProbe(`${KCM}-cp-2`, refused(T0 + 1000), 'cp-2');
      expect(w.candidates()[1]).toMatchObject({ live: false, liveBasis: 'health-endpoint' });
      // The kubelet restarted it (e.g. with kubeadm's 127.0.0.1 binding): a refusal now is not a death.
      w.fold.sinks.pods.upsert(
        `${KCM}-cp-2`,
        mirrorPod(2, { bind: '0.0.0.0', startedAt: '2026-12-02T04:05:00Z', restarts: 1 }),
      );
      w.fold.recordComponentProbe(`${KCM}-cp-2`, refused(T0 + 2000), 'cp-2');
      expect(w.candidates()[1]).toMatchObject({ live: true, liveBasis: 'kubelet-readiness' });
    },
  );
});

describe('distribution in the fold', () => {
  it('kubeadm-config makes it "kubeadm, stacked etcd"; it reaches the judged state', () => {
    const w = world([1, 2, 3].map((n) => mirrorPod(n)));
    expect(w.fold.input().distribution?.name).toBe('static-pods');
    w.fold.sinks.clusterInfo({
      gitVersion: 'v1.36.3',
      apiGroups: ['coordination.k8s.io'],
      kubeadmConfig: { controlPlaneEndpoint: 'lb:6443', etcd: 'local', kubernetesVersion: 'v1.36.3' },
    });
    const state = evaluateCluster(w.fold.input(), null, DEFAULT_CONFIG, T0).state;
    expect(state.distribution).toMatchObject({
      name: 'kubeadm',
      label: 'kubeadm, stacked etcd',
      controlPlaneEndpoint: 'lb:6443',
    });
  });

  it('EKS shows its leader Leases but nothing else: managed, not judged as a broken control plane', () => {
    const w = world([]);
    expect(w.fold.input().controlPlaneHidden).toBe(false);
    w.fold.sinks.clusterInfo({ gitVersion: 'v1.30.9-eks-8cce635', apiGroups: ['apps'], kubeadmConfig: 'forbidden' });
    w.fold.recordApiserverRound();
    const input = w.fold.input();
    expect(input.controlPlaneHidden).toBe(true);
    expect(evaluateCluster(input, null, DEFAULT_CONFIG, T0).state.verdict).toBe('not-visible');
  });
});
