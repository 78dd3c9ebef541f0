import { etcdctl, type Rule } from './rule';

/** EtcdLeaderFlapping: repeated elections; each one stalls writes for a moment. */
export const etcdLeaderFlapping: Rule = {
  id: 'EtcdLeaderFlapping',
  component: 'etcd',
  severity: 'warning',
  impact: 'degraded',
  summary: 'etcd changed leader etcdLeaderFlapChanges times or more within flapWindowMs.',
  evaluate: (input, derived, config, now) => {
    if (!derived.etcdLive) return [];
    const recent = input.etcd.leaderChanges.filter((change) => now - change.at <= config.flapWindowMs);
    if (recent.length < config.etcdLeaderFlapChanges) return [];
    return [
      {
        subject: null,
        title:
          `etcd leader flapping: ${recent.length} leader changes in ` +
          `${Math.round(config.flapWindowMs / 60_000)} min`,
        evidence: { changes: recent.length, windowMs: config.flapWindowMs, raftTerm: input.etcd.raftTerm },
        remediation:
          'Look for members restarting, slow disks (wal fsync duration) or network latency between members ' +
          'beyond the election timeout.',
        commands: [
          etcdctl('endpoint status --cluster -w table'),
          'kubectl -n kube-system logs -l component=etcd --tail=200',
        ],
      },
    ];
  },
};
