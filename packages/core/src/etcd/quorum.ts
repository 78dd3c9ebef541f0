import type { HawkConfig } from '../config';
import type { EtcdMember, QuorumView, RaftLeaderEvidence } from '../model/etcd';

/** What computeQuorum reads of the config. */
export type QuorumConfig = Pick<HawkConfig, 'etcdLeaderEvidenceMs'>;

/**
 * computeQuorum judges etcd's quorum as raft counts it, from what the reachable voting members report at `now`.
 *
 * A member that answers is in raft. One that does not answer may still be: a gracefully stopped etcd closes its client
 * port at once and stays in raft for seconds while it drains (up to etcd's request timeout, 7 s by default). So hawk
 * also reads the members' statuses: etcd runs raft with CheckQuorum (a leader steps down after an election timeout,
 * 1 s by default, without hearing from a majority) and PreVote, so a leader that a status read just now names, in the
 * highest term any reachable voter reports, had a majority within the last election timeout. Then:
 *
 * 1. Voters are the members that are not learners: learners replicate but do not vote, so they neither count towards
 *    the quorum nor help keep it.
 * 2. `healthy` stays what answered just now.
 * 3. The raft leader is the one the reachable voters in the highest term name, from reads no older than
 *    `etcdLeaderEvidenceMs` (older reads mean hawk stopped hearing from etcd, and prove nothing about now).
 * 4. `inRaft` is the answering voters, plus the leader when it does not answer, and at least a quorum while raft has
 *    a leader (CheckQuorum): a lower bound on the voters raft still counts. Quorum holds while `inRaft` reaches it, so
 *    it is lost as soon as too few answer and no reachable voter reports a leader.
 *
 * What the committed index does is not judged: one read cannot tell a stuck index from an idle cluster, and CheckQuorum
 * already bounds how long a leader without a majority keeps its claim.
 */
export function computeQuorum(members: readonly EtcdMember[], now: number, config: QuorumConfig): QuorumView {
  const voters = members.filter((member) => !member.isLearner);
  const healthy = voters.filter((member) => member.reachable).length;
  const quorum = Math.floor(voters.length / 2) + 1;
  const raftLeader = raftLeaderOf(voters, now, config.etcdLeaderEvidenceMs);
  const leaderVotes = voters.some((member) => member.id === raftLeader?.id);
  const silentVoter = raftLeader !== null && !raftLeader.answering && leaderVotes;
  const inRaft = raftLeader === null ? healthy : Math.max(healthy + (silentVoter ? 1 : 0), quorum);
  const hasQuorum = voters.length > 0 && inRaft >= quorum;
  return {
    voters: voters.length,
    healthy,
    inRaft,
    quorum,
    failuresTolerated: inRaft - quorum,
    hasQuorum,
    // 2k members tolerate k−1 failures, as 2k−1 do: the extra member only adds a machine that can fail.
    evenCount: voters.length > 0 && voters.length % 2 === 0,
    raftLeader,
    evidence: evidenceOf({ voters: voters.length, healthy, quorum, raftLeader }),
  };
}

/**
 * raftLeaderOf: the leader the reachable voters report in the highest raft term any of them is in, from reads within
 * `maxAgeMs` of `now`; null when those in that term name none (an election, or a member that lost its leader).
 */
export function raftLeaderOf(voters: readonly EtcdMember[], now: number, maxAgeMs: number): RaftLeaderEvidence | null {
  const fresh = voters.flatMap((member) => {
    const { reachable, status, checkedAt } = member;
    return reachable && status && checkedAt !== null && now - checkedAt <= maxAgeMs ? [{ member, status }] : [];
  });
  const top = fresh.map(({ status }) => raftTerm(status.raftTerm)).reduce((a, b) => (b > a ? b : a), 0n);
  const naming = fresh.filter(({ status }) => raftTerm(status.raftTerm) === top && hasLeader(status.leaderId));
  const first = naming[0];
  if (first === undefined) return null;
  // Raft elects at most one leader per term: members in the same term that name one name the same.
  const id = first.status.leaderId;
  const leader = voters.find((member) => member.id === id);
  return {
    id,
    name: leader?.name || null,
    raftTerm: first.status.raftTerm,
    answering: leader?.reachable === true,
    reportedBy: naming.map(({ member }) => member.name || member.id),
  };
}

/** One line saying what quorum was judged from: "1/3 answering; raft still has a leader: cp-1, term 7". */
function evidenceOf(judged: Pick<QuorumView, 'voters' | 'healthy' | 'quorum' | 'raftLeader'>): string {
  const { voters, healthy, quorum, raftLeader } = judged;
  const answering = `${healthy}/${voters} answering`;
  if (raftLeader === null) return healthy >= quorum ? answering : `${answering}; no member reports a raft leader`;
  const silent = raftLeader.answering ? '' : ` (not answering, named by ${raftLeader.reportedBy.join(', ')})`;
  const leader = `${raftLeader.name ?? raftLeader.id}, term ${raftLeader.raftTerm}${silent}`;
  return `${answering}; ${healthy >= quorum ? 'raft leader' : 'raft still has a leader'}: ${leader}`;
}

/** etcd sends no leader as 0 (the gateway omits it, so hawk reads ''). */
const hasLeader = (leaderId: string): boolean => leaderId !== '' && !/^0+$/.test(leaderId);

/** Raft terms are uint64 decimal strings: compared as BigInt, anything unreadable as 0. */
const raftTerm = (value: string): bigint => (/^\d+$/.test(value) ? BigInt(value) : 0n);
