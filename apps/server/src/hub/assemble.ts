import { isIP } from 'node:net';
import {
  componentLiveness,
  hostOf,
  type ApiServerFrontDoor,
  type ApiServerInstance,
  type ComponentLiveness,
  type ControlPlaneNode,
  type ControlPlanePod,
  type EndpointHealth,
} from '@hawk/core';
import type { ComponentHealth } from '../probes/component-health';
import { hostPort } from '../util/host-port';
import type { ApiEndpoint, EndpointSliceObservation } from '../sources/endpoint-slice';
import type { IdentityLeaseObservation } from '../sources/leases';
import type { PodObservation } from '../sources/pods';

/**
 * Pure assembly of what the sources observed into the parts of a ClusterInput. No judgement:
 * matching objects to each other (an endpoint to its node, a lease to its candidates) only.
 */

export const NO_HEALTH: EndpointHealth = {
  livez: null,
  readyz: null,
  lastOkAt: null,
  okSince: null,
  failingSince: null,
};

/** Key of the front door's health among the apiserver probe targets. */
export const FRONT_DOOR = 'front-door';

/**
 * An apiserver address hawk has seen in the EndpointSlice; kept after it leaves, so a stopped instance still counts.
 */
export interface KnownEndpoint extends ApiEndpoint {
  readonly inSlice: boolean;
}

/** An identity lease with hawk's clock at its last observed renewal. */
export interface ObservedIdentity extends IdentityLeaseObservation {
  readonly observedRenewAt: number;
}

/** An endpoint's id in the state: its host:port. */
export const endpointId = hostPort;

/** A known endpoint with when it last answered and when it left the slice (null while in it). */
export type TrackedEndpoint = KnownEndpoint & { readonly lastOkAt: number | null; readonly leftSliceAt: number | null };

/**
 * mergeSliceEndpoints folds the slices into the known endpoints (in place): one that left is kept, marked out of the
 * slice, until it has been gone `forgetAfterMs` without answering since. Returns the ids it forgot.
 */
export function mergeSliceEndpoints(
  known: Map<string, TrackedEndpoint>,
  slices: Iterable<EndpointSliceObservation>,
  now: number,
  forgetAfterMs: number,
): string[] {
  const inSlice = new Map<string, KnownEndpoint>();
  for (const slice of slices)
    for (const endpoint of slice.endpoints)
      inSlice.set(endpointId(endpoint.address, endpoint.port), { ...endpoint, inSlice: true });
  for (const [id, endpoint] of inSlice)
    known.set(id, { ...endpoint, lastOkAt: known.get(id)?.lastOkAt ?? null, leftSliceAt: null });
  const forgotten: string[] = [];
  for (const [id, endpoint] of known) {
    if (inSlice.has(id)) continue;
    const leftSliceAt = endpoint.leftSliceAt ?? now;
    if (now - leftSliceAt > forgetAfterMs && (endpoint.lastOkAt ?? 0) < leftSliceAt) {
      known.delete(id);
      forgotten.push(id);
    } else known.set(id, { ...endpoint, inSlice: false, leftSliceAt });
  }
  return forgotten;
}

/** The node an endpoint address belongs to: the slice says, else a node or an apiserver pod with that address. */
function nodeOfAddress(
  endpoint: ApiEndpoint,
  nodes: readonly ControlPlaneNode[],
  pods: readonly ControlPlanePod[],
): string | null {
  if (endpoint.nodeName) return endpoint.nodeName;
  const node = nodes.find((candidate) => candidate.addresses.includes(endpoint.address));
  if (node) return node.name;
  return pods.find((pod) => pod.component === 'kube-apiserver' && pod.podIP === endpoint.address)?.node ?? null;
}

/**
 * assembleInstances lists the apiservers: every known endpoint, matched with its identity lease
 * through its node's hostname; identity leases no endpoint claims become instances of their own
 * (an apiserver heartbeating without being in the slice is worth showing).
 */
