import { etcdctl, type Rule } from './rule';

/** EtcdEvenMemberCount: an even member count buys no fault tolerance over one member fewer. */
export const etcdEvenMemberCount: Rule = {
  id: 'EtcdEvenMemberCount',
  component: 'etcd',
  severity: 'warning',
  impact: 'degraded',
  summary: 'etcd has an even number of voting members.',
  evaluate: (_input, derived) => {
    const { quorum } = derived;
    if (!derived.etcdLive || !quorum.evenCount) return [];
    return [
      {
        subject: null,
        title: `${quorum.voters} etcd members: an even count tolerates no more failures than ${quorum.voters - 1}`,
        evidence: { voters: quorum.voters, quorum: quorum.quorum, toleratesWhenHealthy: quorum.voters - quorum.quorum },
        remediation:
          `Quorum of ${quorum.voters} is ${quorum.quorum}, so it survives ${quorum.voters - quorum.quorum} ` +
          `failure(s), as ${quorum.voters - 1} members would, with one more machine that can fail and a slower ` +
          'commit. Add or remove one member to make the count odd.',
        commands: [etcdctl('member list -w table')],
      },
    ];
  },
};
