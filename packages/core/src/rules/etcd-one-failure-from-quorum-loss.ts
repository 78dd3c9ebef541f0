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
    // Fewer answer than raft counts: members that closed their client port (a graceful stop drains) still take part.
    const byRaft = quorum.inRaft > quorum.healthy;
    return [
      {
        subject: null,
        title:
          `etcd ${byRaft ? `${quorum.evidence};` : `${quorum.healthy}/${quorum.voters}:`} quorum held, one ` +
          'more failure loses it',
        evidence: {
          healthy: quorum.healthy,
          inRaft: quorum.inRaft,
          voters: quorum.voters,
          quorum: quorum.quorum,
          failuresTolerated: quorum.failuresTolerated,
          down: down.join(', '),
          judgedFrom: quorum.evidence,
        },
        remediation: byRaft
          ? 'Members that stopped answering are still counted by raft (a gracefully stopped etcd drains for up ' +
            'to its request timeout, 7 s by default, before leaving): once they leave, quorum is lost. Bring ' +
            'them back, or keep them running, before anything else.'
          : 'Bring the missing members back before anything else; avoid maintenance on the remaining ones until then.',
        commands: [etcdctl('endpoint health --cluster -w table'), etcdctl('member list -w table')],
      },
    ];
  },
};
