import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config';
import { evaluateCluster, findingId } from './evaluate';
import { aCluster, aFullHaCluster, simulateHawk } from './testing/index';

describe('evaluateCluster', () => {
  it('carries since over for the same finding id, and reports opened and resolved once', () => {
    const cluster = aFullHaCluster();
    const hawk = simulateHawk(cluster).advance(2_000);
    cluster.stopApiServer(3);
    const openedAt = cluster.now;
    hawk.advance(5_000);
    expect(hawk.state.findings.find((f) => f.ruleId === 'ApiServerReducedServing')!.since).toBe(openedAt + 1000);
    cluster.startApiServer(3);
    hawk.advance(1_000);
    expect(
      hawk.timeline.filter((e) => e.finding.ruleId === 'ApiServerReducedServing').map((e) => [e.kind, e.at]),
    ).toEqual([
      ['opened', openedAt + 1000],
      ['resolved', openedAt + 6000],
    ]);
  });

  it('sorts critical first, then oldest, roots before consequences', () => {
    const cluster = aFullHaCluster().withEtcd(3, { topology: 'external' });
    const hawk = simulateHawk(cluster).advance(2_000);
    cluster.stopApiServer(3);
    hawk.advance(2_000);
    cluster.stopEtcdMember(1).stopEtcdMember(2);
    hawk.advance(2_000);
    expect(hawk.state.findings.map((f) => [f.severity, f.ruleId, f.causedBy !== null])).toEqual([
      // Open since the apiserver stopped, escalated to critical when quorum went: older, so first.
      ['critical', 'ApiServerReducedServing', false],
      ['critical', 'EtcdQuorumLost', false],
      ['critical', 'EtcdNoLeader', true],
      ['warning', 'ApiServerInstanceNotReady', false],
      ['warning', 'ApiServerInstanceNotReady', true],
      ['warning', 'ApiServerInstanceNotReady', true],
    ]);
  });

  it('expected findings come after what is broken, stand apart from incidents and leave the verdict alone', () => {
    const cluster = aFullHaCluster().withCertificate('apiserver', '10.213.0.11:6443', 3);
    const hawk = simulateHawk(cluster).advance(2_000);
    expect(hawk.state.verdict).toBe('ha-ok');
    cluster.stopApiServer(3);
    hawk.advance(2_000);
    expect(hawk.state.verdict).toBe('degraded');
    const findings = hawk.state.findings;
    expect(findings.filter((f) => f.ruleId.startsWith('ApiServer')).map((f) => f.kind)).toEqual(['current', 'current']);
    // Critical (3 days left) yet last, after even the info findings: nothing is broken by it yet.
    expect(findings.at(-1)).toMatchObject({ kind: 'expected', severity: 'critical', ruleId: 'CertificateExpiring' });
    expect(findings.at(-1)?.causedBy).toBeNull();
  });

  it('a cluster still connecting has no findings and an unknown verdict', () => {
    const cluster = aFullHaCluster();
    const input = { ...cluster.build(), reachability: { state: 'connecting' as const } };
    const { state, opened } = evaluateCluster(input, null, DEFAULT_CONFIG, cluster.now);
    expect([state.verdict, state.findings, opened, state.failureImpacts]).toEqual(['unknown', [], [], []]);
  });

  it('states carry the model version, the quorum and the serving count', () => {
    const { state } = simulateHawk(aCluster().withApiServers(2).withEtcd(3)).evaluate();
    expect(state).toMatchObject({
      modelVersion: 2,
      apiServers: { serving: 2 },
      etcd: { quorum: { voters: 3, hasQuorum: true } },
    });
  });

  it.each([
    ['EtcdQuorumLost', null, 'EtcdQuorumLost'],
    ['ApiServerInstanceNotReady', '10.0.0.11:6443', 'ApiServerInstanceNotReady:10.0.0.11:6443'],
  ])('finding id of %s/%s', (ruleId, subject, id) => {
    expect(findingId(ruleId, subject)).toBe(id);
  });
});
