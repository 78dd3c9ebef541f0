import { isLeftoverLease } from '../distribution/detect';
import { findingComponentForLease } from '../lease/lease-kind';
import { leaseCommands, leaseSubject } from './lease-commands';
import type { Rule } from './rule';

/** LeaderElectionLeaderLost: no renewal for longer than the lease duration and no new holder: nobody leads. */
export const leaderElectionLeaderLost: Rule = {
  id: 'LeaderElectionLeaderLost',
  component: 'leader-election',
  severity: 'critical',
  impact: 'down',
  summary: 'A leader lease expired (no observed renewal for leaseDurationSeconds) and no standby took it.',
  evaluate: (input, derived, _config, now) =>
    derived.leases
      .filter((lease) => lease.status === 'expired' && !isLeftoverLease(input.distribution, lease))
      .map((lease) => ({
        subject: leaseSubject(lease),
        component: findingComponentForLease(lease.component),
        title:
          `${lease.name} leader lost: lease expired ${Math.round((now - lease.expiresAt!) / 1000)} s ago, no ` +
          'standby took over',
        evidence: {
          holder: lease.record?.holderIdentity ?? null,
          expiredAt: lease.expiresAt,
          standbys: lease.standbys.length,
          leaseDurationSeconds: lease.record?.leaseDurationSeconds ?? null,
        },
        remediation:
          `No ${lease.component} is leading, so its controllers do nothing. Start a candidate, or find why ` +
          'standbys cannot write the lease (apiserver or etcd down).',
        commands: leaseCommands(lease),
      })),
};
