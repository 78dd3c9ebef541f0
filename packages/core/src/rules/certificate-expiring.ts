import { describeRemaining } from '../certificates/expiry';
import type { CertificateExpiry } from '../model/certificate';
import type { Component } from '../model/finding';
import type { FindingDraft, Rule } from './rule';

const ROLE_NAME: Readonly<Record<CertificateExpiry['role'], string>> = {
  apiserver: 'kube-apiserver serving certificate',
  'front-door': 'load balancer serving certificate',
  etcd: 'etcd serving certificate',
  client: "hawk's own client certificate",
};

const ROLE_COMPONENT: Readonly<Record<CertificateExpiry['role'], Component>> = {
  apiserver: 'apiserver',
  'front-door': 'load-balancer',
  etcd: 'etcd',
  client: 'hawk',
};

/**
 * CertificateExpiring: a certificate hawk sees in the control plane's TLS handshakes, or its own client certificate,
 * ends within config.certificateWarningMs (critical within certificateCriticalMs). Expired serving certificates stop
 * every client at once, and kubeadm clusters reach that once a year when nobody renews; this says so weeks ahead.
 * An expected finding until the certificate ends (the control plane is still redundant today), current after.
 */
export const certificateExpiring: Rule = {
  id: 'CertificateExpiring',
  component: 'cluster',
  severity: 'warning',
  impact: 'none',
  kind: 'expected',
  summary: "A control-plane serving certificate or hawk's client certificate ends within certificateWarningMs.",
  evaluate: (_input, derived, _config, now) =>
    derived.certificates.filter((c) => c.level !== 'ok').map((c) => draftOf(c, now)),
};

function draftOf(certificate: CertificateExpiry, now: number): FindingDraft {
  const when = describeRemaining(certificate.notAfter - now);
  const name = ROLE_NAME[certificate.role];
  const where = certificate.seenAt.join(', ');
  const expired = certificate.level === 'expired';
  return {
    subject: `${certificate.role}:${certificate.serialNumber}`,
    title: `${name} ${expired ? 'expired' : 'expires'} ${when} (${certificate.subject}, ${where})`,
    evidence: {
      certificate: certificate.subject,
      issuer: certificate.issuer,
      serialNumber: certificate.serialNumber,
      seenAt: where,
      notAfter: new Date(certificate.notAfter).toISOString(),
      remaining: when,
    },
    ...(certificate.level === 'warning' ? {} : { severity: 'critical' as const }),
    // Once it has ended it is no longer foreseen: clients fail its handshake now.
    ...(expired ? { kind: 'current' as const } : { expectedAt: certificate.notAfter }),
    component: ROLE_COMPONENT[certificate.role],
    ...(certificate.role === 'client' ? clientAdvice() : servingAdvice(certificate)),
  };
}

function servingAdvice(certificate: CertificateExpiry): Pick<FindingDraft, 'remediation' | 'commands'> {
  const address = certificate.seenAt[0] ?? '<host:port>';
  return {
    remediation:
      'On kubeadm, renew on every control-plane node with `kubeadm certs renew all`, then restart the control-plane ' +
      'static pods (move their manifests out of /etc/kubernetes/manifests and back) so they load the new ' +
      'certificates. Elsewhere, renew it the way your distribution or load balancer issues it.',
    commands: [
      'kubeadm certs check-expiration',
      'kubeadm certs renew all',
      `openssl s_client -connect ${address.replace(/^https?:\/\//, '')} </dev/null 2>/dev/null | openssl x509 ` +
        '-noout -subject -enddate',
    ],
  };
}

function clientAdvice(): Pick<FindingDraft, 'remediation' | 'commands'> {
  return {
    remediation:
      'When it ends hawk can no longer read this cluster. Issue hawk a new credential (a fresh kubeconfig, or a ' +
      'ServiceAccount token when it runs in the cluster) before then.',
    commands: [
      "kubectl config view --raw --minify -o jsonpath='{.users[0].user.client-certificate-data}' " +
        '| base64 -d | openssl x509 -noout -subject -enddate',
      'kubeadm kubeconfig user --client-name=hawk',
    ],
  };
}
