import { describe, expect, it } from 'vitest';
import type { ClusterState } from '@hawk/core';
import { aboveInfo, steady, useLabHub } from '@hawk/testkit/lab-hub';

// Issue 15 on the real lab: hawk reads /version, the API groups and kube-system/kubeadm-config, names the
// distribution, and judges every controller-manager and scheduler standby by what it can observe
// (its own /healthz, else the kubelet's readiness of its mirror pod), never "down" for a port out of reach.
const LEADER_LEASES = ['kube-controller-manager', 'kube-scheduler'];
const detected = (state: ClusterState) =>
  steady(state) &&
  state.sources['cluster-info']?.state === 'live' &&
  state.distribution !== undefined &&
  state.distribution.name !== 'unknown';

describe('distribution and standby liveness on the lab', () => {
  const h = useLabHub(detected, 'steady state with the distribution detected');

  it('names the distribution from kubeadm-config (or its absence) and says what is not visible', async () => {
    const kubeadmConfig = await h.lab.kubeAny((kube) =>
      kube.raw('/api/v1/namespaces/kube-system/configmaps/kubeadm-config'),
    );
    const state = h.state();
    console.log(`[distribution] ${state.distribution?.label}; evidence: ${state.distribution?.evidence.join('; ')}`);
    expect(state.etcd.topology).toBe('stacked');
    if (kubeadmConfig.status === 200) {
      // A kubeadm-made lab: its ClusterConfiguration says local etcd and the load balancer's endpoint.
      expect(state.distribution).toMatchObject({
        name: 'kubeadm',
        label: 'kubeadm, stacked etcd',
        controlPlane: 'static-pods',
        etcd: 'stacked',
      });
      expect(state.distribution?.controlPlaneEndpoint).toMatch(/:6443$/);
    } else {
      expect(kubeadmConfig.status).toBe(404);
      expect(state.distribution).toMatchObject({
        name: 'static-pods',
        label: 'static control-plane pods, stacked etcd',
      });
      expect(state.distribution?.evidence).toContain('there is no kube-system/kubeadm-config');
    }
    expect(state.distribution?.notVisible.join(' ')).toMatch(/127\.0\.0\.1/);
  });

  it('steady state: ha-ok, 2 standbys per lease, every candidate live by what hawk can observe, nothing above info', () => {
    const state = h.state();
    const standbys = state.leases.map(
      (l) => `${l.name}: ${l.standbys.length} (${l.candidates.map((c) => c.liveBasis).join(', ')})`,
    );
    console.log(`[standbys] ${standbys.join('; ')}`);
    expect(state.verdict).toBe('ha-ok');
    expect(aboveInfo(state)).toEqual([]);
    for (const name of LEADER_LEASES) {
      const lease = state.leases.find((l) => l.name === name)!;
      expect(lease.standbys, name).toHaveLength(2);
      expect(lease.candidates, name).toHaveLength(3);
      for (const candidate of lease.candidates) {
        expect(candidate.live, `${candidate.identity}: ${candidate.liveNote}`).toBe(true);
        // A loopback-bound health port (kubeadm's default) is judged by the kubelet; a reachable one by itself.
        const pod = state.pods.find((p) => p.name === candidate.identity);
        expect(['health-endpoint', 'kubelet-readiness', 'lease-candidate']).toContain(candidate.liveBasis);
        if (pod?.ready === true && candidate.liveBasis === 'kubelet-readiness')
          expect(candidate.liveNote).toMatch(/kubelet reports its mirror pod Ready/);
      }
    }
  });
});
