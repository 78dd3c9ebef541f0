/**
 * The storage half of leader election, apart from the timing (elector.ts), as in client-go's
 * resourcelock: one interface here, one file per backend (redis-lock.ts, lease-lock.ts).
 */
import type { Takeover } from './leadership';

export interface LeaderLock {
  /**
   * Takes the lock if vacant or expired: how it was taken when this identity now holds it ('vacant':
   * released, never held, or already ours; 'expired': a holder stopped renewing), else false.
   */
  tryAcquire(identity: string, ttlMs: number): Promise<Takeover | false>;
  /** Extends the lock only if this identity still holds it. */
  renew(identity: string, ttlMs: number): Promise<boolean>;
  /** Gives the lock up only if this identity holds it, so a successor need not wait for expiry. */
  release(identity: string): Promise<void>;
  /** The holder as last observed, null when vacant or unknown. */
  holder(): Promise<string | null>;
}

/**
 * LeaderRecord is what a record-based lock (a Lease) stores, free of any API type: client-go's
 * LeaderElectionRecord. Times are epoch milliseconds, written from the writer's clock, so they are
 * shown but never used to judge expiry (see lease-lock.ts).
 */
export interface LeaderRecord {
  /** Empty when released. */
  readonly holderIdentity: string;
  /** How long the record stays valid after it was last seen to change (ms). */
  readonly leaseDurationMs: number;
  readonly acquireTime: number | null;
  readonly renewTime: number | null;
  /** Times the holder changed hands. */
  readonly leaseTransitions: number;
}
