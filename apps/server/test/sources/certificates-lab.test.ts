import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labPaths } from '@hawk/lab';
import type { CertificateExpiry, ClusterState } from '@hawk/core';
import { startLabHub, type LabHub } from '@hawk/testkit/lab-hub';

const DAY_MS = 86_400_000;

/** A certificate file of the lab, as hawk should have read it from a handshake. */
function onDisk(path: string) {
  const certificate = new X509Certificate(readFileSync(path));
  return { serialNumber: certificate.serialNumber, notAfter: Date.parse(certificate.validTo) };
}

const byRole = (state: ClusterState, role: CertificateExpiry['role']) =>
  (state.certificates ?? []).filter((certificate) => certificate.role === role);

// Issue 28 §3: the certificates are read from the lab's own TLS handshakes and kubeconfig, not from its files.
describe('certificates hawk sees on the lab', () => {
  let h: LabHub | undefined;
  afterAll(() => h?.stop());

  it('reads each apiserver, etcd member and its own client certificate, and warns by the configured horizon', async () => {
    // kubeadm signs for a year: a 400-day horizon makes every certificate due, without waiting a year.
    h = await startLabHub({ config: { certificateWarningMs: 400 * DAY_MS, certificateCriticalMs: 7 * DAY_MS } });
    // Read within a second or two of the start, sooner than the cluster is judged reachable: wait for the findings too.
    await h.until(
      'three apiserver, three etcd and one client certificate read, the front door among them, and judged',
      (s) =>
        byRole(s, 'apiserver').length === 3 &&
        byRole(s, 'etcd').length === 3 &&
        byRole(s, 'client').length === 1 &&
        (s.certificates ?? []).some((c) => c.seenAt.includes(s.identity.server)) &&
        s.findings.filter((f) => f.ruleId === 'CertificateExpiring').length === 7,
      60_000,
    );
    const state = h.state();
    const paths = labPaths();
    const nodes = ['cp-1', 'cp-2', 'cp-3'];

    const apiservers = nodes.map((node) => onDisk(join(paths.nodes, node, 'pki', 'apiserver.crt')));
    expect(byRole(state, 'apiserver').map(({ serialNumber, notAfter }) => ({ serialNumber, notAfter }))).toEqual(
      expect.arrayContaining(apiservers),
    );
    // HAProxy passes TLS through: the front door serves an instance's own certificate, counted once.
    const frontDoor = state.certificates!.find((c) => c.seenAt.includes(state.identity.server));
    expect(frontDoor?.role).toBe('apiserver');
    expect(frontDoor?.seenAt).toHaveLength(2);

    const members = nodes.map((node) => onDisk(join(paths.nodes, node, 'pki', 'etcd', 'server.crt')));
    expect(byRole(state, 'etcd').map(({ serialNumber, notAfter }) => ({ serialNumber, notAfter }))).toEqual(
      expect.arrayContaining(members),
    );
    expect(byRole(state, 'client')[0]).toMatchObject(onDisk(join(paths.adminPki, 'admin.crt')));

    // Seven certificates, seven findings: warnings (a year is past 7 days), none changing the verdict.
    const expiring = state.findings.filter((f) => f.ruleId === 'CertificateExpiring');
    expect(expiring).toHaveLength(7);
    expect(new Set(expiring.map((f) => f.severity))).toEqual(new Set(['warning']));
    expect(state.verdict).toBe('ha-ok');
    const etcdFinding = expiring.find((f) => f.component === 'etcd')!;
    expect(etcdFinding.title).toMatch(/^etcd serving certificate expires in 36\d d \d+ h \(/);
    expect(etcdFinding.commands).toContain('kubeadm certs renew all');
    console.log(`[certificates] ${expiring.map((f) => f.title).join('\n  ')}`);
  });
});
