import type { EndpointHealth } from '@hawk/core';
import { bit, type ClusterFamily } from './family';

/** readyz decides "up" when probed (serving traffic), livez otherwise; unprobed yields no sample. */
const upOf = (health: EndpointHealth): number | null => {
  const probe = health.readyz ?? health.livez;
  return probe ? bit(probe.ok) : null;
};

/** kube-apiserver instances and the load balancer in front of them. */
export const apiServerFamilies: readonly ClusterFamily[] = [
  {
    name: 'hawk_apiserver_up',
    help: 'Whether the apiserver instance answered its last readiness probe (1) or not (0).',
    type: 'gauge',
    // `apiserver`, not `instance`: Prometheus owns `instance` (the scrape target) and would rename ours
    // `exported_instance`.
    labelNames: ['cluster', 'apiserver'],
    generate: (state) =>
      state.apiServers.instances.flatMap((instance) => {
        const up = upOf(instance.health);
        return up === null ? [] : [{ labels: { cluster: state.identity.id, apiserver: instance.id }, value: up }];
      }),
  },
  {
    name: 'hawk_load_balancer_up',
    help:
      "Whether the kubeconfig's load balancer answered its last probe; absent when the kubeconfig points at an " +
      'instance.',
    type: 'gauge',
    labelNames: ['cluster'],
    generate: (state) => {
      const door = state.apiServers.frontDoor;
      const up = door.kind === 'load-balancer' ? upOf(door.health) : null;
      return up === null ? [] : [{ labels: { cluster: state.identity.id }, value: up }];
    },
  },
];
