import { isLeftoverLease } from '../distribution/detect';
import { findingComponentForLease } from '../lease/lease-kind';
import { leaseCommands, leaseSubject } from './lease-commands';
import type { Rule } from './rule';

/** LeaderElectionNoHolder: the lease exists but nobody holds it (released, never acquired, deleted). */
export const leaderElectionNoHolder: Rule = {
  id: 'LeaderElectionNoHolder',
  component: 'leader-election',
  severity: 'warning',
  impact: 'degraded',
  summary: 'A leader-election lease has no holder.',
  evaluate: (input, derived) =>
    derived.leases
      .filter((lease) => lease.status === 'no-holder' && !isLeftoverLease(input.distribution, lease))
      .map((lease) => ({
        subject: leaseSubject(lease),
        component: findingComponentForLease(lease.component),
        title: `${lease.name} has no holder`,
        evidence: { lease: leaseSubject(lease), deleted: lease.record === null, candidates: lease.candidates.length },
        remediation:
          `No ${lease.component} holds the lease: the component may be stopped everywhere, or the lease is ` +
          'left over from a removed component (then delete it).',
        commands: leaseCommands(lease),
      })),
};
