import { describe, expect, it } from 'vitest';
import { controlPlaneHidden } from './control-plane-hidden';

describe('controlPlaneHidden', () => {
  const none = { synced: true, controlPlanePods: 0, componentLeases: 0, apiserverIdentities: 0 };
  it.each([
    ['synced and nothing visible', none, true],
    ['not synced yet', { ...none, synced: false }, false],
    ['a control-plane pod', { ...none, controlPlanePods: 1 }, false],
    ['a component lease', { ...none, componentLeases: 1 }, false],
    ['an apiserver identity', { ...none, apiserverIdentities: 1 }, false],
    // A managed service's Leases are visible, its control plane is not: on no Node, no pod, no instance answering.
    [
      'leases and identities, but no control-plane Node and no apiserver answering',
      { ...none, componentLeases: 2, apiserverIdentities: 3, controlPlaneNodes: 0, apiserversAnswering: 0 },
      true,
    ],
    [
      'leases, no control-plane Node, but an apiserver answers (control plane outside the cluster, e.g. systemd)',
      { ...none, componentLeases: 2, apiserverIdentities: 3, controlPlaneNodes: 0, apiserversAnswering: 1 },
      false,
    ],
    [
      'leases, no control-plane Node, not probed yet',
      { ...none, componentLeases: 2, controlPlaneNodes: 0, apiserversAnswering: null },
      false,
    ],
    [
      'leases and control-plane Nodes (k3s: no pods)',
      { ...none, componentLeases: 2, apiserverIdentities: 3, controlPlaneNodes: 3, apiserversAnswering: 0 },
      false,
    ],
    [
      'leases, nodes not synced yet',
      { ...none, componentLeases: 2, controlPlaneNodes: null, apiserversAnswering: 0 },
      false,
    ],
  ])('%s → %s', (_, visibility, hidden) => expect(controlPlaneHidden(visibility)).toBe(hidden));
});
