import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { Freshness } from '../model/freshness';
import type { LeaseRecord } from '../model/lease';
import { setLeaseCandidates } from './candidates';
import { judgeLease } from './status';
import { observeLease } from './tracker';

const T0 = Date.UTC(2026, 0, 1);
const live: Freshness = { state: 'live', lastEventAt: T0 };
const rec = (fields: Partial<LeaseRecord> = {}): LeaseRecord => ({
  namespace: 'kube-system',
  name: 'kube-controller-manager',
  holderIdentity: 'cp-1_x',
  acquireTime: new Date(T0).toISOString(),
  renewTime: new Date(T0).toISOString(),
  leaseDurationSeconds: 15,
  leaseTransitions: 0,
  resourceVersion: '1',
  strategy: null,
  ...fields,
});
const track = (fields: Partial<LeaseRecord> = {}) => observeLease(undefined, rec(fields), T0, DEFAULT_CONFIG).track;

describe('judgeLease', () => {
  it.each([
    ['renewed just now', track(), 1000, live, 'held'],
    ['silent past the guessed cadence (kube: 2 s) + 35 %', track(), 2701, live, 'renew-overdue'],
    ['silent exactly at the guessed cadence + 35 %', track(), 2700, live, 'held'],
    ['silent past the lease duration', track(), 15_001, live, 'expired'],
    [
      'watch reconnecting: unknown even long after',
      track(),
      600_000,
      { state: 'reconnecting', lastEventAt: T0 },
      'unknown',
    ],
    ['watch stale', track(), 1000, { state: 'stale', lastEventAt: T0 }, 'unknown'],
    ['no holder', track({ holderIdentity: null }), 1000, live, 'no-holder'],
    ['no renew time', track({ renewTime: null }), 1000, live, 'malformed'],
    ['zero duration', track({ leaseDurationSeconds: 0 }), 1000, live, 'malformed'],
    ['no duration', track({ leaseDurationSeconds: null }), 1000, live, 'malformed'],
    ['deleted', { ...track(), record: null }, 1000, live, 'no-holder'],
    ['never observed renewing', { ...track(), observedRenewAt: null }, 1000, live, 'unknown'],
    [
      'holder renewTime far in the future changes nothing',
      track({ renewTime: new Date(T0 + 3_600_000).toISOString() }),
      16_000,
      live,
      'expired',
    ],
  ] as const)('%s → %s', (_name, t, after, freshness, status) => {
    expect(judgeLease(t, T0 + after, freshness, DEFAULT_CONFIG).status).toBe(status);
  });

  it('uses the learned cadence and gives the deadlines', () => {
    const learned = {
      ...track(),
      learnedCadenceMs: 5000,
      recentIntervalsMs: [4900, 5000, 5100, 5000, 5000, 5000, 5000, 5000],
    };
    const view = judgeLease(learned, T0 + 5500, live, DEFAULT_CONFIG);
    // The longest interval (5.1 s) plus the 10 % of the cadence that beats the 400 ms floor.
    expect(view).toMatchObject({ status: 'held', overdueAt: T0 + 5600, expiresAt: T0 + 15_000 });
    expect(view.expectedRenewal).toEqual({ cadenceMs: 5000, overdueAfterMs: 5600, basis: 'learned' });
  });

  it.each([
    ['LeaseCandidate identities include the holder', ['cp-1_x', 'cp-2_x', 'cp-3_x'], 2],
    ["LeaseCandidates without the holder's own: each is another process", ['kcm-cp-1', 'kcm-cp-2'], 2],
    ['no candidates', [], 0],
  ])('standbys: %s', (_name, identities, standbys) => {
    const withCandidates = setLeaseCandidates(
      track(),
      identities.map((identity) => ({
        identity,
        node: null,
        source: 'lease-candidate' as const,
        observedRenewAt: null,
      })),
      'lease-candidate',
    );
    expect(judgeLease(withCandidates, T0, live, DEFAULT_CONFIG).standbys).toHaveLength(standbys);
  });

  it.each([
    [
      'a dead candidate is no standby',
      [
        ['cp-1_x', 'cp-1', true],
        ['cp-2_x', 'cp-2', true],
        ['cp-3_x', 'cp-3', false],
      ],
      'lease-candidate',
      1,
    ],
    [
      'unknown liveness counts',
      [
        ['cp-1_x', 'cp-1', true],
        ['cp-2_x', 'cp-2', null],
        ['cp-3_x', 'cp-3', undefined],
      ],
      'lease-candidate',
      2,
    ],
    [
      'pods: the holder is the one on its node',
      [
        ['kcm-cp-1', 'cp-1', true],
        ['kcm-cp-2', 'cp-2', true],
        ['kcm-cp-3', 'cp-3', false],
      ],
      'pod',
      1,
    ],
    [
      'pods: a dead holder leaves the live ones as standbys',
      [
        ['kcm-cp-1', 'cp-1', false],
        ['kcm-cp-2', 'cp-2', true],
        ['kcm-cp-3', 'cp-3', true],
      ],
      'pod',
      2,
    ],
    [
      'pods without nodes: one of the live ones is the holder',
      [
        ['kcm-a', null, true],
        ['kcm-b', null, false],
      ],
      'pod',
      0,
    ],
  ] as const)('standbys by liveness: %s', (_name, entries, source, standbys) => {
    const candidates = entries.map(([identity, node, live]) => ({
      identity,
      node,
      source,
      observedRenewAt: null,
      ...(live === undefined ? {} : { live }),
    }));
    expect(judgeLease(setLeaseCandidates(track(), candidates, source), T0, live, DEFAULT_CONFIG).standbys).toHaveLength(
      standbys,
    );
  });

  it('standbys without a holder are all candidates', () => {
    const released = setLeaseCandidates(
      track({ holderIdentity: null }),
      [{ identity: 'a', node: null, source: 'pod', observedRenewAt: null }],
      'pod',
    );
    expect(judgeLease(released, T0, live, DEFAULT_CONFIG).standbys).toHaveLength(1);
  });
});

describe('skewNoted', () => {
  // skewMs = observed - written: a holder writing times 11 s in hawk's past is 11 s behind.
  const skewed = (ms: number, holderIdentity: string | null = 'cp-1_x') =>
    observeLease(undefined, rec({ holderIdentity, renewTime: new Date(T0 - ms).toISOString() }), T0, DEFAULT_CONFIG)
      .track;
  it.each([
    ['within the threshold', skewed(DEFAULT_CONFIG.clockSkewNoteMs), DEFAULT_CONFIG, false],
    ['past it, behind', skewed(DEFAULT_CONFIG.clockSkewNoteMs + 1), DEFAULT_CONFIG, true],
    ['past it, ahead', skewed(-(DEFAULT_CONFIG.clockSkewNoteMs + 1)), DEFAULT_CONFIG, true],
    ['past a threshold set at run time', skewed(3000), { ...DEFAULT_CONFIG, clockSkewNoteMs: 2000 }, true],
    ['without a holder', skewed(600_000, null), DEFAULT_CONFIG, false],
  ])('%s', (_case, lease, config, noted) => {
    expect(judgeLease(lease, T0 + 1000, live, config).skewNoted).toBe(noted);
  });
});
