/**
 * The lease tracker folds what hawk reads of a leader-election Lease into a LeaseTrack.
 *
 * Clock model, as client-go's leader election: hawk never compares the holder's renewTime with its
 * own clock. A renewal is a change of the record, stamped with hawk's clock when observed
 * (`observedRenewAt`); liveness is judged from that stamp alone (lease/status.ts). The holder's
 * renewTime only serves to measure skew (observed − written), which includes watch latency and is
 * shown, never used to judge. Clocks on the holder may be minutes off without changing a verdict.
 */
import type { HawkConfig } from '../config';
import type { LeaderTransition, LeaseRecord, LeaseTrack } from '../model/lease';
import { componentForLease, leaseKey } from './lease-kind';
import { leaderRecordChanged, resumeObservation } from './renewal';

export interface LeaseObservation {
  readonly track: LeaseTrack;
  /** Set when the holder changed with this observation. */
  readonly transition: LeaderTransition | null;
}

/**
 * observeLease folds one read of a lease (watch event, relist, or deletion as null) observed at
 * `observedAt` (hawk's clock, epoch ms) into the previous track.
 */
export function observeLease(
  previous: LeaseTrack | undefined,
  record: LeaseRecord | null,
  observedAt: number,
  config: HawkConfig,
): LeaseObservation {
  // 1. First sight: nothing to compare with, so the record counts as renewed now, as client-go
  //    stamps observedTime when it first reads the lock.
  if (previous === undefined) return { track: firstTrack(record, observedAt), transition: null };

  // 2. Same record (a resync, or a relist after 410 Gone returning the same bytes): nothing happened.
  //    Any other change is a renewal (renewal.ts), stamped now below.
  if (!leaderRecordChanged(previous.record, record)) return { track: { ...previous, record }, transition: null };

  const oldHolder = previous.record?.holderIdentity ?? null;
  const newHolder = record?.holderIdentity ?? null;

  // 3. Same holder wrote again: a renewal. Learn the cadence from the interval since the last renewal seen as one.
  if (oldHolder === newHolder) {
    const interval = intervalOf(previous, record, observedAt);
    const recentIntervalsMs =
      interval === null
        ? previous.recentIntervalsMs
        : [...previous.recentIntervalsMs, interval].slice(-config.cadenceSamples);
    return {
      track: {
        ...previous,
        record,
        observedRenewAt: observedAt,
        cadenceAnchorAt: observedAt,
        recentIntervalsMs,
        holderIntervalsMs:
          interval === null
            ? (previous.holderIntervalsMs ?? [])
            : [...(previous.holderIntervalsMs ?? []), interval].slice(-config.leaderMarginWindow),
        learnedCadenceMs: learnedCadence(recentIntervalsMs, config),
        skewMs: skewOf(record, observedAt) ?? previous.skewMs,
      },
      transition: null,
    };
  }

  // 4. Holder changed: a transition. The learned intervals stay (a lease's candidates share their flags); the
  //    acquire is no interval's start, since client-go renews right after it.
  const transition: LeaderTransition = {
    lease: leaseKey(previous),
    from: oldHolder,
    to: newHolder,
    at: observedAt,
    leaderlessMs: leaderlessGap(previous.observedRenewAt, record, observedAt),
    handover: oldHolder === null || newHolder === null ? 'released' : 'expired',
  };
  return {
    track: {
      ...previous,
      record,
      observedRenewAt: observedAt,
      holderSinceAt: newHolder === null ? null : observedAt,
      cadenceAnchorAt: null,
      holderIntervalsMs: [],
      skewMs: skewOf(record, observedAt),
      transitions: [...previous.transitions, transition].slice(-config.transitionsKept),
    },
    transition,
  };
}

function firstTrack(record: LeaseRecord | null, observedAt: number): LeaseTrack {
  const name = record?.name ?? '';
  return {
    namespace: record?.namespace ?? '',
    name,
    component: componentForLease(record?.namespace ?? '', name),
    record,
    observedRenewAt: record === null ? null : observedAt,
    holderSinceAt: record?.holderIdentity ? observedAt : null,
    learnedCadenceMs: null,
    recentIntervalsMs: [],
    holderIntervalsMs: [],
    cadenceAnchorAt: null,
    skewMs: skewOf(record, observedAt),
    transitions: [],
    candidates: [],
    candidatesSource: 'none',
  };
}

/**
 * An interval counts from the last renewal seen as a change only: from a first sight or a resume it is shorter than
 * the cadence. Intervals longer than the lease itself are gaps in hawk's view (or a paused holder), not the cadence.
 */
function intervalOf(previous: LeaseTrack, record: LeaseRecord | null, observedAt: number): number | null {
  if (previous.cadenceAnchorAt === null) return null;
  const interval = observedAt - previous.cadenceAnchorAt;
  const durationMs = (record?.leaseDurationSeconds ?? 0) * 1000;
  return interval <= 0 || (durationMs > 0 && interval > durationMs) ? null : interval;
}

function learnedCadence(intervalsMs: readonly number[], config: HawkConfig): number | null {
  return intervalsMs.length >= config.cadenceMinSamples ? median(intervalsMs) : null;
}

/**
 * resumeLeaseTrack: hawk did not run until `resumedAt` (see renewal.ts's resumeObservation). The stamp restarts
 * there and is no interval's start; what was learned of the cadence stays true.
 */
export function resumeLeaseTrack(track: LeaseTrack, resumedAt: number): LeaseTrack {
  const resumed = resumeObservation(track, resumedAt);
  return resumed === track ? track : { ...resumed, cadenceAnchorAt: null };
}

function skewOf(record: LeaseRecord | null, observedAt: number): number | null {
  const written = parseTime(record?.renewTime);
  return written === null ? null : observedAt - written;
}

/**
 * The leaderless gap runs from the old holder's last observed renewal to the new holder's acquire.
 * The acquire is placed on hawk's clock as `observedAt − (renewTime − acquireTime)`: both times
 * come from the new holder's own clock, so their difference is skew-free, and when hawk first sees
 * the new holder several renewals late (a watch gap) the gap is not inflated by that delay. It is
 * clamped to [old last renewal, observedAt] since neither bound can be crossed; without both times
 * the first observation is the best hawk knows.
 */
function leaderlessGap(lastRenewAt: number | null, record: LeaseRecord | null, observedAt: number): number | null {
  if (lastRenewAt === null || !record?.holderIdentity) return null;
  const acquired = parseTime(record.acquireTime);
  const renewed = parseTime(record.renewTime);
  const heldFor = acquired !== null && renewed !== null ? Math.max(0, renewed - acquired) : 0;
  const acquiredAt = Math.max(lastRenewAt, observedAt - heldFor);
  return Math.max(0, acquiredAt - lastRenewAt);
}

function parseTime(value: string | null | undefined): number | null {
  if (!value) return null;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

/** median of a non-empty list; the mean of the middle two for an even count. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
