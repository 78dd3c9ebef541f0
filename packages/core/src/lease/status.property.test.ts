import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { Freshness, SourceState } from '../model/freshness';
import type { LeaseRecord, LeaseTrack } from '../model/lease';
import { judgeLease } from './status';
import { observeLease } from './tracker';

const T0 = Date.UTC(2026, 0, 1);
const DURATION_S = 15;

/** A lease's life as hawk sees it: writes by holders with arbitrary clocks, delivered at arbitrary times. */
interface LeaseEvent {
  readonly gapMs: number;
  readonly holder: string | null;
  readonly skewMs: number;
  readonly changes: boolean;
}

const eventsArb: fc.Arbitrary<LeaseEvent[]> = fc.array(
  fc.record({
    gapMs: fc.integer({ min: 0, max: 20_000 }),
    holder: fc.constantFrom('a', 'b', null),
    skewMs: fc.integer({ min: -3_600_000, max: 3_600_000 }),
    changes: fc.boolean(),
  }),
  { minLength: 1, maxLength: 30 },
);

function fold(events: readonly LeaseEvent[], holderClockMs = 0) {
  let track: LeaseTrack | undefined;
  let at = T0;
  let version = 0;
  const changedAt: number[] = [];
  for (const event of events) {
    at += event.gapMs;
    if (event.changes || track === undefined) version += 1;
    const record: LeaseRecord = {
      namespace: 'kube-system',
      name: 'kube-scheduler',
      holderIdentity: event.holder,
      acquireTime: new Date(T0 + event.skewMs + holderClockMs).toISOString(),
      // The holder writes its own clock, arbitrarily skewed; a write that changes nothing repeats the last one.
      renewTime: new Date(T0 + version * 7 + event.skewMs * Number(event.changes) + holderClockMs).toISOString(),
      leaseDurationSeconds: DURATION_S,
      leaseTransitions: 0,
      resourceVersion: String(version),
      strategy: null,
    };
    const before = track;
    track = observeLease(track, record, at, DEFAULT_CONFIG).track;
    if (track.observedRenewAt !== before?.observedRenewAt) changedAt.push(at);
  }
  return { track: track!, lastAt: at, changedAt };
}

const live: Freshness = { state: 'live', lastEventAt: T0 };

describe('lease status (properties)', () => {
  it('is unknown whenever the watch is not live', () => {
    fc.assert(
      fc.property(
        eventsArb,
        fc.constantFrom<SourceState>('reconnecting', 'stale', 'unavailable'),
        fc.integer({ min: 0, max: 600_000 }),
        (events, state, later) => {
          const { track, lastAt } = fold(events);
          expect(judgeLease(track, lastAt + later, { state, lastEventAt: T0 }, DEFAULT_CONFIG).status).toBe('unknown');
        },
      ),
    );
  });

  it('is never expired while a renewal was observed within the lease duration', () => {
    fc.assert(
      fc.property(eventsArb, fc.integer({ min: 0, max: DURATION_S * 1000 }), (events, sinceLast) => {
        const { track } = fold(events);
        const status = judgeLease(track, track.observedRenewAt! + sinceLast, live, DEFAULT_CONFIG).status;
        expect(status).not.toBe('expired');
      }),
    );
  });

  it("never depends on the holder's renewTime against now: rewriting the holder's clock changes nothing", () => {
    fc.assert(
      fc.property(
        eventsArb,
        fc.integer({ min: -86_400_000, max: 86_400_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        (events, shiftMs, later) => {
          const { track, lastAt } = fold(events);
          const shift = (value: string | null) =>
            value === null ? null : new Date(Date.parse(value) + shiftMs).toISOString();
          const shifted: LeaseTrack = track.record
            ? {
                ...track,
                record: {
                  ...track.record,
                  renewTime: shift(track.record.renewTime),
                  acquireTime: shift(track.record.acquireTime),
                },
              }
            : track;
          const now = lastAt + later;
          expect(judgeLease(shifted, now, live, DEFAULT_CONFIG).status).toBe(
            judgeLease(track, now, live, DEFAULT_CONFIG).status,
          );
        },
      ),
    );
  });

  it('a holder clock off by any amount leaves renewals, transitions and status unchanged (only skew moves)', () => {
    fc.assert(
      fc.property(
        eventsArb,
        fc.integer({ min: -86_400_000, max: 86_400_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        (events, clockMs, later) => {
          const honest = fold(events);
          const skewed = fold(events, clockMs);
          expect(skewed.track.observedRenewAt).toBe(honest.track.observedRenewAt);
          expect(skewed.track.transitions).toEqual(honest.track.transitions);
          const now = honest.lastAt + later;
          expect(judgeLease(skewed.track, now, live, DEFAULT_CONFIG).status).toBe(
            judgeLease(honest.track, now, live, DEFAULT_CONFIG).status,
          );
        },
      ),
    );
  });

  it('observed renewals are exactly the record changes, stamped in order', () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        const { changedAt } = fold(events);
        expect([...changedAt].sort((a, b) => a - b)).toEqual(changedAt);
      }),
    );
  });
});
