import type { HawkConfig } from '../config';
import type { CertificateExpiry, CertificateLevel, ObservedCertificate } from '../model/certificate';

/**
 * judgeCertificates groups what hawk read by certificate (issuer and serial: behind a TCP load balancer the front door
 * serves an instance's own) and judges each against config.certificateWarningMs and certificateCriticalMs, the one
 * place those are read. Sorted soonest first.
 */
export function judgeCertificates(
  observed: readonly ObservedCertificate[],
  config: HawkConfig,
  now: number,
): CertificateExpiry[] {
  const byCertificate = new Map<string, { first: ObservedCertificate; seenAt: Set<string> }>();
  for (const certificate of observed) {
    const role = certificate.role === 'client' ? 'client' : 'server';
    const key = `${role}|${certificate.issuer}|${certificate.serialNumber}`;
    const entry = byCertificate.get(key) ?? { first: certificate, seenAt: new Set<string>() };
    entry.seenAt.add(certificate.seenAt);
    // The instance's own address names it better than the front door relaying it.
    if (entry.first.role === 'front-door' && certificate.role !== 'front-door') entry.first = certificate;
    byCertificate.set(key, entry);
  }
  return [...byCertificate.values()]
    .map(({ first, seenAt }) => ({
      role: first.role,
      subject: first.subject,
      issuer: first.issuer,
      serialNumber: first.serialNumber,
      notAfter: first.notAfter,
      seenAt: [...seenAt].sort(),
      level: levelOf(first.notAfter - now, config),
    }))
    .sort((a, b) => a.notAfter - b.notAfter || a.serialNumber.localeCompare(b.serialNumber));
}

function levelOf(remainingMs: number, config: HawkConfig): CertificateLevel {
  if (remainingMs <= 0) return 'expired';
  if (remainingMs <= config.certificateCriticalMs) return 'critical';
  if (remainingMs <= config.certificateWarningMs) return 'warning';
  return 'ok';
}

const DAY_MS = 86_400_000;

/** "in 6 d 4 h", "in 3 h 10 min", "2 d ago": a span an on-call engineer reads at a glance. */
export function describeRemaining(remainingMs: number): string {
  const span = Math.abs(remainingMs);
  const days = Math.floor(span / DAY_MS);
  const hours = Math.floor((span % DAY_MS) / 3_600_000);
  const minutes = Math.floor((span % 3_600_000) / 60_000);
  const text = days > 0 ? `${days} d ${hours} h` : hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min`;
  return remainingMs < 0 ? `${text} ago` : `in ${text}`;
}
