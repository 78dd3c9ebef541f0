/**
 * Freshness says how much to trust a value: every part of a ClusterState carries one, so the screen
 * can never show a silently stale view. Times are epoch milliseconds taken from hawk's own clock.
 */
export type SourceState =
  /** The watch or probe is delivering; values are current. */
  | 'live'
  /** Connecting for the first time or after an error; values (if any) are the last known ones. */
  | 'reconnecting'
  /** No event for longer than expected; hawk cannot vouch for the values. */
  | 'stale'
  /** The source is not available for this cluster (not served, no credentials, not configured). */
  | 'unavailable';

export interface Freshness {
  readonly state: SourceState;
  /** When hawk last received anything from this source (epoch ms), null if never. */
  readonly lastEventAt: number | null;
  /** Human-readable reason for a state other than live (the error message, "410 Gone, relisting" …). */
  readonly detail?: string;
  /**
   * Objects beyond what hawk keeps of this source, by the path they were listed from: a namespace filled with
   * thousands of Leases is not held, pushed and recorded whole. Absent when nothing was left out.
   */
  readonly dropped?: Readonly<Record<string, { readonly kept: number; readonly dropped: number }>>;
}

export const NEVER_SEEN: Freshness = { state: 'reconnecting', lastEventAt: null };
