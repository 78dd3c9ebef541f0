import { etcdctl, type Rule } from './rule';

/** EtcdOneFailureFromQuorumLoss: quorum holds with no margin: the next failure stops etcd. */
export const etcdOneFailureFromQuorumLoss: Rule = {
  id: 'EtcdOneFailureFromQuorumLoss',
  component: 'etcd',
  severity: 'warning',
  impact: 'degraded',
  summary: 'etcd keeps quorum but tolerates no further failure.',
  evaluate: (input, derived) => {
    const { quorum } = derived;
    if (!derived.etcdLive || !quorum.hasQuorum || quorum.failuresTolerated > 0 || quorum.voters < 2) return [];
    const down = input.etcd.members.filter((m) => !m.isLearner && !m.reachable).map((m) => m.name);
    return [
      {
        subject: null,
        title: `etcd ${quorum.healthy}/${quorum.voters}: quorum held, one more failure loses it`,
        evidence: { healthy: quorum.healthy, voters: quorum.voters, quorum: quorum.quorum, failuresTolerated: quorum.failuresTolerated, down: down.join(', ') },
        remediation: 'Bring the missing members back before anything else; avoid maintenance on the remaining ones until then.',
        commands: [etcdctl('endpoint health --cluster -w table'), etcdctl('member list -w table')],
      },
    ];
  },
};
