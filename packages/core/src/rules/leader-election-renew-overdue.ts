import { isLeftoverLease } from '../distribution/detect';
import { findingComponentForLease } from '../lease/lease-kind';
import { leaseCommands, leaseSubject } from './lease-commands';
import type { LeaseView } from '../model/lease';
import type { Rule } from './rule';

/** LeaderElectionRenewOverdue: the leader has not renewed within its learned cadence: it may be dying or frozen. */
export const leaderElectionRenewOverdue: Rule = {
  id: 'LeaderElectionRenewOverdue',
  component: 'leader-election',
  severity: 'warning',
  impact: 'degraded',
  summary:
    'No renewal of a leader lease observed for longer than its expected cadence (learned, else guessed from ' +
    'the lease duration) plus slack.',
  evaluate: (input, derived, _config, now) =>
    derived.leases
      .filter((lease) => lease.status === 'renew-overdue' && !isLeftoverLease(input.distribution, lease))
      .map((lease) => ({
        subject: leaseSubject(lease),
        component: findingComponentForLease(lease.component),
        title:
          `${lease.name} leader not renewing: ${lease.record?.holderIdentity ?? 'holder'} silent for ` +
          `${seconds(now - lease.observedRenewAt!)} s${renewsEvery(lease)}`,
        evidence: {
          holder: lease.record?.holderIdentity ?? null,
          silentMs: now - lease.observedRenewAt!,
          cadenceMs: lease.expectedRenewal?.cadenceMs ?? null,
          cadenceBasis: lease.expectedRenewal?.basis ?? null,
          expiresAt: lease.expiresAt,
          standbys: lease.standbys.length,
        },
        remediation:
          'The holder stopped renewing (crashed, frozen, or cut off from the apiserver); a standby takes over ' +
          "when the lease expires. Check the holder's process and logs.",
        commands: leaseCommands(lease),
      })),
};

const seconds = (ms: number) => Math.round(ms / 1000);

/** The cadence the silence is judged against, so a reader can tell a 2 s elector from a 26 s one. */
function renewsEvery(lease: LeaseView): string {
  const expected = lease.expectedRenewal;
  if (!expected) return '';
  return (
    ` (${expected.basis === 'learned' ? 'renews' : 'expected'} every ` +
    `${Math.max(1, seconds(expected.cadenceMs))} s)`
  );
}
