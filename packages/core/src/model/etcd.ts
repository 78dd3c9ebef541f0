import type { Freshness } from './freshness';

/** etcd member IDs are uint64: carried as decimal strings, never as JS numbers (they exceed 2^53). */
export type EtcdMemberId = string;

export interface EtcdMemberStatus {
  readonly leaderId: EtcdMemberId;
  readonly raftTerm: string;
  readonly raftIndex: string;
  readonly dbSizeBytes: number;
  readonly dbSizeInUseBytes: number | null;
  readonly version: string;
  readonly isLearner: boolean;
  readonly errors: readonly string[];
}

export interface EtcdMember {
  readonly id: EtcdMemberId;
  readonly name: string;
  readonly peerURLs: readonly string[];
  readonly clientURLs: readonly string[];
  readonly isLearner: boolean;
  /** Whether hawk could read this member's status just now. */
  readonly reachable: boolean;
  readonly status: EtcdMemberStatus | null;
  readonly error: string | null;
  readonly checkedAt: number | null;
}

export type EtcdAlarm = { readonly memberId: EtcdMemberId; readonly alarm: 'NOSPACE' | 'CORRUPT' | string };

export type EtcdTopology = 'stacked' | 'external' | 'unknown' | 'managed-hidden';

export interface EtcdView {
  /** Where the data came from: the etcd API itself, what apiservers report in /readyz, or nothing. */
  readonly source: 'etcd-api' | 'apiserver-readyz' | 'none';
  readonly members: readonly EtcdMember[];
  readonly leaderId: EtcdMemberId | null;
  readonly raftTerm: string | null;
  readonly alarms: readonly EtcdAlarm[];
  /** Backend quota (bytes): --quota-backend-bytes, 2 GiB when not known. */
  readonly quotaBytes: number;
  readonly topology: EtcdTopology;
  /** Sentences saying what decided the topology ("member 10.0.0.11 is control-plane node cp-1's address"). */
  readonly topologyEvidence: readonly string[];
  /** Observed leader changes with their times (epoch ms), bounded; feeds the flapping rule. */
  readonly leaderChanges: readonly {
    readonly at: number;
    readonly from: EtcdMemberId | null;
    readonly to: EtcdMemberId | null;
  }[];
  /** The last leader seen and its term, carried across reads with no leader; set by `observeEtcdLeader`. */
  readonly lastKnownLeader?: { readonly id: EtcdMemberId; readonly raftTerm: string | null } | null;
  /** When the source is apiserver-readyz: how many apiservers report etcd healthy, out of how many answered. */
  readonly readyzEtcd: { readonly ok: number; readonly answered: number } | null;
  readonly freshness: Freshness;
}

/**
 * How full one member's backend is, judged once against the quota with config.etcdDbWarnRatio and
 * etcdDbCriticalRatio (etcd/db-use.ts): the EtcdDbNearQuota finding and the screens' bars read it.
 */
export interface EtcdDbUse {
  readonly memberId: EtcdMemberId;
  /** dbSizeBytes / quotaBytes; above 1 when etcd already passed its quota. */
  readonly ratio: number;
  readonly severity: 'ok' | 'warning' | 'critical';
  /** Its growth over the recent window and when it reaches the quota at that rate; null without enough reads. */
  readonly trend: EtcdDbTrend | null;
}

/** One read of a member's DB size, at hawk's clock. */
export interface EtcdDbSample {
  readonly at: number;
  readonly dbSizeBytes: number;
}

export interface EtcdDbTrend {
  /** Fitted growth (bytes per hour); negative when it shrinks. */
  readonly bytesPerHour: number;
  /** When the DB reaches the quota at that rate (epoch ms); null when it does not grow enough to say. */
  readonly fullAt: number | null;
}

/** The raft leader reachable members report (see `computeQuorum`): evidence that raft still has a quorum. */
export interface RaftLeaderEvidence {
  readonly id: EtcdMemberId;
  /** Its member name; null when the membership hawk read does not list it. */
  readonly name: string | null;
  readonly raftTerm: string;
  /** Whether the leader itself answered: a draining member has closed its client port and still leads. */
  readonly answering: boolean;
  /** Names of the members whose status names it. */
  readonly reportedBy: readonly string[];
}

export interface QuorumView {
  readonly voters: number;
  /** Voters that answered just now. */
  readonly healthy: number;
  /**
   * Voters raft still counts, at least: those answering, a silent leader that reachable members name, and a quorum
   * while raft has a leader (CheckQuorum). Equals `healthy` when no member reports a leader.
   */
  readonly inRaft: number;
  /** floor(voters/2)+1 */
  readonly quorum: number;
  /** How many more voters may fail with quorum kept: inRaft - quorum (negative when lost). */
  readonly failuresTolerated: number;
  readonly hasQuorum: boolean;
  /** Fault tolerance is the same as with one member fewer. */
  readonly evenCount: boolean;
  /** The leader the reachable voters report in the current term, read recently enough; null when none does. */
  readonly raftLeader: RaftLeaderEvidence | null;
  /** What the judgement rests on, in one line: "1/3 answering; raft still has a leader: cp-1, term 7". */
  readonly evidence: string;
}

/** A Prometheus histogram as etcd exports it: cumulative since the member started. */
export interface CumulativeHistogram {
  /** Upper bounds (seconds) with the count of observations at or below each, ascending; the last is +Inf. */
  readonly buckets: readonly { readonly le: number; readonly count: number }[];
  readonly count: number;
  readonly sum: number;
}

/**
 * One scrape of a member's /metrics, at hawk's clock: the few cumulative histograms and counters that tell a slow
 * disk or a starved member before raft gives up on it. Null where the member did not export the family.
 */
export interface EtcdMetricsSample {
  readonly at: number;
  readonly walFsync: CumulativeHistogram | null;
  readonly backendCommit: CumulativeHistogram | null;
  /** Round-trip time to each peer, by the peer's member id (decimal, as elsewhere in the model). */
  readonly peerRoundTrip: Readonly<Record<EtcdMemberId, CumulativeHistogram>>;
  /** Heartbeats this member, as leader, sent later than twice the heartbeat interval. */
  readonly heartbeatSendFailures: number | null;
  /** Applies that took longer than etcd's 100 ms warning. */
  readonly slowApplies: number | null;
  readonly leaderChangesSeen: number | null;
}
