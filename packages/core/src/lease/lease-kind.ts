import type { Component } from '../model/finding';
import type { LeaseRecord } from '../model/lease';

/** Label every apiserver identity lease carries; those leases are heartbeats, not elections. */
export const APISERVER_IDENTITY_LABEL = 'apiserver.kubernetes.io/identity';

const KNOWN_COMPONENTS = ['kube-controller-manager', 'kube-scheduler', 'cloud-controller-manager'] as const;

/** Where the control plane's own leader-election leases live. */
const CONTROL_PLANE_NAMESPACE = 'kube-system';

/** Node heartbeats, one Lease per node: never a leader election. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/**
 * componentForLease names the component a leader-election lease elects. Only kube-system's leases are
 * the control plane's (a `kube-scheduler` Lease elsewhere is someone else's); an unknown kube-system lease
 * is its own component, and one in another namespace is `namespace/name`.
 */
export function componentForLease(namespace: string, name: string): string {
  if (namespace !== CONTROL_PLANE_NAMESPACE) return `${namespace}/${name}`;
  return KNOWN_COMPONENTS.find((component) => component === name) ?? name;
}

/** findingComponentForLease maps a lease's component to a finding component; the rest are 'leader-election'. */
export function findingComponentForLease(component: string): Component {
  return component === 'kube-controller-manager' || component === 'kube-scheduler' ? component : 'leader-election';
}

/**
 * isLeaderElectionLease: any lease but node heartbeats and the apiserver identity heartbeats that live beside the
 * elections.
 */
export function isLeaderElectionLease(lease: Pick<LeaseRecord, 'namespace' | 'labels'>): boolean {
  return lease.namespace !== NODE_LEASE_NAMESPACE && lease.labels?.[APISERVER_IDENTITY_LABEL] === undefined;
}

/** leaseKey is how ClusterInput keys leases: "namespace/name". */
export function leaseKey(lease: Pick<LeaseRecord, 'namespace' | 'name'>): string {
  return `${lease.namespace}/${lease.name}`;
}
