import { etcdctl, type Rule } from './rule';

/** EtcdSingleMember: one voting member: its loss loses the cluster's data plane state. */
export const etcdSingleMember: Rule = {
  id: 'EtcdSingleMember',
  component: 'etcd',
  severity: 'warning',
  impact: 'spof',
  summary: 'etcd has a single voting member.',
  evaluate: (input, derived) =>
    !derived.etcdLive || derived.quorum.voters !== 1
      ? []
      : [
          {
            subject: input.etcd.members.find((m) => !m.isLearner)?.name ?? null,
            title: 'one etcd member: a single point of failure',
            evidence: { voters: 1 },
            remediation:
              'Grow etcd to three (or five) members on separate nodes, and keep snapshots: with one member, ' +
              'its disk is the cluster.',
            commands: [etcdctl('member list -w table'), etcdctl('snapshot save /var/lib/etcd-snapshot.db')],
          },
        ],
};
