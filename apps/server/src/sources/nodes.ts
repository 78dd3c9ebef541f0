import type { ControlPlaneNode } from '@hawk/core';
import { field, labels, list, nameOf, text, type Mapped } from './raw';

export const CONTROL_PLANE_NODES = {
  path: '/api/v1/nodes',
  labelSelector: 'node-role.kubernetes.io/control-plane',
} as const;

const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];

export function mapControlPlaneNode(raw: unknown): Mapped<ControlPlaneNode> {
  const name = nameOf(raw);
  if (name === null) return { error: 'node has no metadata.name' };
  const nodeLabels = labels(raw);
  const zone = ZONE_LABELS.map((label) => nodeLabels[label]).find((value) => value !== undefined && value !== '') ?? null;
  const addresses = list(field(raw, 'status', 'addresses'))
    .map((address) => text(field(address, 'address')))
    .filter((address): address is string => address !== null);
  const readyCondition = list(field(raw, 'status', 'conditions')).find((condition) => field(condition, 'type') === 'Ready');
  const status = field(readyCondition, 'status');
  return { key: name, value: { name, addresses: [...new Set(addresses)], zone, ready: status === 'True' ? true : status === 'False' ? false : null } };
}
