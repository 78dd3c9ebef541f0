import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterState, DistributionName } from '@hawk/core';
import { ensureLab, type LabProfile } from '@hawk/lab';
import { aboveInfo, type LabHub, startLabHub } from '@hawk/testkit/lab-hub';

// Issue 15: each shaped lab profile (kubeadm itself is covered by the other lab tests under HAWK_LAB_PROFILE) brought
// up once,
// hawk started on it, and its steady state judged: the distribution it shows, and no finding above info.
// One bring-up per profile (each replaces the shared lab; afterAll puts the default back).
const LEADER_LEASES = ['kube-controller-manager', 'kube-scheduler'];
const STEADY_DEADLINE_MS = 90_000;
/** ensureLab's own deadline for a lab to become ready (lifecycle's default), plus replacing the one running. */
const BRING_UP_MS = 270_000;

interface Expectation {
  readonly profile: LabProfile;
  readonly distribution: DistributionName;
  readonly label: string;
  /** What is true of hawk's steady state on this profile, beyond the distribution and nothing above info. */
  readonly steady: (state: ClusterState) => boolean;
  readonly check: (state: ClusterState) => void;
}

const leaseOf = (state: ClusterState, name: string) => state.leases.find((l) => l.name === name);
const allServing = (state: ClusterState) => state.reachability.state === 'reachable' && state.apiServers.serving === 3;

const PROFILES: readonly Expectation[] = [
  {
    // kubeadm with controller-manager and scheduler on 0.0.0.0: each candidate's own /healthz is probed.
    profile: 'kubeadm-bind-all',
    distribution: 'kubeadm',
    label: 'kubeadm, stacked etcd',
    steady: (s) =>
      allServing(s) &&
      s.etcd.quorum.healthy === 3 &&
      LEADER_LEASES.every(
        (n) =>
          leaseOf(s, n)?.standbys.length === 2 &&
          leaseOf(s, n)?.candidates.every((c) => c.liveBasis === 'health-endpoint' && c.live === true),
      ),
    check: (s) => {
      expect(s.verdict).toBe('ha-ok');
      expect(s.etcd.topology).toBe('stacked');
    },
  },
  {
    // No control-plane pods: leaders are seen through their Leases, standbys cannot be listed, etcd members are Nodes.
    profile: 'k3s-shaped',
    distribution: 'k3s',
    label: 'k3s, embedded etcd',
    steady: (s) =>
      allServing(s) && s.etcd.quorum.healthy === 3 && LEADER_LEASES.every((n) => leaseOf(s, n)?.status === 'held'),
    check: (s) => {
      expect(s.pods).toEqual([]);
      expect(s.distribution?.controlPlane).toBe('embedded');
      expect(s.distribution?.etcd).toBe('embedded');
    },
  },
  {
    // Nothing but the LB answers hawk, and no control-plane Pod or Node is in the API: managed, neither healthy nor
    // broken.
    profile: 'managed-shaped',
    distribution: 'managed',
    label: 'managed: control plane not visible',
    steady: (s) => s.reachability.state === 'reachable' && s.controlPlaneHidden,
    check: (s) => {
      expect(s.verdict).toBe('not-visible');
      expect(s.pods).toEqual([]);
    },
  },
];

afterAll(async () => {
  await ensureLab();
});

for (const expected of PROFILES) {
  describe(`profile ${expected.profile}`, () => {
    let h: LabHub | undefined;
    afterAll(async () => {
      await h?.stop();
    });

    it(
      `comes up, and hawk shows "${expected.label}" with nothing above info`,
      async () => {
        const upAt = Date.now();
        const lab = await ensureLab({ profile: expected.profile });
        const readyAt = Date.now();
        h = await startLabHub({ lab });
        const hub = h;
        const steadyAt = await hub
          .until(
            `${expected.profile}: steady state with "${expected.label}"`,
            (s) => s.distribution?.name === expected.distribution && expected.steady(s) && aboveInfo(s).length === 0,
            STEADY_DEADLINE_MS,
          )
          .catch((error: Error) => {
            const s = hub.state();
            throw new Error(
              `${error.message.split(';')[0]}; saw ${s.verdict}, "${s.distribution?.label}", above info: ${
                aboveInfo(s)
                  .map((f) => `${f.ruleId} ${f.subject ?? ''}: ${f.title}`)
                  .join(' | ') || 'none'
              }`,
            );
          });
        const state = hub.state();
        console.log(
          `[profile ${expected.profile}] lab ready ${((readyAt - upAt) / 1000).toFixed(1)} s after ensureLab, ` +
            `hawk steady ${((steadyAt - readyAt) / 1000).toFixed(1)} s later: ${state.verdict}, ` +
            `"${state.distribution?.label}"; evidence: ${state.distribution?.evidence.join('; ')}`,
        );
        expect(state.distribution).toMatchObject({ name: expected.distribution, label: expected.label });
        expect(aboveInfo(state)).toEqual([]);
        expected.check(state);
      },
      BRING_UP_MS + STEADY_DEADLINE_MS,
    );
  });
}
