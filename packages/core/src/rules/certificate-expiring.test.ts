import { describe, expect, it } from 'vitest';
import { deriveCluster } from '../analysis/derive';
import { DEFAULT_CONFIG } from '../config';
import { evaluateCluster } from '../evaluate';
import type { ObservedCertificate } from '../model/certificate';
import { aFullHaCluster } from '../testing/index';
import { certificateExpiring } from './certificate-expiring';

const DAY = 86_400_000;

function withCertificates(daysLeft: Readonly<Record<string, number>>) {
  const cluster = aFullHaCluster();
  const certificates = Object.entries(daysLeft).map(([role, days], index): ObservedCertificate => ({
    role: role as ObservedCertificate['role'],
    seenAt: role === 'client' ? 'kubernetes-admin' : `10.213.0.1${index + 1}:${role === 'etcd' ? 2379 : 6443}`,
    subject: role === 'client' ? 'kubernetes-admin' : `cp-${index + 1}`,
    issuer: role === 'etcd' ? 'etcd-ca' : 'kubernetes',
    serialNumber: `0${index + 1}`,
    notAfter: cluster.now + days * DAY,
    observedAt: cluster.now,
  }));
  return { cluster, input: { ...cluster.build(), certificates } };
}

describe('CertificateExpiring', () => {
  it('warns at 30 days, is critical at 7 and once expired, names where it was seen and how to renew', () => {
    const { cluster, input } = withCertificates({ apiserver: 20, etcd: 3, client: -1, 'front-door': 200 });
    const drafts = certificateExpiring.evaluate(
      input,
      deriveCluster(input, DEFAULT_CONFIG, cluster.now),
      DEFAULT_CONFIG,
      cluster.now,
    );
    expect(drafts.map((d) => [d.subject, d.severity ?? 'warning', d.component, d.title])).toEqual([
      [
        'client:03',
        'critical',
        'hawk',
        "hawk's own client certificate expired 1 d 0 h ago (kubernetes-admin, kubernetes-admin)",
      ],
      ['etcd:02', 'critical', 'etcd', 'etcd serving certificate expires in 3 d 0 h (cp-2, 10.213.0.12:2379)'],
      [
        'apiserver:01',
        'warning',
        'apiserver',
        'kube-apiserver serving certificate expires in 20 d 0 h (cp-1, 10.213.0.11:6443)',
      ],
    ]);
    // Foreseen until it ends; once ended, clients fail its handshake now.
    expect(drafts.map((d) => [d.kind ?? 'expected', d.expectedAt ?? null])).toEqual([
      ['current', null],
      ['expected', cluster.now + 3 * DAY],
      ['expected', cluster.now + 20 * DAY],
    ]);
    expect(drafts[1]?.commands).toContain('kubeadm certs renew all');
    expect(drafts[1]?.commands.at(-1)).toMatch(/^openssl s_client -connect 10\.213\.0\.12:2379 /);
    expect(drafts[2]?.evidence).toMatchObject({
      notAfter: new Date(cluster.now + 20 * DAY).toISOString(),
      issuer: 'kubernetes',
    });
  });

  it('leaves the verdict alone and appears in the judged state; nothing read means no certificates in the state', () => {
    const { cluster, input } = withCertificates({ apiserver: 3 });
    const { state } = evaluateCluster(input, null, DEFAULT_CONFIG, cluster.now);
    expect(state.verdict).toBe('ha-ok');
    expect(state.certificates?.map((c) => c.level)).toEqual(['critical']);
    expect(state.findings.map((f) => f.id)).toContain('CertificateExpiring:apiserver:01');
    expect(state.findings.find((f) => f.ruleId === 'CertificateExpiring')).toMatchObject({
      kind: 'expected',
      expectedAt: cluster.now + 3 * DAY,
      causedBy: null,
    });
    const without = evaluateCluster(cluster.build(), null, DEFAULT_CONFIG, cluster.now).state;
    expect(without.certificates).toBeUndefined();
    expect(without.findings.filter((f) => f.ruleId === 'CertificateExpiring')).toEqual([]);
  });
});
