import { findingComponentForLease } from '../lease/lease-kind';
import { leaseCommands, leaseSubject } from './lease-commands';
import type { Rule } from './rule';

/**
 * LeaderElectionMalformed: a held lease without renew time or with no positive duration: hawk shows it rather than
 * guess.
 */
export const leaderElectionMalformed: Rule = {
  id: 'LeaderElectionMalformed',
  component: 'leader-election',
  severity: 'warning',
  impact: 'degraded',
  summary: 'A leader-election lease lacks renewTime or a positive leaseDurationSeconds.',
  evaluate: (_input, derived) =>
    derived.leases
      .filter((lease) => lease.status === 'malformed')
      .map((lease) => ({
        subject: leaseSubject(lease),
        component: findingComponentForLease(lease.component),
        title:
          `${lease.name} is malformed: ` +
          (lease.record?.renewTime ? `lease duration ${String(lease.record.leaseDurationSeconds)}` : 'no renew time'),
        evidence: {
          holder: lease.record?.holderIdentity ?? null,
          renewTime: lease.record?.renewTime ?? null,
          leaseDurationSeconds: lease.record?.leaseDurationSeconds ?? null,
        },
        remediation:
          'Something other than a leader elector wrote this lease, or wrote it partly; its holder cannot be ' +
          'judged. Find the writer (managedFields) before trusting it.',
        commands: [
          ...leaseCommands(lease),
          `kubectl -n ${lease.namespace} get lease ${lease.name} -o yaml --show-managed-fields`,
        ],
      })),
};
