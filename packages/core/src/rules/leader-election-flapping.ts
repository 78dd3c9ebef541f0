import { findingComponentForLease } from '../lease/lease-kind';
import { leaseCommands, leaseSubject } from './lease-commands';
import type { Rule } from './rule';

/** LeaderElectionFlapping: leadership changes hands too often: each change pauses the component's work. */
export const leaderElectionFlapping: Rule = {
  id: 'LeaderElectionFlapping',
  component: 'leader-election',
  severity: 'warning',
  impact: 'degraded',
  summary: 'A leader lease changed holder flapTransitions times or more within flapWindowMs.',
  evaluate: (_input, derived, config, now) =>
    derived.leases.flatMap((lease) => {
      const recent = lease.transitions.filter((t) => now - t.at <= config.flapWindowMs);
      if (recent.length < config.flapTransitions) return [];
      return [
        {
          subject: leaseSubject(lease),
          component: findingComponentForLease(lease.component),
          title:
            `${lease.name} leader flapping: ${recent.length} transitions in ` +
            `${Math.round(config.flapWindowMs / 60_000)} min`,
          evidence: {
            transitions: recent.length,
            windowMs: config.flapWindowMs,
            holders: [...new Set(recent.map((t) => t.to ?? 'none'))].join(', '),
          },
          remediation:
            'Leaders keep losing the lease: look for restarts (OOM, liveness probes), apiserver latency or ' +
            'etcd slowness making renewals miss the renew deadline.',
          commands: leaseCommands(lease),
        },
      ];
    }),
};
