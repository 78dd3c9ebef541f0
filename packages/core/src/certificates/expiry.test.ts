import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, createConfig } from '../config';
import type { ObservedCertificate } from '../model/certificate';
import { describeRemaining, judgeCertificates } from './expiry';

const NOW = Date.UTC(2026, 11, 7);
const DAY = 86_400_000;

function seen(overrides: Partial<ObservedCertificate>): ObservedCertificate {
  return {
    role: 'apiserver',
    seenAt: '10.213.0.11:6443',
    subject: 'kube-apiserver',
    issuer: 'kubernetes',
    serialNumber: '0A',
    notAfter: NOW + 365 * DAY,
    observedAt: NOW,
    ...overrides,
  };
}

describe('judgeCertificates', () => {
  it.each([
    [31 * DAY, 'ok'],
    [30 * DAY, 'warning'],
    [8 * DAY, 'warning'],
    [7 * DAY, 'critical'],
    [1, 'critical'],
    [0, 'expired'],
    [-DAY, 'expired'],
  ])('%d ms left is %s', (remainingMs, level) => {
    const [judged] = judgeCertificates([seen({ notAfter: NOW + remainingMs })], DEFAULT_CONFIG, NOW);
    expect(judged).toMatchObject({ level, notAfter: NOW + remainingMs });
  });

  it('one certificate served at an instance and relayed by the front door is one entry, named by the instance', () => {
    const judged = judgeCertificates(
      [
        seen({ role: 'front-door', seenAt: 'https://10.213.0.10:6443' }),
        seen({ seenAt: '10.213.0.11:6443' }),
        seen({ seenAt: '10.213.0.12:6443', serialNumber: '0B', notAfter: NOW + 10 * DAY }),
      ],
      DEFAULT_CONFIG,
      NOW,
    );
    expect(judged.map((c) => [c.serialNumber, c.role, c.seenAt])).toEqual([
      ['0B', 'apiserver', ['10.213.0.12:6443']],
      ['0A', 'apiserver', ['10.213.0.11:6443', 'https://10.213.0.10:6443']],
    ]);
  });

  it("a client certificate with a serving certificate's serial stays apart", () => {
    const judged = judgeCertificates(
      [seen({}), seen({ role: 'client', seenAt: 'kubernetes-admin' })],
      DEFAULT_CONFIG,
      NOW,
    );
    expect(judged.map((c) => c.role).sort()).toEqual(['apiserver', 'client']);
  });

  it('thresholds come from the config, and must keep critical below warning', () => {
    const config = { ...DEFAULT_CONFIG, certificateWarningMs: 400 * DAY, certificateCriticalMs: 100 * DAY };
    expect(judgeCertificates([seen({})], config, NOW)[0]?.level).toBe('warning');
    expect(createConfig({ certificateCriticalMs: 40 * DAY })).toEqual({
      error: 'config.certificateCriticalMs must be below config.certificateWarningMs',
    });
  });
});

describe('describeRemaining', () => {
  it.each([
    [6 * DAY + 4 * 3_600_000 + 5, 'in 6 d 4 h'],
    [3 * 3_600_000 + 10 * 60_000, 'in 3 h 10 min'],
    [59 * 60_000, 'in 59 min'],
    [-2 * DAY, '2 d 0 h ago'],
  ])('%d ms → %s', (ms, text) => expect(describeRemaining(ms)).toBe(text));
});
