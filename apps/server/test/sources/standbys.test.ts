import { describe, expect, it } from 'vitest';
import { nodeOfIdentity, type ClusterState } from '@hawk/core';
import { aboveInfo, useLabHub } from '@hawk/testkit/lab-hub';

const KCM = 'kube-controller-manager';
const lease = (state: ClusterState, name: string) => state.leases.find((l) => l.name === name);
const standbys = (state: ClusterState, name: string) => lease(state, name)?.standbys.length;

// Scenarios 1 and 2 without LeaseCandidates: a standby is a component hawk observes live, by its own /healthz
// where that port is reachable, else (kubeadm's default, bound to 127.0.0.1) by the kubelet's readiness of its
// mirror pod; never by a pod phase that always says Running.
describe('standby liveness', () => {
  const h = useLabHub();

  it('scenario 1: each lease shows its holder and 2 live standbys', async () => {
    await h.until('2 standbys each, every candidate probed live', (s) =>
      [KCM, 'kube-scheduler'].every(
        (name) => standbys(s, name) === 2 && lease(s, name)?.candidates.every((c) => c.live === true),
      ),
    );
    const state = h.state();
    for (const name of [KCM, 'kube-scheduler']) {
      const view = lease(state, name)!;
      expect(view.candidatesSource).toBe('pod');
      expect(view.candidates).toHaveLength(3);
      expect(view.record?.holderIdentity).toMatch(/^cp-\d_/);
    }
    expect(aboveInfo(state)).toEqual([]);
  });

  it('scenario 2: the controller-manager leader is killed → its pod is down, standbys 1 after failover; heal → 2', async () => {
    const oldHolder = lease(h.state(), KCM)!.record!.holderIdentity!;
    const oldNode = nodeOfIdentity(oldHolder);
    const deadPod = (s: ClusterState) => lease(s, KCM)?.candidates.find((c) => c.node === oldNode)?.live === false;
    const { faultAt } = await h.faultUntil(
      `2 (${KCM} leader killed → its candidate judged down)`,
      () => h.lab.fault.killLeader(KCM),
      deadPod,
      15_000,
    );
    const dead = lease(h.state(), KCM)?.candidates.find((c) => c.node === oldNode);
    // The dead holder is not a standby; the two live ones are, until one of them acquires.
    expect(standbys(h.state(), KCM)).toBe(2);

    const failedOver = await h.until(
      'new holder, standbys 1',
      (s) => lease(s, KCM)?.record?.holderIdentity !== oldHolder && standbys(s, KCM) === 1,
      60_000,
    );
    h.measure(`2 (${KCM} leader killed → new holder with standbys now 1)`, faultAt, failedOver);
    // Why it was judged down is what hawk could observe: a reachable /healthz failing (a probe-failed event), or on
    // kubeadm's loopback-bound port, which hawk never reaches by design, the kubelet reporting the mirror pod not
    // Ready.
    if (h.lab.options.profile === 'kubeadm') {
      expect(dead, 'the killed candidate').toMatchObject({ live: false, liveBasis: 'kubelet-readiness' });
      expect(dead?.liveNote).toMatch(/mirror pod not Ready/);
    } else {
      const probeFailed = h.timeline.find(
        (e) => e.kind === 'probe-failed' && e.at >= faultAt && e.target.startsWith(`${KCM} on ${oldNode}`),
      );
      expect(probeFailed).toBeDefined();
    }
    // One of three down still leaves a standby: not a single-candidate SPOF.
    expect(h.state().findings.find((f) => f.ruleId === 'LeaderElectionSingleCandidate')).toBeUndefined();

    const healAt = Date.now();
    await h.lab.fault.heal();
    const back = await h.until(
      'standbys back to 2',
      (s) => standbys(s, KCM) === 2 && lease(s, KCM)?.candidates.every((c) => c.live === true) === true,
      30_000,
    );
    h.measure(`2 (heal → ${KCM} standbys back to 2)`, healAt, back);
  });
});
