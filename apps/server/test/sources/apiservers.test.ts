import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, type Lab } from '@hawk/lab';
import { finding, labKubeConfig, startLabHub, steady, type LabHub } from './hub-harness';

const instanceId = (n: number) => `10.213.0.${10 + n}:6443`;

describe('apiservers and the load balancer', () => {
  let lab: Lab;
  let h: LabHub;

  beforeAll(async () => {
    lab = await ensureLab();
    await lab.fault.heal();
    h = await startLabHub({ lab });
    await h.until('steady state', steady, 60_000);
  });
  afterAll(async () => {
    await h?.stop();
    await lab?.fault.heal();
  });

  it('scenario 4: one apiserver stops: that instance is red within a probe interval, 2/3 serving, the LB still up', async () => {
    const faultAt = Date.now();
    await lab.fault.stopApiServer(3);
    const redAt = await h.until('apiserver 3 red', (s) => s.apiServers.instances.find((i) => i.id === instanceId(3))?.health.readyz?.ok === false);
    h.measure('4 (apiserver 3 stops → instance red)', faultAt, redAt);
    const foundAt = await h.until('reduced serving finding', (s) => finding(s, 'ApiServerReducedServing') !== undefined && s.apiServers.serving === 2);
    h.measure('4 (apiserver 3 stops → "2/3 apiservers serving")', faultAt, foundAt);
    const state = h.state();
    expect(finding(state, 'ApiServerReducedServing')?.title).toMatch(/2\/3/);
    expect(finding(state, 'ApiServerInstanceNotReady', (s) => s === instanceId(3))).toBeDefined();
    expect(state.apiServers.frontDoor.health.readyz?.ok).toBe(true);
    expect(finding(state, 'LoadBalancerUnreachable')).toBeUndefined();
    expect(h.timeline.some((e) => e.kind === 'probe-failed' && e.target.includes(instanceId(3)) && e.at >= faultAt)).toBe(true);
    await lab.fault.heal();
    await h.until('apiserver 3 back', (s) => s.apiServers.serving === 3 && !finding(s, 'ApiServerReducedServing'), 90_000);
    expect(h.timeline.some((e) => e.kind === 'probe-recovered' && e.target.includes(instanceId(3)))).toBe(true);
  });

  it('scenario 6: the load balancer stops: "LB down" on its own, and hawk keeps watching through the instances', async () => {
    const faultAt = Date.now();
    await lab.fault.stopLoadBalancer();
    const foundAt = await h.until('LB unreachable finding', (s) => finding(s, 'LoadBalancerUnreachable') !== undefined);
    h.measure('6 (LB stops → "LB down")', faultAt, foundAt);
    // The watches go on: lease renewals keep arriving after the LB died, through a direct instance address.
    const renewalAt = await h.until('a lease renewal seen after the LB stopped', (s) => s.leases.some((l) => (l.observedRenewAt ?? 0) > foundAt + 2000) && s.sources.leases?.state === 'live', 30_000);
    h.measure('6 (LB stops → watches live again through an instance)', faultAt, renewalAt);
    const state = h.state();
    expect(state.apiServers.serving).toBe(3);
    expect(state.reachability.state).toBe('reachable');
    expect(finding(state, 'ApiServerReducedServing')).toBeUndefined();
    expect(state.findings.filter((f) => f.ruleId.startsWith('LeaderElection'))).toEqual([]);
    for (const source of ['leases', 'identity-leases', 'endpointslice', 'pods', 'nodes'] as const) expect(state.sources[source]?.state, source).toBe('live');
    await lab.fault.heal();
    await h.until('LB back', (s) => !finding(s, 'LoadBalancerUnreachable'), 60_000);
  });

  it('scenario 12: an apiserver restarts under an open watch: hawk relists and nothing stays silently stale', async () => {
    // A second hub watches straight through apiserver 1, so its watches are certainly on the instance that restarts.
    const direct = await startLabHub({ lab, kubeconfig: labKubeConfig(lab, { server: 'https://10.213.0.11:6443' }) });
    try {
      await direct.until('steady through apiserver 1', (s) => s.sources.leases?.state === 'live' && s.apiServers.serving === 3, 60_000);
      expect(direct.state().apiServers.frontDoor.kind).toBe('instance');
      const restartsBefore = direct.hub.sourceStats().find((s) => s.source === 'leases')!.restarts;
      const faultAt = Date.now();
      await lab.fault.restart('kube-apiserver', 1);
      const liveAt = await direct.until(
        'leases watch restarted and live again',
        (s) => direct.hub.sourceStats().find((x) => x.source === 'leases')!.restarts > restartsBefore && s.sources.leases?.state === 'live' && s.leases.some((l) => (l.observedRenewAt ?? 0) > faultAt + 1000),
        60_000,
      );
      direct.measure('12 (apiserver under the watch restarts → watch live again)', faultAt, liveAt);
      await lab.waitFor(async () => (await lab.apiServerReadiness()).every((r) => r.ready), 90_000, { description: 'apiservers ready' });
      await direct.until('all sources live, nothing stale', (s) => ['leases', 'identity-leases', 'endpointslice', 'pods', 'nodes'].every((name) => s.sources[name as 'leases']?.state === 'live') && s.apiServers.serving === 3, 60_000);
      const stats = direct.hub.sourceStats();
      console.log(`[scenario 12] source stats after restart: ${JSON.stringify(stats.map((s) => [s.source, s.state, s.restarts, s.relists, s.staleRestarts]))}`);
      expect(stats.every((s) => s.state === 'live' || s.state === 'unavailable')).toBe(true);
      expect(stats.every((s) => s.lastEventAgeMs === null || s.lastEventAgeMs < 130_000)).toBe(true);
    } finally {
      await direct.stop();
    }
  });
});
