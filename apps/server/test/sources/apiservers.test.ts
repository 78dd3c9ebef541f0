import { describe, expect, it } from 'vitest';
import { finding, labKubeConfig, startLabHub, useLabHub } from '@hawk/testkit/lab-hub';

const instanceId = (n: number) => `10.213.0.${10 + n}:6443`;

describe('apiservers and the load balancer', () => {
  const h = useLabHub();

  it('scenario 4: one apiserver stops: that instance is red within a probe interval, 2/3 serving, the LB still up', async () => {
    const { faultAt } = await h.faultUntil(
      '4 (apiserver 3 stops → instance red)',
      () => h.lab.fault.stopApiServer(3),
      (s) => s.apiServers.instances.find((i) => i.id === instanceId(3))?.health.readyz?.ok === false,
    );
    await h.until(
      'reduced serving finding',
      (s) => finding(s, 'ApiServerReducedServing') !== undefined && s.apiServers.serving === 2,
    );
    h.measure(
      '4 (apiserver 3 stops → "2/3 apiservers serving" opened)',
      faultAt,
      h.openedAt('ApiServerReducedServing', faultAt)!,
    );
    const state = h.state();
    expect(finding(state, 'ApiServerReducedServing')?.title).toMatch(/2\/3/);
    expect(finding(state, 'ApiServerInstanceNotReady', (s) => s === instanceId(3))).toBeDefined();
    expect(state.apiServers.frontDoor.health.readyz?.ok).toBe(true);
    expect(finding(state, 'LoadBalancerUnreachable')).toBeUndefined();
    expect(
      h.timeline.some((e) => e.kind === 'probe-failed' && e.target.includes(instanceId(3)) && e.at >= faultAt),
    ).toBe(true);
    // The lab's own reads, apart from hawk: apiserver 3 not ready, 1 and 2 ready, the LB still serving.
    await h.lab.waitFor(
      async () => (await h.lab.apiServerReadiness()).map((a) => a.ready).join() === 'true,true,false',
      10_000,
      { description: 'by the lab: apiserver 3 not ready, 1 and 2 ready' },
    );
    await h.lab.waitFor(async () => (await h.lab.kube().readyz()).ready, 10_000, {
      description: 'by the lab: the LB serving with 2 apiservers',
    });
    await h.lab.fault.heal();
    await h.until(
      'apiserver 3 back',
      (s) => s.apiServers.serving === 3 && !finding(s, 'ApiServerReducedServing'),
      90_000,
    );
    expect(h.timeline.some((e) => e.kind === 'probe-recovered' && e.target.includes(instanceId(3)))).toBe(true);
  });

  it('scenario 6: the load balancer stops: "LB down" on its own, and hawk keeps watching through the instances', async () => {
    const { faultAt, at: foundAt } = await h.faultUntil(
      '6 (LB stops → "LB down")',
      () => h.lab.fault.stopLoadBalancer(),
      (s) => finding(s, 'LoadBalancerUnreachable') !== undefined,
    );
    // The watches go on through a direct instance address: the apiservers' identity leases (renewed
    // by each apiserver itself, not through the LB) keep arriving after the LB died.
    const renewalAt = await h.until(
      'identity lease events after the LB stopped',
      (s) =>
        (s.sources['identity-leases']?.lastEventAt ?? 0) > foundAt + 2000 &&
        s.sources['identity-leases']?.state === 'live' &&
        s.sources.leases?.state === 'live',
      30_000,
    );
    h.measure('6 (LB stops → watches delivering again through an instance)', faultAt, renewalAt);
    const state = h.state();
    expect(state.apiServers.serving).toBe(3);
    expect(state.reachability.state).toBe('reachable');
    expect(finding(state, 'ApiServerReducedServing')).toBeUndefined();
    expect(state.apiServers.frontDoor.kind).toBe('load-balancer');
    // The lab's controller-managers and schedulers reach the API through the LB, so their renewals stop for real.
    console.log(
      `[scenario 6] leader-election findings while the LB is down: ${
        state.findings
          .filter((f) => f.ruleId.startsWith('LeaderElection'))
          .map((f) => f.id)
          .join(', ') || 'none'
      }`,
    );
    for (const source of ['leases', 'identity-leases', 'endpointslice', 'pods', 'nodes'] as const)
      expect(state.sources[source]?.state, source).toBe('live');
    await h.lab.fault.heal();
    await h.until('LB back', (s) => !finding(s, 'LoadBalancerUnreachable'), 60_000);
  });

  it('scenario 12: an apiserver restarts under an open watch: hawk relists and nothing stays silently stale', async () => {
    // A second hub watches straight through apiserver 1, so its watches are certainly on the instance that restarts.
    const direct = await startLabHub({
      lab: h.lab,
      kubeconfig: labKubeConfig(h.lab, { server: 'https://10.213.0.11:6443' }),
    });
    try {
      // The EndpointSlice too: until it is read, the identity Leases alone make 3 serving, but no address is known to
      // tell an instance from a load balancer (the front door is 'unknown'; one full-file run read it so).
      await direct.until(
        'steady through apiserver 1, its EndpointSlice read',
        (s) =>
          s.sources.leases?.state === 'live' && s.sources.endpointslice?.state === 'live' && s.apiServers.serving === 3,
        60_000,
      );
      expect(direct.state().apiServers.frontDoor.kind).toBe('instance');
      const restartsBefore = direct.hub.sourceStats().find((s) => s.source === 'leases')!.restarts;
      await direct.faultUntil(
        '12 (apiserver under the watch restarts → leases watch restarted and live again)',
        () => h.lab.fault.restart('kube-apiserver', 1),
        (s) =>
          direct.hub.sourceStats().find((x) => x.source === 'leases')!.restarts > restartsBefore &&
          s.sources.leases?.state === 'live' &&
          (s.sources['identity-leases']?.lastEventAt ?? 0) > Date.now() - 5000,
        60_000,
      );
      await h.lab.waitFor(async () => (await h.lab.apiServerReadiness()).every((r) => r.ready), 90_000, {
        description: 'apiservers ready',
      });
      await direct.until(
        'all sources live, nothing stale',
        (s) =>
          ['leases', 'identity-leases', 'endpointslice', 'pods', 'nodes'].every(
            (name) => s.sources[name as 'leases']?.state === 'live',
          ) && s.apiServers.serving === 3,
        60_000,
      );
      const stats = direct.hub.sourceStats();
      console.log(
        '[scenario 12] source stats after restart: ' +
          `${JSON.stringify(stats.map((s) => [s.source, s.state, s.restarts, s.relists, s.staleRestarts]))}`,
      );
      expect(stats.every((s) => s.state === 'live' || s.state === 'unavailable')).toBe(true);
      expect(stats.every((s) => s.lastEventAgeMs === null || s.lastEventAgeMs < 130_000)).toBe(true);
    } finally {
      await direct.stop();
    }
  });
});
