/** Where hawk saw a certificate: the role decides what renews it. */
export type CertificateRole = 'apiserver' | 'front-door' | 'etcd' | 'client';

/** A certificate hawk read: a server's from its TLS handshake, or hawk's own client certificate from its kubeconfig. */
export interface ObservedCertificate {
  readonly role: CertificateRole;
  /** Where it was seen: "10.213.0.11:6443", the front door's URL, an etcd member's URL, the kubeconfig user. */
  readonly seenAt: string;
  /** The subject's common name, or the whole subject when it has none. */
  readonly subject: string;
  readonly issuer: string;
  /** Hex, as X.509 prints it: with the issuer, one certificate however many addresses serve it. */
  readonly serialNumber: string;
  /** The end of its validity (epoch ms). */
  readonly notAfter: number;
  /** hawk's clock when it was read (epoch ms). */
  readonly observedAt: number;
}

export type CertificateLevel = 'ok' | 'warning' | 'critical' | 'expired';

/** One certificate as core judged it: the same certificate at several addresses is one entry. */
export interface CertificateExpiry {
  readonly role: CertificateRole;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notAfter: number;
  /** Every place it was seen, sorted. */
  readonly seenAt: readonly string[];
  /** Judged at evaluation; no countdown here, so the pushed state does not change every second. */
  readonly level: CertificateLevel;
}
