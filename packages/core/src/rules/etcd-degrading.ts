import { judgeEtcdDegradation } from '../etcd/degradation';
import { etcdctl, type Rule } from './rule';

const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);

/**
 * EtcdDegrading: one member's own metrics, over the recent window, are past etcd's tuning guidance (slow WAL fsync or
 * backend commit, peer round trips near the heartbeat interval, heartbeats sent late, slow applies). Raft has not
 * given up on it yet. The title says what follows: leader elections (each stalls every write for a second or more)
 * once heartbeats suffer, else slower writes. An early warning: the verdict stays as it is, and it resolves once the
 * window is healthy again.
 */
export const etcdDegrading: Rule = {
  id: 'EtcdDegrading',
  component: 'etcd',
  severity: 'warning',
  impact: 'none',
  kind: 'expected',
  summary: "An etcd member's metrics trend past etcd's tuning guidance: writes slow, then leader elections follow.",
  evaluate: (input, _derived, config) => {
    const samples = input.etcdMetricsSamples ?? {};
    return input.etcd.members.flatMap((member) => {
      const judged = judgeEtcdDegradation(member.id, samples[member.id] ?? [], config);
      if (!judged || judged.signals.length === 0) return [];
      const peer = input.etcd.members.find((m) => m.id === judged.slowestPeer);
      const leads = input.etcd.leaderId === member.id;
      return [
        {
          subject: member.name,
          title:
            `etcd ${member.name} is degrading: ${judged.signals.join(', ')}; ` +
            (judged.electionsLikely ? 'leader elections likely' : 'writes slowing'),
          evidence: {
            member: member.name,
            leader: leads,
            windowSeconds: Math.round(judged.spanMs / 1000),
            walFsyncP99Ms: round(judged.walFsyncP99Ms),
            walFsyncBeforeP99Ms: round(judged.walFsyncBeforeP99Ms),
            backendCommitP99Ms: round(judged.backendCommitP99Ms),
            backendCommitBeforeP99Ms: round(judged.backendCommitBeforeP99Ms),
            peerRttP99Ms: round(judged.peerRttP99Ms),
            slowestPeer: peer?.name ?? judged.slowestPeer,
            heartbeatSendFailures: judged.heartbeatSendFailures,
            slowApplies: judged.slowApplies,
            leaderChanges: judged.leaderChanges,
            electionsLikely: judged.electionsLikely,
          },
          remediation:
            `Look at ${member.name}'s node: its disk (other writers on the etcd volume, a throttled cloud disk), its ` +
            'CPU (etcd starved or throttled), its network to the other members. etcd wants WAL fsync p99 under ' +
            '10 ms and commit under 25 ms. ' +
            (leads
              ? 'It leads: moving leadership to a healthy member (etcdctl move-leader) keeps writes flowing meanwhile.'
              : 'It follows: the cluster keeps its quorum while the others are well; do not restart another member.'),
          commands: [
            etcdctl('endpoint status --cluster -w table'),
            etcdctl('check perf'),
            `curl -s --cacert … --cert … --key … https://<${member.name}>:2379/metrics | ` +
              "grep -E '^etcd_(disk_wal_fsync|disk_backend_commit|network_peer_round_trip|server_heartbeat|" +
              "server_slow_apply)'",
            etcdctl(`move-leader <id of a healthy member>`),
          ],
        },
      ];
    });
  },
};
