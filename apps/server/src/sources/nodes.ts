import type { ControlPlaneNode } from '@hawk/core';
import { field, labels, list, nameOf, text, type Mapped } from './raw';

export const CONTROL_PLANE_NODES = {
  path: '/api/v1/nodes',
  labelSelector: 'node-role.kubernetes.io/control-plane',
} as const;

const ROLE_PREFIX = 'node-role.kubernetes.io/';
/** k3s and RKE2 name each embedded etcd member on its Node. */
const K3S_ETCD_MEMBER = 'etcd.k3s.cattle.io/node-name';

const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];

export function mapControlPlaneNode(raw: unknown): Mapped<ControlPlaneNode> {
  const name = nameOf(raw);
  if (name === null) return { error: 'node has no metadata.name' };
  const nodeLabels = labels(raw);
  const zone =
    ZONE_LABELS.map((label) => nodeLabels[label]).find((value) => value !== undefined && value !== '') ?? null;
  const addresses = list(field(raw, 'status', 'addresses'))
    .map((address) => text(field(address, 'address')))
    .filter((address): address is string => address !== null);
  const readyCondition = list(field(raw, 'status', 'conditions')).find(
    (condition) => field(condition, 'type') === 'Ready',
  );
  const status = field(readyCondition, 'status');
  // Distribution hints: Talos's osImage, k3s/RKE2's version stamp, their etcd role and member annotation.
  const roles = Object.keys(nodeLabels)
    .filter((label) => label.startsWith(ROLE_PREFIX))
    .map((label) => label.slice(ROLE_PREFIX.length))
    .filter(Boolean)
    .sort();
  const annotations = field(raw, 'metadata', 'annotations');
  return {
    key: name,
    value: {
      name,
      addresses: [...new Set(addresses)],
      zone,
      ready: status === 'True' ? true : status === 'False' ? false : null,
      osImage: text(field(raw, 'status', 'nodeInfo', 'osImage')),
      kubeletVersion: text(field(raw, 'status', 'nodeInfo', 'kubeletVersion')),
      roles,
      etcdMemberName: text(field(annotations, K3S_ETCD_MEMBER)),
    },
  };
}
