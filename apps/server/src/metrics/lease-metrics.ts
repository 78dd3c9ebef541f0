import type { ClusterFamily } from './family';

const leaseName = (lease: { namespace: string; name: string }) => `${lease.namespace}/${lease.name}`;

/** Leader-election leases (controller-manager, scheduler, any other lease hawk tracks). */
export const leaseFamilies: readonly ClusterFamily[] = [
  {
    name: 'hawk_lease_holder_info',
    help: 'Current holder of a leader-election lease (always 1; the holder is the label).',
    type: 'gauge',
    labelNames: ['cluster', 'lease', 'holder'],
    generate: (state) =>
      state.leases.flatMap((lease) => {
        const holder = lease.record?.holderIdentity;
        return holder ? [{ labels: { cluster: state.identity.id, lease: leaseName(lease), holder }, value: 1 }] : [];
      }),
  },
  {
    // A timestamp, not an age (Prometheus' convention): it changes only on a renewal, and an alert takes `time() - …`.
    name: 'hawk_lease_last_renewal_timestamp_seconds',
    help: "Unix time at which hawk observed the lease's last renewal (hawk's clock, not the holder's renewTime).",
    type: 'gauge',
    labelNames: ['cluster', 'lease'],
    generate: (state) =>
      state.leases.flatMap((lease) =>
        lease.observedRenewAt === null
          ? []
          : [{ labels: { cluster: state.identity.id, lease: leaseName(lease) }, value: lease.observedRenewAt / 1000 }],
      ),
  },
  {
    name: 'hawk_lease_duration_seconds',
    help: 'leaseDurationSeconds written in the lease: how long standbys wait before taking over.',
    type: 'gauge',
    labelNames: ['cluster', 'lease'],
    generate: (state) =>
      state.leases.flatMap((lease) => {
        const seconds = lease.record?.leaseDurationSeconds;
        return seconds == null
          ? []
          : [{ labels: { cluster: state.identity.id, lease: leaseName(lease) }, value: seconds }];
      }),
  },
  {
    name: 'hawk_lease_transitions_total',
    help: 'Leader transitions of the lease, as counted in its leaseTransitions field.',
    type: 'counter',
    labelNames: ['cluster', 'lease'],
    generate: (state) =>
      state.leases.flatMap((lease) => {
        const transitions = lease.record?.leaseTransitions;
        return transitions == null
          ? []
          : [{ labels: { cluster: state.identity.id, lease: leaseName(lease) }, value: transitions }];
      }),
  },
  {
    name: 'hawk_lease_last_leaderless_seconds',
    help: 'Measured gap without a renewing leader at the last observed transition.',
    type: 'gauge',
    labelNames: ['cluster', 'lease'],
    generate: (state) =>
      state.leases.flatMap((lease) => {
        const last = lease.transitions.at(-1);
        return last?.leaderlessMs == null
          ? []
          : [{ labels: { cluster: state.identity.id, lease: leaseName(lease) }, value: last.leaderlessMs / 1000 }];
      }),
  },
  {
    name: 'hawk_lease_renew_deadline_seconds',
    help: "The renew deadline hawk judges the holder's renewals against: a known elector's, else 2/3 of the lease.",
    type: 'gauge',
    labelNames: ['cluster', 'lease'],
    generate: (state) =>
      state.leases.flatMap((lease) =>
        lease.margin
          ? [
              {
                labels: { cluster: state.identity.id, lease: leaseName(lease) },
                value: lease.margin.renewDeadlineMs / 1000,
              },
            ]
          : [],
      ),
  },
  {
    name: 'hawk_lease_renew_margin_seconds',
    help:
      "Renew deadline minus the holder's 3rd longest of its last 6 renewal intervals (core's " +
      'leaderMarginLateCount and leaderMarginWindow): what its late renewals leave before it gives leadership up.',
    type: 'gauge',
    labelNames: ['cluster', 'lease'],
    generate: (state) =>
      state.leases.flatMap((lease) =>
        lease.margin?.marginMs == null
          ? []
          : [{ labels: { cluster: state.identity.id, lease: leaseName(lease) }, value: lease.margin.marginMs / 1000 }],
      ),
  },
  {
    name: 'hawk_lease_standbys',
    help: 'Candidates other than the holder, ready to take over; 0 means the leader is a single point of failure.',
    type: 'gauge',
    labelNames: ['cluster', 'lease'],
    generate: (state) =>
      state.leases.flatMap((lease) =>
        lease.candidatesSource === 'none'
          ? []
          : [{ labels: { cluster: state.identity.id, lease: leaseName(lease) }, value: lease.standbys.length }],
      ),
  },
];
