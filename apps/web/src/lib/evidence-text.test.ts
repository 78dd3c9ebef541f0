import { describe, expect, it } from 'vitest';
import { formatClock } from './format';
import { describeEvidence, describeEvidenceList, formatSpan } from './evidence-text';

const AT = Date.UTC(2026, 0, 1, 4, 54, 8);

describe('describeEvidence', () => {
  it.each([
    ['silentMs', 3820, 'silent for 3.8 s'],
    ['cadenceMs', 2000, 'renews every 2.0 s'],
    ['expiresAt', AT, `expires at ${formatClock(AT)}`],
    ['windowMs', 600_000, 'within 10 min 00 s'],
    ['leaseDurationSeconds', 15, 'lease lasts 15 s'],
    ['dbSizeBytes', 2 * 1024 * 1024, 'database 2.0 MiB'],
    ['standbys', 1, '1 standby ready'],
    ['standbys', 2, '2 standbys ready'],
    ['holder', 'cp-1_abc', 'held by cp-1_abc'],
    ['holder', null, 'holder: unknown'],
    ['deleted', true, 'the Lease object is deleted'],
    ['failuresTolerated', 0, 'tolerates 0 failures'],
    // Keys no rule writes yet fall back to their unit suffix, never to the bare key.
    ['probeLatencyMs', 150, 'probe latency: 150 ms'],
    ['firstSeenAt', AT, `first seen: ${formatClock(AT)}`],
    ['lastOkAt', 12, 'last ok at 12'],
  ] as const)('%s = %s reads "%s"', (key, value, text) => {
    expect(describeEvidence(key, value).text).toBe(text);
  });

  it('keeps the raw key and value for the hover title', () => {
    expect(describeEvidence('silentMs', 3820)).toEqual({
      key: 'silentMs',
      text: 'silent for 3.8 s',
      raw: 'silentMs = 3820',
    });
    expect(describeEvidence('error', null).raw).toBe('error = null');
  });

  it('words a whole evidence object in the rule’s order', () => {
    expect(describeEvidenceList({ holder: 'cp-2_x', silentMs: 4000, expiresAt: AT }).map((line) => line.text)).toEqual([
      'held by cp-2_x',
      'silent for 4.0 s',
      `expires at ${formatClock(AT)}`,
    ]);
  });

  it('does not read a key inherited from Object as a wording', () => {
    expect(describeEvidence('constructor', 'x').text).toBe('constructor: x');
  });
});

describe('formatSpan', () => {
  it.each([
    [850, '850 ms'],
    [59_900, '59.9 s'],
    [75_000, '1 min 15 s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });
});
