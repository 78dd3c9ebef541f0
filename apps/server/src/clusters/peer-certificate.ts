import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { buildConnector } from 'undici';

/** What hawk keeps of a certificate: enough to say which one ends when, nothing of its key. */
export interface CertificateFacts {
  /** The subject's CN, else the whole subject. */
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  /** The end of its validity (epoch ms). */
  readonly notAfter: number;
}

const commonName = (distinguishedName: string) =>
  /(?:^|\n)CN=([^\n]+)/.exec(distinguishedName)?.[1] ?? distinguishedName.replace(/\n/g, ', ');

export function factsOf(certificate: X509Certificate): CertificateFacts {
  return {
    subject: commonName(certificate.subject),
    issuer: commonName(certificate.issuer),
    serialNumber: certificate.serialNumber,
    notAfter: Date.parse(certificate.validTo),
  };
}

/** The first certificate of a PEM bundle (a kubeconfig's client-certificate), null when there is none. */
export function factsOfPem(pem: string | Buffer | undefined): CertificateFacts | null {
  if (pem === undefined) return null;
  try {
    return factsOf(new X509Certificate(pem));
  } catch {
    return null;
  }
}

/**
 * readServingCertificate completes one TLS handshake at `base` through `connect` (an undici connector built with
 * `rejectUnauthorized: false`, so an expired certificate can still be read) and closes it: no request is sent.
 * The chain is still checked against the cluster's CA: a certificate that fails for any reason but its dates is
 * refused, so a stranger in the path cannot hide an expiry behind a long-lived certificate of its own.
 */
export function readServingCertificate(
  connect: buildConnector.connector,
  base: string,
  verified: boolean,
): Promise<CertificateFacts> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    connect(
      { protocol: 'https:', hostname: url.hostname, host: url.host, port: url.port || '443' },
      (error, socket) => {
        if (error || !socket) return reject(error ?? new Error(`${base}: no connection`));
        const tlsSocket = socket as TLSSocket;
        try {
          const peer = tlsSocket.getPeerX509Certificate();
          const problem = tlsSocket.authorizationError as unknown as string | null;
          if (!peer) return reject(new Error(`${base}: no certificate in the handshake`));
          if (verified && problem && problem !== 'CERT_HAS_EXPIRED')
            return reject(new Error(`${base}: certificate not trusted by the cluster's CA (${problem})`));
          resolve(factsOf(peer));
        } finally {
          tlsSocket.destroy();
        }
      },
    );
  });
}
