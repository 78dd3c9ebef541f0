import { etcdctl, type Rule } from './rule';

/** EtcdNoLeader: members answer but none is leader: no write can commit. */
export const etcdNoLeader: Rule = {
  id: 'EtcdNoLeader',
  component: 'etcd',
  severity: 'critical',
  impact: 'down',
  summary: 'No etcd member reports a leader.',
  evaluate: (input, derived) =>
    !derived.etcdLive || input.etcd.source !== 'etcd-api' || derived.quorum.voters === 0 || input.etcd.leaderId !== null
      ? []
      : [
          {
            subject: null,
            title: 'etcd has no leader',
            evidence: { healthy: derived.quorum.healthy, voters: derived.quorum.voters, raftTerm: input.etcd.raftTerm },
            remediation:
              'Without a leader etcd commits nothing. If quorum holds, an election should finish within ' +
              'seconds; persisting, look at network between members and disk latency (fsync).',
            commands: [etcdctl('endpoint status --cluster -w table'), etcdctl('endpoint health --cluster -w table')],
          },
        ],
};
