import { findingComponentForLease } from '../lease/lease-kind';
import { leaseCommands, leaseSubject } from './lease-commands';
import type { Rule } from './rule';

/** LeaderElectionSingleCandidate: a leader lease with no standby: when its holder dies, nothing takes over. */
export const leaderElectionSingleCandidate: Rule = {
  id: 'LeaderElectionSingleCandidate',
  component: 'leader-election',
  severity: 'warning',
  impact: 'spof',
  summary: 'A leader-election lease has one candidate or none besides the holder.',
  evaluate: (_input, derived) =>
    derived.leases
      .filter((lease) => lease.candidatesSource !== 'none' && lease.candidates.length <= 1)
      .map((lease) => ({
        subject: leaseSubject(lease),
        component: findingComponentForLease(lease.component),
        title: `one candidate for ${lease.name}: no standby to take over`,
        evidence: { lease: leaseSubject(lease), candidates: lease.candidates.length, standbys: lease.standbys, source: lease.candidatesSource },
        remediation: `Run ${lease.component} on at least three control-plane nodes with --leader-elect=true, so a standby acquires the lease when the leader dies.`,
        commands: leaseCommands(lease),
      })),
};
