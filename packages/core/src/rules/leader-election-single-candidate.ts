import { liveCandidates } from '../lease/candidates';
import { findingComponentForLease } from '../lease/lease-kind';
import type { LeaseView } from '../model/lease';
import { leaseCommands, leaseSubject } from './lease-commands';
import type { Rule } from './rule';

/**
 * hasNoStandby: nothing would take over if the holder died now. With no holder every live candidate may acquire
 * and one will lead, so one or none is no standby either.
 */
function hasNoStandby(lease: LeaseView): boolean {
  return lease.record?.holderIdentity ? lease.standbys.length === 0 : lease.standbys.length <= 1;
}

/** LeaderElectionSingleCandidate: a leader lease with no standby: when its holder dies, nothing takes over. */
export const leaderElectionSingleCandidate: Rule = {
  id: 'LeaderElectionSingleCandidate',
  component: 'leader-election',
  severity: 'warning',
  impact: 'spof',
  summary: 'A leader-election lease has no standby: no live candidate besides the holder.',
  evaluate: (_input, derived) =>
    derived.leases
      // The standbys core judged (lease/candidates.ts standbysOf), the list screens show: dead candidates (health
      // probe failing after answering, mirror pod not Ready, LeaseCandidate not renewed) are not among them,
      // candidates hawk cannot observe are.
      .filter((lease) => lease.candidatesSource !== 'none' && hasNoStandby(lease))
      .map((lease) => {
        const live = liveCandidates(lease).length;
        const dead = lease.candidates.length - live;
        // Counted as live (never "down"), but said: kubeadm's loopback-bound health ports are out of hawk's reach.
        const unseen = lease.candidates.filter((c) => c.live === null || c.live === undefined).length;
        return {
          subject: leaseSubject(lease),
          component: findingComponentForLease(lease.component),
          title:
            dead > 0
              ? `${live} live candidate${live === 1 ? '' : 's'} for ${lease.name} (${dead} ` +
                `down${unseen > 0 ? `, ${unseen} not observable from here` : ''}): no standby to take over`
              : `one candidate for ${lease.name}: no standby to take over`,
          evidence: {
            lease: leaseSubject(lease),
            candidates: lease.candidates.length,
            live,
            notObservable: unseen,
            standbys: lease.standbys.length,
            source: lease.candidatesSource,
          },
          remediation:
            dead > 0
              ? `Bring the ${lease.component} instances that are down back (their health endpoint does not ` +
                'answer), so a standby can acquire the lease when the leader dies.'
              : `Run ${lease.component} on at least three control-plane nodes with --leader-elect=true, so a ` +
                'standby acquires the lease when the leader dies.',
          commands: leaseCommands(lease),
        };
      }),
};
