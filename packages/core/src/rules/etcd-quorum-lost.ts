import { etcdctl, type FindingDraft, type Rule } from './rule';

const COMMANDS = [
  etcdctl('endpoint health --cluster -w table'),
  etcdctl('member list -w table'),
  'kubectl -n kube-system get pods -l component=etcd -o wide',
];

/** Why it is lost as raft counts it: a leader reported would mean raft still has its quorum (computeQuorum). */
const NO_LEADER = 'no member reports a raft leader';

/**
 * EtcdQuorumLost: raft has lost its majority (computeQuorum): fewer voters answer than a quorum and none that answers
 * reports a raft leader. etcd refuses writes, and everything above it stalls.
 */
export const etcdQuorumLost: Rule = {
  id: 'EtcdQuorumLost',
  component: 'etcd',
  severity: 'critical',
  impact: 'down',
  summary: 'Fewer voting etcd members in raft than the quorum.',
  evaluate: (input, derived): FindingDraft[] => {
    if (!derived.etcdLive) return [];
    const { quorum } = derived;
    if (input.etcd.source === 'apiserver-readyz') {
      // Without etcd's own API, every answering apiserver failing its etcd check is the best evidence there is.
      const readyz = input.etcd.readyzEtcd;
      if (readyz === null || readyz.answered === 0 || readyz.ok > 0) return [];
      return [
        {
          subject: null,
          title: `etcd quorum lost: no apiserver (0/${readyz.answered}) can reach etcd`,
          evidence: { apiserversReportingEtcdOk: 0, answered: readyz.answered },
          remediation:
            'Every apiserver fails its etcd check. Restore etcd members until a majority runs; do not remove ' +
            'members while quorum is lost.',
          commands: COMMANDS,
        },
      ];
    }
    if (quorum.voters === 0 || quorum.hasQuorum) return [];
    const down = input.etcd.members.filter((m) => !m.isLearner && !m.reachable).map((m) => m.name);
    const counts = { healthy: quorum.healthy, voters: quorum.voters, quorum: quorum.quorum };
    return [
      {
        subject: null,
        title:
          `etcd quorum lost: ${counts.healthy}/${counts.voters} members healthy, ${counts.quorum} needed; ` +
          `${NO_LEADER}`,
        evidence: { ...counts, down: down.join(', '), judgedFrom: quorum.evidence },
        remediation:
          'etcd accepts no writes: leases cannot renew and apiservers fail readiness. Restart the stopped ' +
          'members; if they are lost for good, restore from snapshot (etcdutl snapshot restore) or force a ' +
          'new cluster from the survivor.',
        commands: COMMANDS,
      },
    ];
  },
};
