import type { Component } from '../model/finding';
import type { LeaseRecord } from '../model/lease';

/** Label every apiserver identity lease carries; those leases are heartbeats, not elections. */
export const APISERVER_IDENTITY_LABEL = 'apiserver.kubernetes.io/identity';

const KNOWN_COMPONENTS = ['kube-controller-manager', 'kube-scheduler', 'cloud-controller-manager'] as const;

/** componentForLease names the component a leader-election lease elects; unknown leases are their own component. */
export function componentForLease(name: string): string {
  return KNOWN_COMPONENTS.find((component) => component === name) ?? name;
}

/** findingComponentForLease maps a lease's component to a finding component; the rest are 'leader-election'. */
export function findingComponentForLease(component: string): Component {
  return component === 'kube-controller-manager' || component === 'kube-scheduler' ? component : 'leader-election';
}

/** isLeaderElectionLease: kube-system leases, minus the apiserver identity heartbeats that live beside them. */
export function isLeaderElectionLease(lease: Pick<LeaseRecord, 'namespace' | 'labels'>): boolean {
  return lease.namespace === 'kube-system' && lease.labels?.[APISERVER_IDENTITY_LABEL] === undefined;
}

/** leaseKey is how ClusterInput keys leases: "namespace/name". */
export function leaseKey(lease: Pick<LeaseRecord, 'namespace' | 'name'>): string {
  return `${lease.namespace}/${lease.name}`;
}
