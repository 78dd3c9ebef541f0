import type { EtcdMember, QuorumView } from '../model/etcd';

/**
 * computeQuorum: raft needs a majority of voting members. Learners replicate but do not vote, so
 * they neither count towards the quorum nor help keep it. Healthy means reachable just now.
 */
export function computeQuorum(members: readonly EtcdMember[]): QuorumView {
  const voters = members.filter((member) => !member.isLearner);
  const healthy = voters.filter((member) => member.reachable).length;
  const quorum = Math.floor(voters.length / 2) + 1;
  return {
    voters: voters.length,
    healthy,
    quorum,
    failuresTolerated: healthy - quorum,
    hasQuorum: voters.length > 0 && healthy >= quorum,
    // 2k members tolerate k−1 failures, as 2k−1 do: the extra member only adds a machine that can fail.
    evenCount: voters.length > 0 && voters.length % 2 === 0,
  };
}
