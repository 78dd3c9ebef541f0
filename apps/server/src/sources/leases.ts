import { parseLease, type LeaseRecord } from '@hawk/core';
import { bounded, labels, nameOf, text, field, type Mapped } from './raw';

/** Label on the apiserver identity heartbeats that share kube-system with the leader-election leases. */
export const IDENTITY_LABEL = 'apiserver.kubernetes.io/identity';

/**
 * Leader-election leases of one namespace, minus identity heartbeats: kube-system always, others
 * when opted in (HAWK_LEASE_NAMESPACES); never kube-node-lease, which churns with the node count.
 */
export function leaderLeasesIn(namespace: string) {
  return {
    path: `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`,
    labelSelector: `!${IDENTITY_LABEL}`,
  } as const;
}

export const IDENTITY_LEASES = {
  path: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases',
  labelSelector: IDENTITY_LABEL,
} as const;

/**
 * mapLeaderLease reads a leader-election lease; a lease without holder or times still maps (it is shown as malformed).
 */
export function mapLeaderLease(raw: unknown): Mapped<LeaseRecord> {
  const record = parseLease(raw);
  if ('error' in record) return record;
  if (record.labels?.[IDENTITY_LABEL] !== undefined) return { error: `${record.name} is an apiserver identity lease` };
  // Anyone who may write a Lease writes these: bounded, and no labels (hawk reads none but the identity label,
  // excluded above), so a lease cannot make every push and history row large.
  const { labels: _unused, ...kept } = record;
  const value: LeaseRecord = {
    ...kept,
    holderIdentity: bounded(record.holderIdentity),
    strategy: bounded(record.strategy),
    resourceVersion: bounded(record.resourceVersion) ?? '',
  };
  return { key: `${record.namespace}/${record.name}`, value };
}

/** An apiserver's identity lease: its heartbeat, renewed every 10 s while the apiserver runs. */
export interface IdentityLeaseObservation {
  readonly name: string;
  /** `kubernetes.io/hostname` label: the host the apiserver runs on. */
  readonly hostname: string | null;
  readonly holderIdentity: string | null;
  /** The apiserver's own renewTime: compared only with its previous value, to see a renewal. */
  readonly renewTime: string | null;
}

export function mapIdentityLease(raw: unknown): Mapped<IdentityLeaseObservation> {
  const name = nameOf(raw);
  if (name === null) return { error: 'identity lease has no metadata.name' };
  const renew = field(raw, 'spec', 'renewTime');
  return {
    key: name,
    value: {
      name,
      hostname: bounded(labels(raw)['kubernetes.io/hostname'] ?? null),
      holderIdentity: bounded(text(field(raw, 'spec', 'holderIdentity'))),
      renewTime: renew instanceof Date ? renew.toISOString() : bounded(text(renew)),
    },
  };
}
