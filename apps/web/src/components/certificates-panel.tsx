import type { CertificateExpiry } from '@hawk/core';
import { formatDateTime } from '../lib/format';
import { CERTIFICATE_LEVEL_DISPLAY } from '../lib/verdict-display';
import { StatusTag } from './status-icon';

const ROLE_LABEL: Readonly<Record<CertificateExpiry['role'], string>> = {
  apiserver: 'apiserver',
  'front-door': 'load balancer',
  etcd: 'etcd',
  client: "hawk's client",
};

/** Every certificate hawk read, soonest end first, with the level core judged; absent until the first read. */
export function CertificatesPanel({ certificates }: { certificates: readonly CertificateExpiry[] | undefined }) {
  if (certificates === undefined) return null;
  return (
    <section className="panel certificates detail-only" aria-label="Certificates">
      <header className="panel-head">
        <h2>Certificates</h2>
      </header>
      {certificates.length === 0 ? (
        <p className="muted">none read: no address answered a TLS handshake</p>
      ) : (
        <ul className="impacts">
          {certificates.map((certificate) => (
            <li key={`${certificate.role}:${certificate.serialNumber}`} className="impact" data-testid="certificate">
              <StatusTag display={CERTIFICATE_LEVEL_DISPLAY[certificate.level]} />
              <span className="impact-name">
                {ROLE_LABEL[certificate.role]} <strong>{certificate.subject}</strong> ends{' '}
                {formatDateTime(certificate.notAfter)}
              </span>
              <span className="impact-summary">{certificate.seenAt.join(', ')}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
