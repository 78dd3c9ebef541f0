import { DEFAULT_CONFIG } from '../config';
import type { EtcdView } from '../model/etcd';

/**
 * observeEtcdLeader folds a new read of etcd into the previous one, recording a leader change when
 * the last known leader is followed by another one, or by the same one in a new raft term (it lost
 * and regained leadership). A read with no leader (during an election, quorum lost) is not a change
 * by itself: A → none → A is the same leader, A → none → B one change. The list keeps the last
 * `keep` changes; older ones live in history.
 */
export function observeEtcdLeader(
  previous: EtcdView | undefined,
  next: EtcdView,
  now: number,
  keep = DEFAULT_CONFIG.transitionsKept,
): EtcdView {
  const last =
    previous?.lastKnownLeader ?? (previous?.leaderId ? { id: previous.leaderId, raftTerm: previous.raftTerm } : null);
  const current = next.leaderId === null ? last : { id: next.leaderId, raftTerm: next.raftTerm };
  const changes = previous?.leaderChanges ?? next.leaderChanges;
  const moved = next.leaderId !== null && last !== null && next.leaderId !== last.id;
  const reElected =
    next.leaderId !== null &&
    next.leaderId === last?.id &&
    last.raftTerm !== null &&
    next.raftTerm !== null &&
    next.raftTerm !== last.raftTerm;
  const leaderChanges =
    moved || reElected ? [...changes, { at: now, from: last?.id ?? null, to: next.leaderId }].slice(-keep) : changes;
  return { ...next, leaderChanges, lastKnownLeader: current };
}
