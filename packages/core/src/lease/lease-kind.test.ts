import { describe, expect, it } from 'vitest';
import { componentForLease, findingComponentForLease, isLeaderElectionLease, leaseKey } from './lease-kind';

describe('lease kinds', () => {
  it.each([
    ['kube-system', 'kube-controller-manager', 'kube-controller-manager', 'kube-controller-manager'],
    ['kube-system', 'kube-scheduler', 'kube-scheduler', 'kube-scheduler'],
    ['kube-system', 'cloud-controller-manager', 'cloud-controller-manager', 'leader-election'],
    ['kube-system', 'cert-manager-controller', 'cert-manager-controller', 'leader-election'],
    ['cert-manager', 'cert-manager-controller', 'cert-manager/cert-manager-controller', 'leader-election'],
    // Someone else's election under a control-plane name is never taken for the control plane's.
    ['operators', 'kube-scheduler', 'operators/kube-scheduler', 'leader-election'],
  ])('%s/%s elects %s, reported as %s', (namespace, name, component, findingComponent) => {
    expect(componentForLease(namespace, name)).toBe(component);
    expect(findingComponentForLease(componentForLease(namespace, name))).toBe(findingComponent);
  });

  it.each([
    [{ namespace: 'kube-system' }, true],
    [{ namespace: 'kube-system', labels: {} }, true],
    [{ namespace: 'kube-system', labels: { 'apiserver.kubernetes.io/identity': 'kube-apiserver' } }, false],
    [{ namespace: 'kube-node-lease' }, false],
    [{ namespace: 'cert-manager' }, true],
  ])('%j is a leader-election lease: %s', (lease, expected) => {
    expect(isLeaderElectionLease(lease)).toBe(expected);
  });

  it('keys by namespace/name', () => {
    expect(leaseKey({ namespace: 'kube-system', name: 'kube-scheduler' })).toBe('kube-system/kube-scheduler');
  });
});
