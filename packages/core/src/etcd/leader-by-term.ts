import type { EtcdMember } from '../model/etcd';

/**
 * etcdLeaderByTerm: the leader as the member in the highest raft term says. A partitioned old
 * leader still names itself, but in a lower term than the majority that elected another.
 */
export function etcdLeaderByTerm(members: readonly EtcdMember[]): { leaderId: string; raftTerm: string } | null {
  let best: { leaderId: string; raftTerm: string } | null = null;
  for (const member of members) {
    const status = member.status;
    if (!member.reachable || !status || !status.leaderId) continue;
    if (best === null || raftTerm(status.raftTerm) > raftTerm(best.raftTerm))
      best = { leaderId: status.leaderId, raftTerm: status.raftTerm };
  }
  return best;
}

/** Raft terms are uint64 decimal strings: compared as BigInt, anything unreadable as 0. */
function raftTerm(value: string): bigint {
  return /^\d+$/.test(value) ? BigInt(value) : 0n;
}
