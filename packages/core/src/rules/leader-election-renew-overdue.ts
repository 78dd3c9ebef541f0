import { isLeftoverLease } from '../distribution/detect';
import { findingComponentForLease } from '../lease/lease-kind';
import { leaseCommands, leaseSubject } from './lease-commands';
import type { Rule } from './rule';

/** LeaderElectionRenewOverdue: the leader has not renewed within its learned cadence: it may be dying or frozen. */
export const leaderElectionRenewOverdue: Rule = {
  id: 'LeaderElectionRenewOverdue',
  component: 'leader-election',
  severity: 'warning',
  impact: 'degraded',
  summary: 'No renewal of a leader lease observed for longer than its learned cadence plus slack.',
  evaluate: (input, derived, config, now) =>
    derived.leases
      .filter((lease) => lease.status === 'renew-overdue' && !isLeftoverLease(input.distribution, lease))
      .map((lease) => ({
        subject: leaseSubject(lease),
        component: findingComponentForLease(lease.component),
        title: `${lease.name} leader not renewing: ${lease.record?.holderIdentity ?? 'holder'} silent for ${Math.round((now - lease.observedRenewAt!) / 1000)} s`,
        evidence: {
          holder: lease.record?.holderIdentity ?? null,
          silentMs: now - lease.observedRenewAt!,
          cadenceMs: lease.learnedCadenceMs ?? config.defaultRenewCadenceMs,
          expiresAt: lease.expiresAt,
          standbys: lease.standbys,
        },
        remediation: `The holder stopped renewing (crashed, frozen, or cut off from the apiserver); a standby takes over when the lease expires. Check the holder's process and logs.`,
        commands: leaseCommands(lease),
      })),
};
