import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { LeaseRecord, LeaseTrack } from '../model/lease';
import { median, observeLease } from './tracker';

const T0 = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();

function record(holder: string | null, renewAt: number | null, extra: Partial<LeaseRecord> = {}): LeaseRecord {
  return {
    namespace: 'kube-system',
    name: 'kube-scheduler',
    holderIdentity: holder,
    acquireTime: renewAt === null ? null : iso(T0),
    renewTime: renewAt === null ? null : iso(renewAt),
    leaseDurationSeconds: 15,
    leaseTransitions: 0,
    resourceVersion: String(renewAt ?? 0),
    strategy: null,
    ...extra,
  };
}

/** Folds [observedAt, record] pairs in order, as the leases source does. */
function fold(events: readonly (readonly [number, LeaseRecord | null])[]) {
  let track: LeaseTrack | undefined;
  const transitions = [];
  for (const [at, rec] of events) {
    const result = observeLease(track, rec, at, DEFAULT_CONFIG);
    track = result.track;
    if (result.transition) transitions.push(result.transition);
  }
  return { track: track!, transitions };
}

describe('observeLease', () => {
  it.each([
    [
      'first sight counts as a renewal now',
      [[T0 + 500, record('a', T0)]],
      { observedRenewAt: T0 + 500, holderSinceAt: T0 + 500, skewMs: 500, component: 'kube-scheduler' },
    ],
    [
      'an unchanged record (resync) is no renewal',
      [
        [T0, record('a', T0)],
        [T0 + 5000, record('a', T0)],
      ],
      { observedRenewAt: T0 },
    ],
    [
      'a metadata-only write is no renewal',
      [
        [T0, record('a', T0)],
        [T0 + 5000, record('a', T0, { resourceVersion: '99' })],
      ],
      { observedRenewAt: T0 },
    ],
    [
      "a changed renewTime is a renewal stamped with hawk's clock",
      [
        [T0, record('a', T0)],
        [T0 + 2100, record('a', T0 + 2000)],
      ],
      { observedRenewAt: T0 + 2100, skewMs: 100 },
    ],
    [
      'the first interval runs from the first renewal seen, not from the first sight',
      [
        [T0 + 1500, record('a', T0)],
        [T0 + 2000, record('a', T0 + 2000)],
        [T0 + 4100, record('a', T0 + 4000)],
      ],
      { learnedCadenceMs: null, recentIntervalsMs: [2100], cadenceAnchorAt: T0 + 4100 },
    ],
    [
      'the cadence is learned after enough intervals (median)',
      [
        [T0, record('a', T0)],
        ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map(
          (i) => [T0 + i * 2000 + (i === 3 ? 100 : 0), record('a', T0 + i * 2000)] as const,
        ),
      ],
      { learnedCadenceMs: 2000, recentIntervalsMs: [2000, 2100, 1900, 2000, 2000, 2000, 2000, 2000] },
    ],
    [
      'intervals longer than the lease are gaps, not cadence',
      [
        [T0, record('a', T0)],
        [T0 + 60_000, record('a', T0 + 60_000)],
      ],
      { recentIntervalsMs: [] },
    ],
    ['a holder clock 5 min behind shows as skew', [[T0, record('a', T0 - 300_000)]], { skewMs: 300_000 }],
    [
      'a deleted lease keeps its last observed renewal',
      [
        [T0, record('a', T0)],
        [T0 + 1000, null],
      ],
      { record: null, observedRenewAt: T0 + 1000 },
    ],
  ] as const)('%s', (_name, events, expected) => {
    expect(fold(events).track).toMatchObject(expected);
  });

  it.each([
    [
      "holder change: gap from the old holder's last observed renewal to the new holder's first observation",
      [
        [T0, record('a', T0)],
        [T0 + 2000, record('a', T0 + 2000)],
        [T0 + 19_000, record('b', T0 + 19_000, { acquireTime: iso(T0 + 19_000) })],
      ],
      [
        {
          lease: 'kube-system/kube-scheduler',
          from: 'a',
          to: 'b',
          at: T0 + 19_000,
          leaderlessMs: 17_000,
          handover: 'expired',
        },
      ],
    ],
    [
      'new holder seen late (watch gap): its acquire is placed by renewTime − acquireTime, skew-free',
      [
        [T0, record('a', T0)],
        [T0 + 30_000, record('b', T0 + 600_000 + 10_000, { acquireTime: iso(T0 + 600_000) })],
      ],
      [
        {
          lease: 'kube-system/kube-scheduler',
          from: 'a',
          to: 'b',
          at: T0 + 30_000,
          leaderlessMs: 20_000,
          handover: 'expired',
        },
      ],
    ],
    [
      'release then acquire: two transitions, both a graceful handover',
      [
        [T0, record('a', T0)],
        [T0 + 1000, record(null, T0 + 1000)],
        [T0 + 3000, record('b', T0 + 3000, { acquireTime: iso(T0 + 3000) })],
      ],
      [
        {
          lease: 'kube-system/kube-scheduler',
          from: 'a',
          to: null,
          at: T0 + 1000,
          leaderlessMs: null,
          handover: 'released',
        },
        {
          lease: 'kube-system/kube-scheduler',
          from: null,
          to: 'b',
          at: T0 + 3000,
          leaderlessMs: 2000,
          handover: 'released',
        },
      ],
    ],
  ] as const)('%s', (_name, events, expected) => {
    expect(fold(events).transitions).toEqual(expected);
  });

  it('bounds the transitions kept; a handover starts no interval', () => {
    const events: [number, LeaseRecord][] = [];
    for (let i = 0; i < 60; i++) events.push([T0 + i * 1000, record(`h${i % 2}`, T0 + i * 1000)]);
    const { track } = fold(events);
    expect(track.recentIntervalsMs).toEqual([]);
    expect(track.cadenceAnchorAt).toBeNull();
    expect(track.transitions).toHaveLength(DEFAULT_CONFIG.transitionsKept);
  });

  it("keeps the learned intervals across a handover: a lease's candidates share their flags", () => {
    const events: [number, LeaseRecord][] = [];
    for (let i = 0; i < 10; i++)
      events.push([T0 + i * 26_000, record('a', T0 + i * 26_000, { leaseDurationSeconds: 137 })]);
    events.push([T0 + 400_000, record('b', T0 + 400_000, { leaseDurationSeconds: 137 })]);
    const { track } = fold(events);
    expect(track.learnedCadenceMs).toBe(26_000);
    expect(track.cadenceAnchorAt).toBeNull();
  });

  it('a first observation of nothing yields an empty track', () => {
    expect(observeLease(undefined, null, T0, DEFAULT_CONFIG).track).toMatchObject({
      name: '',
      record: null,
      observedRenewAt: null,
    });
  });

  it.each([
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
  ])('median of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});
