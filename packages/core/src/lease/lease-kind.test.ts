import { describe, expect, it } from 'vitest';
import { componentForLease, findingComponentForLease, isLeaderElectionLease, leaseKey } from './lease-kind';

describe('lease kinds', () => {
  it.each([
    ['kube-controller-manager', 'kube-controller-manager', 'kube-controller-manager'],
    ['kube-scheduler', 'kube-scheduler', 'kube-scheduler'],
    ['cloud-controller-manager', 'cloud-controller-manager', 'leader-election'],
    ['cert-manager-controller', 'cert-manager-controller', 'leader-election'],
  ])('%s elects %s, reported as %s', (name, component, findingComponent) => {
    expect(componentForLease(name)).toBe(component);
    expect(findingComponentForLease(componentForLease(name))).toBe(findingComponent);
  });

  it.each([
    [{ namespace: 'kube-system' }, true],
    [{ namespace: 'kube-system', labels: {} }, true],
    [{ namespace: 'kube-system', labels: { 'apiserver.kubernetes.io/identity': 'kube-apiserver' } }, false],
    [{ namespace: 'kube-node-lease' }, false],
  ])('%j is a leader-election lease: %s', (lease, expected) => {
    expect(isLeaderElectionLease(lease)).toBe(expected);
  });

  it('keys by namespace/name', () => {
    expect(leaseKey({ namespace: 'kube-system', name: 'kube-scheduler' })).toBe('kube-system/kube-scheduler');
  });
});
