/**
 * A renewal, in hawk's clock model (see tracker.ts): a Lease-like object's renewal is a change of
 * what its holder writes, stamped with hawk's clock when observed. The writer's own renewTime is
 * only compared with its previous value, never with hawk's clock. Leader leases (folded by
 * tracker.ts, with leaderRecordChanged), apiserver identity leases and LeaseCandidate objects
 * (observeRenewal) are all read this way.
 */
import type { LeaseRecord } from '../model/lease';

/** What a renewal writes: its time, and for leases the holder. */
export interface Renewable {
  readonly renewTime: string | null;
  readonly holderIdentity?: string | null;
}

/** A value with hawk's clock at its last observed renewal (epoch ms). */
export type Renewed<T> = T & { readonly observedRenewAt: number };

/** renewed: the writer wrote again (a new renewTime) or another holder took over. */
export function renewed(previous: Renewable, next: Renewable): boolean {
  return previous.renewTime !== next.renewTime || (previous.holderIdentity ?? null) !== (next.holderIdentity ?? null);
}

/**
 * observeRenewal stamps one read observed at `observedAt`: a first sight or a renewal is stamped
 * now (as client-go stamps observedTime when it first reads the lock); an unchanged read (a
 * resync, a relist) keeps the previous stamp.
 */
export function observeRenewal<T extends Renewable>(
  previous: Renewed<T> | undefined,
  next: T,
  observedAt: number,
): Renewed<T> {
  return {
    ...next,
    observedRenewAt: previous === undefined || renewed(previous, next) ? observedAt : previous.observedRenewAt,
  };
}

/**
 * resumeObservation: hawk itself did not run until `resumedAt` (its process frozen or starved), so
 * renewals it could not observe meanwhile say nothing of the writer. A stamp older than the resume
 * restarts there, as on a first sight: a writer that really stopped is judged a cadence after hawk
 * looks again, instead of hawk accusing every holder of its own stall.
 */
export function resumeObservation<T extends { readonly observedRenewAt: number | null }>(
  value: T,
  resumedAt: number,
): T {
  return value.observedRenewAt !== null && value.observedRenewAt < resumedAt
    ? { ...value, observedRenewAt: resumedAt }
    : value;
}

/**
 * leaderRecordChanged: a leader lease renewed (or changed hands). Compares the leader-election
 * fields only, as client-go compares its LeaderElectionRecord: resourceVersion also moves on metadata-only writes (an
 * admin's label), which are not renewals.
 */
export function leaderRecordChanged(a: LeaseRecord | null, b: LeaseRecord | null): boolean {
  if (a === null || b === null) return a !== b;
  return (
    a.holderIdentity !== b.holderIdentity ||
    a.renewTime !== b.renewTime ||
    a.acquireTime !== b.acquireTime ||
    a.leaseDurationSeconds !== b.leaseDurationSeconds ||
    a.leaseTransitions !== b.leaseTransitions ||
    a.strategy !== b.strategy
  );
}
