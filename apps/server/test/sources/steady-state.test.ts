import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aboveInfo, labKubeConfig, startLabHub, steady, type LabHub } from '@hawk/testkit/lab-hub';
import { ensureLab } from '@hawk/lab';

// Scenario 1 (steady state) and 17 (one of several clusters unreachable), with one hub watching both.
describe('steady state, beside an unreachable cluster', () => {
  let h: LabHub;
  const closedId = 'closed-port';

  beforeAll(async () => {
    const lab = await ensureLab();
    await lab.fault.heal();
    const kubeconfig = labKubeConfig(lab, { extraContext: { name: 'closed-port', server: 'https://127.0.0.1:1' } });
    h = await startLabHub({ lab, kubeconfig });
  });
  afterAll(async () => h?.stop());

  it('shows 3/3 apiservers, the LB, both leaders with standbys and etcd 3/3, with nothing above info', async () => {
    const at = await h.until('steady state', steady, 30_000);
    h.measure('1 (steady: hub start to full view)', h.startedAt, at);
    const state = h.state();
    expect(state.verdict).toBe('ha-ok');
    expect(
      state.apiServers.instances.map((i) => [i.address, i.node, i.identityLease !== null, i.health.readyz?.ok]),
    ).toEqual([
      ['10.213.0.11', 'cp-1', true, true],
      ['10.213.0.12', 'cp-2', true, true],
      ['10.213.0.13', 'cp-3', true, true],
    ]);
    expect(state.apiServers.frontDoor).toMatchObject({ url: 'https://10.213.0.10:6443', kind: 'load-balancer' });
    expect(state.apiServers.frontDoor.health.readyz?.ok).toBe(true);
    for (const name of ['kube-controller-manager', 'kube-scheduler']) {
      const lease = state.leases.find((l) => l.name === name);
      expect(lease, name).toBeDefined();
      expect(lease!.status).toBe('held');
      expect(lease!.standbys).toHaveLength(2);
      expect(lease!.expiresAt).toBeGreaterThan(Date.now() - 1000);
    }
    expect(state.leases.every((l) => l.namespace === 'kube-system')).toBe(true);
    expect(state.etcd.source).toBe('etcd-api');
    expect(state.etcd.quorum).toMatchObject({
      voters: 3,
      healthy: 3,
      quorum: 2,
      failuresTolerated: 1,
      hasQuorum: true,
    });
    expect(state.etcd.leaderId).toMatch(/^\d+$/);
    expect(state.etcd.members.map((m) => m.id)).toContain(state.etcd.leaderId);
    expect(state.etcd.topology).toBe('stacked');
    expect(state.nodes.map((n) => [n.name, n.zone])).toEqual([
      ['cp-1', 'zone-a'],
      ['cp-2', 'zone-b'],
      ['cp-3', 'zone-c'],
    ]);
    expect(state.pods.find((p) => p.component === 'kube-apiserver')?.etcdServers.length).toBeGreaterThan(0);
    expect(state.controlPlaneHidden).toBe(false);
    expect(aboveInfo(state)).toEqual([]);
    for (const source of [
      'leases',
      'identity-leases',
      'endpointslice',
      'pods',
      'nodes',
      'apiserver-probes',
      'etcd',
    ] as const)
      expect(state.sources[source]?.state, source).toBe('live');
    expect(state.sources['lease-candidates']?.state).toMatch(/live|unavailable/);
  });

  it('shows the closed-port cluster as unreachable, with its error, without touching the lab cluster', async () => {
    const at = await h.until(
      'closed-port cluster unreachable',
      (s) => s.reachability.state === 'unreachable',
      30_000,
      closedId,
    );
    const closed = h.state(closedId);
    h.measure('17 (closed port: hub start to unreachable)', h.startedAt, at);
    expect(closed.reachability.state === 'unreachable' && closed.reachability.error).toMatch(/ECONNREFUSED|refused/i);
    expect(closed.findings.map((f) => f.ruleId)).toContain('ClusterUnreachable');
    expect(closed.verdict).toBe('unknown');
    expect(steady(h.state())).toBe(true);
    expect(h.hub.settled()).toBe(true);
    const stats = h.hub.sourceStats();
    expect(stats.filter((s) => s.clusterId === h.clusterId && s.state !== 'live' && s.state !== 'unavailable')).toEqual(
      [],
    );
    expect(stats.filter((s) => s.clusterId === closedId).every((s) => s.restarts >= 1 && s.lastError !== null)).toBe(
      true,
    );
  });
});
