import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import { evaluateCluster } from '../evaluate';
import { setLeaseCandidates } from '../lease/candidates';
import type { ClusterInput } from '../model/cluster';
import type { LeaseCandidate } from '../model/lease';
import { aFullHaCluster } from '../testing/index';
import { componentLiveness, type ComponentLivenessInput } from './component-liveness';
import { detectDistribution } from './detect';

const LOOPBACK = '--bind-address=127.0.0.1: health endpoint only reachable on the node';
const REFUSED = { live: false, httpStatus: null, error: 'connect ECONNREFUSED 10.0.0.12:10257' } as const;

/** Pod-derived candidates on cp-1..3, each judged by componentLiveness from what hawk observes of it. */
function withPodCandidates(
  input: ClusterInput,
  observe: (node: number) => Partial<ComponentLivenessInput>,
): ClusterInput {
  const leases = Object.fromEntries(
    Object.entries(input.leases).map(([key, track]) => {
      const candidates = [1, 2, 3].map((i): LeaseCandidate => {
        const judged = componentLiveness({
          unprobeable: null,
          probe: null,
          answeredSinceStart: false,
          podReady: null,
          nodeReady: true,
          ...observe(i),
        });
        return {
          identity: `${track.component}-cp-${i}`,
          node: `cp-${i}`,
          source: 'pod',
          observedRenewAt: null,
          live: judged.live,
          liveBasis: judged.basis,
          liveNote: judged.note,
        };
      });
      return [key, setLeaseCandidates(track, candidates, 'pod')];
    }),
  );
  return { ...input, leases };
}

/** The builder's clock starts at 2026-01-01. */
const judge = (input: ClusterInput) => evaluateCluster(input, null, DEFAULT_CONFIG, Date.UTC(2026, 0, 1)).state;

describe("kubeadm's defaults: controller-manager and scheduler health bound to 127.0.0.1", () => {
  it('steady state is ha-ok with 2 standbys per lease, nothing above info (mirror pods Ready)', () => {
    const state = judge(withPodCandidates(aFullHaCluster().build(), () => ({ unprobeable: LOOPBACK, podReady: true })));
    expect(state.verdict).toBe('ha-ok');
    for (const lease of state.leases) {
      expect(lease.standbys).toHaveLength(2);
      expect(lease.candidates.every((c) => c.live === true && c.liveBasis === 'kubelet-readiness')).toBe(true);
    }
    expect(state.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('the issue\'s false alarm: health ports refused from the start, pods Ready → no "2 down", no spof', () => {
    const state = judge(
      withPodCandidates(aFullHaCluster().build(), (i) =>
        i === 1
          ? { probe: { live: true, httpStatus: 200, error: null }, answeredSinceStart: true, podReady: true }
          : { probe: REFUSED, podReady: true },
      ),
    );
    expect(state.verdict).toBe('ha-ok');
    expect(state.findings.find((f) => f.ruleId === 'LeaderElectionSingleCandidate')).toBeUndefined();
    expect(state.leases.every((l) => l.standbys.length === 2)).toBe(true);
  });

  it('without readiness either, the standbys are "not observable from here", never down', () => {
    const state = judge(withPodCandidates(aFullHaCluster().build(), () => ({ unprobeable: LOOPBACK })));
    expect(state.verdict).toBe('ha-ok');
    expect(
      state.leases.flatMap((l) => l.candidates).every((c) => c.live === null && c.liveBasis === 'not-observable'),
    ).toBe(true);
  });

  it('two standbys the kubelet reports not Ready are down: single candidate, spof', () => {
    const state = judge(
      withPodCandidates(aFullHaCluster().build(), (i) => ({ unprobeable: LOOPBACK, podReady: i === 1 })),
    );
    expect(state.verdict).toBe('spof');
    const finding = state.findings.find(
      (f) => f.ruleId === 'LeaderElectionSingleCandidate' && f.subject === 'kube-system/kube-controller-manager',
    );
    expect(finding?.title).toBe('1 live candidate for kube-controller-manager (2 down): no standby to take over');
  });

  it('a standby that answered and stopped is down even while its mirror pod still says Ready', () => {
    const state = judge(
      withPodCandidates(aFullHaCluster().build(), (i) =>
        i === 1 ? { podReady: true } : { probe: REFUSED, answeredSinceStart: true, podReady: true },
      ),
    );
    expect(state.verdict).toBe('spof');
  });
});

describe('OpenShift: a stale kube-system/kube-scheduler Lease', () => {
  it('is not a failure there, and is one elsewhere', () => {
    const input = aFullHaCluster().withLease('kube-scheduler', { holder: 0 }).build();
    const openshift = detectDistribution({
      info: { gitVersion: 'v1.31.6', apiGroups: ['config.openshift.io'], kubeadmConfig: 'absent' },
      nodes: [],
      pods: [],
      leases: [],
      etcdTopology: 'unknown',
      controlPlaneHidden: false,
    });
    expect(judge(input).findings.map((f) => f.ruleId)).toContain('LeaderElectionNoHolder');
    const state = judge({ ...input, distribution: openshift });
    expect(state.findings.map((f) => f.ruleId)).not.toContain('LeaderElectionNoHolder');
    expect(state.distribution?.label).toBe('OpenShift');
  });
});