export function assembleInstances(
  endpoints: readonly KnownEndpoint[],
  identities: readonly ObservedIdentity[],
  nodes: readonly ControlPlaneNode[],
  pods: readonly ControlPlanePod[],
  health: ReadonlyMap<string, EndpointHealth>,
): ApiServerInstance[] {
  const claimed = new Set<string>();
  const instances = endpoints.map((endpoint): ApiServerInstance => {
    const id = endpointId(endpoint.address, endpoint.port);
    const node = nodeOfAddress(endpoint, nodes, pods);
    const identity = node === null ? undefined : identities.find((lease) => lease.hostname === node);
    if (identity) claimed.add(identity.name);
    return {
      id,
      address: endpoint.address,
      port: endpoint.port,
      host: identity?.hostname ?? node,
      node,
      inEndpointSlice: endpoint.inSlice,
      identityLease: identity?.name ?? null,
      identityRenewedAt: identity?.observedRenewAt ?? null,
      health: health.get(id) ?? NO_HEALTH,
    };
  });
  const unclaimed = identities
    .filter((lease) => !claimed.has(lease.name))
    .map((lease): ApiServerInstance => ({
      id: `identity:${lease.name}`,
      address: null,
      port: null,
      host: lease.hostname,
      node: nodes.some((node) => node.name === lease.hostname) ? lease.hostname : null,
      inEndpointSlice: false,
      identityLease: lease.name,
      identityRenewedAt: lease.observedRenewAt,
      health: NO_HEALTH,
    }));
  return [...instances, ...unclaimed].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/**
 * classifyFrontDoor: the kubeconfig server is an instance when its host:port is one of theirs, else a load balancer.
 */
export function classifyFrontDoor(
  server: string,
  instances: readonly ApiServerInstance[],
  health: EndpointHealth,
): ApiServerFrontDoor {
  const host = hostOf(server);
  const addressed = instances.filter((instance) => instance.address !== null);
  if (host === null || addressed.length === 0) return { url: server, kind: 'unknown', health };
  const port = Number(new URL(server).port || 443);
  const isInstance = addressed.some(
    (instance) => instance.address === host && (instance.port === port || instance.port === null),
  );
  return { url: server, kind: isInstance ? 'instance' : 'load-balancer', health };
}

/**
 * componentHealthAddress: where a component pod's /healthz answers: its bind address, else its pod IP (hostNetwork: the
 * node's), else the node's.
 */
export function componentHealthAddress(
  pod: PodObservation,
  nodes: ReadonlyMap<string, ControlPlaneNode>,
): { host: string; port: number } | null {
  const target = pod.health;
  if (target === null || 'reason' in target) return null;
  const nodeAddress =
    pod.node === null ? undefined : nodes.get(pod.node)?.addresses.find((address) => isIP(address) !== 0);
  const host = target.host ?? pod.podIP ?? nodeAddress ?? null;
  return host === null ? null : { host, port: target.port };
}

/**
 * podLiveness judges one controller-manager or scheduler pod with core's componentLiveness: its /healthz
 * is believed once it has answered in this container's life (`answeredIn` is that life's key); a port
 * bound to loopback (kubeadm's default) or never reached falls back to the kubelet's readiness, else
 * "not observable from here", never "down".
 */
export function podLiveness(
  pod: PodObservation | undefined,
  probe: ComponentHealth | undefined,
  answeredIn: string | undefined,
  nodes: ReadonlyMap<string, ControlPlaneNode>,
): ComponentLiveness {
  const target = pod?.health ?? null;
  const unprobeable =
    target !== null && 'reason' in target
      ? target.reason
      : pod && componentHealthAddress(pod, nodes) === null
        ? 'no address known for its health endpoint'
        : null;
  return componentLiveness({
    unprobeable,
    probe: probe ?? null,
    answeredSinceStart: pod !== undefined && answeredIn === pod.containerStart,
    podReady: pod?.ready ?? null,
    nodeReady: pod?.node ? (nodes.get(pod.node)?.ready ?? null) : null,
  });
}
