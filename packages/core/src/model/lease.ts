/** The Lease fields leader election writes, as read from the API; any may be missing on a malformed object. */
export interface LeaseRecord {
  readonly namespace: string;
  readonly name: string;
  readonly holderIdentity: string | null;
  /** RFC 3339 timestamps as written by the holder; only used for display and skew, never for liveness. */
  readonly acquireTime: string | null;
  readonly renewTime: string | null;
  readonly leaseDurationSeconds: number | null;
  readonly leaseTransitions: number | null;
  /** metadata.resourceVersion: a change means the holder wrote the record. */
  readonly resourceVersion: string;
  /** Holder's identity strategy, e.g. "OldestEmulationVersion" under coordinated leader election. */
  readonly strategy: string | null;
  /** metadata.labels, when known: tells apiserver identity leases from leader-election ones. */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * What a candidate's liveness was judged by: its own health endpoint, the kubelet's readiness of its
 * mirror pod, its LeaseCandidate renewals, or nothing hawk can observe from where it runs.
 */
export type LivenessBasis = 'health-endpoint' | 'kubelet-readiness' | 'lease-candidate' | 'not-observable';

/** A candidate for a leader lease, from a LeaseCandidate object or inferred from the component's pods. */
export interface LeaseCandidate {
  readonly identity: string;
  readonly node: string | null;
  readonly source: 'lease-candidate' | 'pod';
  /** For LeaseCandidate objects: when hawk last saw its renewTime change (epoch ms). */
  readonly observedRenewAt: number | null;
  /**
   * Whether this candidate could take over now: its own health endpoint answered (pods), or its
   * LeaseCandidate renewal is recent. false is a dead candidate, not counted as a standby;
   * null or absent is unknown, and counted (hawk does not cry wolf over what it cannot see).
   */
  readonly live?: boolean | null;
  /** What `live` was judged by; absent on candidates built before it was recorded. */
  readonly liveBasis?: LivenessBasis;
  /** One sentence saying why, e.g. "--bind-address=127.0.0.1: judged by the kubelet's readiness". */
  readonly liveNote?: string | null;
}

/** A candidate that could take a lease over if its holder died now: another process, live or not observable. */
export interface Standby {
  readonly identity: string;
  /** The node it runs on, null when not known yet. */
  readonly node: string | null;
  readonly source: LeaseCandidate['source'];
  /** true judged live; null not observable from where hawk runs (counted: hawk does not cry wolf). */
  readonly live: boolean | null;
}

export type LeaseStatus =
  /** Renewals observed on schedule. */
  | 'held'
  /** No renewal observed for longer than the learned cadence plus slack, but not yet past the lease duration. */
  | 'renew-overdue'
  /** No renewal observed for longer than leaseDurationSeconds: the leader is lost, a standby should take over. */
  | 'expired'
  /** The record has no holder (released, or never acquired). */
  | 'no-holder'
  /** The lease is malformed (missing renew time, zero duration): hawk cannot judge it. */
  | 'malformed'
  /** hawk's own watch is not live: the status is unknown, never "leader lost". */
  | 'unknown';

/** One change of holder, with how long the cluster had no renewing leader. */
export interface LeaderTransition {
  /** "namespace/name", as ClusterInput keys leases. */
  readonly lease: string;
  readonly from: string | null;
  readonly to: string | null;
  /** When hawk observed the new holder (epoch ms). */
  readonly at: number;
  /** Last observed renewal by the old holder to the observed acquire of the new one (ms); null if not measurable. */
  readonly leaderlessMs: number | null;
  /**
   * How leadership changed hands: 'released' when the record passed through no holder (the holder
   * cleared it on a graceful exit, or the lease was free), 'expired' when a new holder replaced a
   * named one, which client-go only does after the old holder's lease ran out (a crash or hang).
   * Absent on transitions recorded before hawk tracked it.
   */
  readonly handover?: 'released' | 'expired';
}

/**
 * What hawk knows of one leader-election lease over time. Built by folding observations with
 * `observeLease` (lease/tracker.ts); judged by `judgeLease` (lease/status.ts).
 */
export interface LeaseTrack {
  readonly namespace: string;
  readonly name: string;
  /** Component the lease elects, e.g. "kube-controller-manager"; the lease name for unknown ones. */
  readonly component: string;
  readonly record: LeaseRecord | null;
  /** hawk's clock when the record last changed (the observed renewal), as client-go's observedTime. */
  readonly observedRenewAt: number | null;
  /** hawk's clock when the current holder was first observed. */
  readonly holderSinceAt: number | null;
  /** Median interval between observed renewals (ms), null until config.cadenceMinSamples are learned. */
  readonly learnedCadenceMs: number | null;
  /**
   * Recent renewal intervals (ms), bounded, used to learn the cadence. Each runs from one observed renewal to the
   * next; kept across a handover, since a lease's candidates run with the same flags.
   */
  readonly recentIntervalsMs: readonly number[];
  /**
   * hawk's clock at the last renewal seen as a change, from which the next interval is measured; null after a first
   * sight, a handover or hawk's own pause, when the stamp is not a renewal's time and an interval from it would be
   * too short.
   */
  readonly cadenceAnchorAt: number | null;
  /**
   * The current holder's recent renewal intervals (ms), newest last, bounded by config.leaderMarginWindow; emptied at a
   * handover, so one holder's late renewals are never held against the next. Absent on tracks built before it was kept.
   */
  readonly holderIntervalsMs?: readonly number[];
  /** observed - holder's renewTime at the last renewal (ms): positive means the holder's clock is behind. */
  readonly skewMs: number | null;
  readonly transitions: readonly LeaderTransition[];
  readonly candidates: readonly LeaseCandidate[];
  /** Whether LeaseCandidate objects are served (coordinated leader election), so candidates came from them. */
  readonly candidatesSource: 'lease-candidate' | 'pod' | 'none';
}

/** A lease as shipped to screens: the track plus its judged status. */
export interface LeaseView extends LeaseTrack {
  readonly status: LeaseStatus;
  /** Deadline for the next renewal judged from the observed renewal (epoch ms), null if unknown. */
  readonly expiresAt: number | null;
  /** When the lease turns renew-overdue if no renewal is observed: observed renewal + cadence + slack (epoch ms). */
  readonly overdueAt: number | null;
  /**
   * The renewal interval hawk expects of this holder (ms), and whether it was learned or guessed; see expectation.ts.
   */
  readonly expectedRenewal: RenewalExpectation | null;
  /**
   * Live (or unknown) candidates other than the holder, ready to take over: judged once by `standbysOf`
   * (lease/candidates.ts); screens list these and count them, never re-derive them.
   */
  readonly standbys: readonly Standby[];
  /**
   * The holder's clock is off from hawk's by more than config.clockSkewNoteMs: screens say so; never part of a verdict.
   */
  readonly skewNoted: boolean;
  /** How close the holder's recent renewals come to its renew deadline (lease/margin.ts); null without a holder. */
  readonly margin: LeaderMargin | null;
}

/** The holder's recent renewal intervals against its elector's renew deadline, judged by lease/margin.ts. */
export interface LeaderMargin {
  /** The renew deadline judged against (ms): a known elector's, else a fraction of the lease duration. */
  readonly renewDeadlineMs: number;
  readonly deadlineBasis: 'known-elector' | 'lease-ratio';
  /** The current holder's recent intervals judged (ms), newest last. */
  readonly intervalsMs: readonly number[];
  /** How many of them came at or past config.leaderMarginLateRatio of the deadline. */
  readonly late: number;
  /**
   * The deadline minus the config.leaderMarginLateCount-th longest recent interval (ms): what the run of late renewals
   * leaves; negative past the deadline, null with fewer intervals than that.
   */
  readonly marginMs: number | null;
  /** At least config.leaderMarginLateCount late intervals: the holder is running out of margin. */
  readonly low: boolean;
}

/**
 * What hawk expects of a holder's renewals: a cadence, learned from observed intervals or guessed from the lease
 * duration, and the silence after the last observed renewal that counts as a missed one.
 */
export interface RenewalExpectation {
  readonly cadenceMs: number;
  readonly overdueAfterMs: number;
  /** learned: from observed intervals; known-elector / lease-ratio: guessed from the lease duration. */
  readonly basis: 'learned' | 'known-elector' | 'lease-ratio';
}
