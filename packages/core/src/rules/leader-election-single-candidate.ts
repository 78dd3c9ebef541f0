import { liveCandidates } from '../lease/candidates';
import { findingComponentForLease } from '../lease/lease-kind';
import { leaseCommands, leaseSubject } from './lease-commands';
import type { Rule } from './rule';

/** LeaderElectionSingleCandidate: a leader lease with no standby: when its holder dies, nothing takes over. */
export const leaderElectionSingleCandidate: Rule = {
  id: 'LeaderElectionSingleCandidate',
  component: 'leader-election',
  severity: 'warning',
  impact: 'spof',
  summary: 'A leader-election lease has one live candidate or none besides the holder.',
  evaluate: (_input, derived) =>
    derived.leases
      // Dead candidates (health probe failing after answering, mirror pod not Ready, LeaseCandidate not renewed)
      // cannot take over: they do not count. Candidates hawk cannot observe count as standbys.
      .filter((lease) => lease.candidatesSource !== 'none' && liveCandidates(lease).length <= 1)
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
              ? `${live} live candidate${live === 1 ? '' : 's'} for ${lease.name} (${dead} down${unseen > 0 ? `, ${unseen} not observable from here` : ''}): no standby to take over`
              : `one candidate for ${lease.name}: no standby to take over`,
          evidence: { lease: leaseSubject(lease), candidates: lease.candidates.length, live, notObservable: unseen, standbys: lease.standbys, source: lease.candidatesSource },
          remediation:
            dead > 0
              ? `Bring the ${lease.component} instances that are down back (their health endpoint does not answer), so a standby can acquire the lease when the leader dies.`
              : `Run ${lease.component} on at least three control-plane nodes with --leader-elect=true, so a standby acquires the lease when the leader dies.`,
          commands: leaseCommands(lease),
        };
      }),
};
