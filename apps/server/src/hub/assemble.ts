import type { ApiServerFrontDoor, ApiServerInstance, ControlPlaneNode, ControlPlanePod, EndpointHealth, EtcdMember, EtcdTopology, LeaseCandidate, LeaseTrack } from '@hawk/core';
import type { ApiEndpoint } from '../sources/endpoint-slice';
import { candidateIdentity, type LeaseCandidateObservation } from '../sources/lease-candidates';
import type { IdentityLeaseObservation } from '../sources/leases';

/**
 * Pure assembly of what the sources observed into the parts of a ClusterInput. No judgement:
 * matching objects to each other (an endpoint to its node, a lease to its candidates) only.
 */

export const NO_HEALTH: EndpointHealth = { livez: null, readyz: null, lastOkAt: null };

/** An apiserver address hawk has seen in the EndpointSlice; kept after it leaves, so a stopped instance still counts. */
export interface KnownEndpoint extends ApiEndpoint {
  readonly inSlice: boolean;
}

/** An identity lease with hawk's clock at its last observed renewal. */
export interface ObservedIdentity extends IdentityLeaseObservation {
  readonly observedRenewAt: number;
}

export const endpointId = (address: string, port: number) => `${address.includes(':') ? `[${address}]` : address}:${port}`;

function hostOfUrl(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return null;
  }
}

/** The node an endpoint address belongs to: the slice says, else a node or an apiserver pod with that address. */
function nodeOfAddress(endpoint: ApiEndpoint, nodes: readonly ControlPlaneNode[], pods: readonly ControlPlanePod[]): string | null {
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
    .map(
      (lease): ApiServerInstance => ({
        id: `identity:${lease.name}`,
        address: null,
        port: null,
        host: lease.hostname,
        node: nodes.some((node) => node.name === lease.hostname) ? lease.hostname : null,
        inEndpointSlice: false,
        identityLease: lease.name,
        identityRenewedAt: lease.observedRenewAt,
        health: NO_HEALTH,
      }),
    );
  return [...instances, ...unclaimed].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/** classifyFrontDoor: the kubeconfig server is an instance when its host:port is one of theirs, else a load balancer. */
export function classifyFrontDoor(server: string, instances: readonly ApiServerInstance[], health: EndpointHealth): ApiServerFrontDoor {
  const host = hostOfUrl(server);
  const addressed = instances.filter((instance) => instance.address !== null);
  if (host === null || addressed.length === 0) return { url: server, kind: 'unknown', health };
  const port = Number(new URL(server).port || 443);
  const isInstance = addressed.some((instance) => instance.address === host && (instance.port === port || instance.port === null));
  return { url: server, kind: isInstance ? 'instance' : 'load-balancer', health };
}

/**
 * LeaseCandidate objects are renewed every 5 minutes (client-go's requeueInterval) and when the
 * election controller pings them: one not renewed for longer, plus slack, has no live process behind it.
 */
export const LEASE_CANDIDATE_STALE_MS = 6 * 60_000;

/** How live each candidate is, as the runtime observed it. */
export interface CandidateLiveness {
  readonly now: number;
  /** A component pod's own /healthz: true healthy, false down, null unknown (not probed, not reachable). */
  readonly pod: (pod: ControlPlanePod) => boolean | null;
}

/**
 * candidatesFor lists who could take a lease over: LeaseCandidate objects when the API serves them,
 * else the pods of the lease's component, each marked live or not (a mirror pod always says
 * Running, so only the component's own health endpoint tells a live standby from a dead one).
 */
export function candidatesFor(
  track: LeaseTrack,
  served: boolean,
  candidates: readonly (LeaseCandidateObservation & { observedRenewAt: number })[],
  pods: readonly ControlPlanePod[],
  liveness: CandidateLiveness,
): { candidates: LeaseCandidate[]; source: 'lease-candidate' | 'pod' } {
  const componentPods = pods.filter((pod) => pod.component === track.component);
  const fromObjects = candidates
    .filter((candidate) => candidate.leaseName === track.name)
    .map((candidate): LeaseCandidate => {
      const identity = candidateIdentity(candidate);
      const separator = identity.lastIndexOf('_');
      const node = separator > 0 ? identity.slice(0, separator) : null;
      const stale = liveness.now - candidate.observedRenewAt > LEASE_CANDIDATE_STALE_MS;
      // The renewal only tells "gone" after minutes; the same node's pod answering or not tells it now.
      const pod = node === null ? undefined : componentPods.find((p) => p.node === node);
      const podLive = pod ? liveness.pod(pod) : null;
      return { identity, node, source: 'lease-candidate', observedRenewAt: candidate.observedRenewAt, live: !stale && podLive !== false };
    });
  if (served && fromObjects.length > 0) return { candidates: fromObjects, source: 'lease-candidate' };
  const fromPods = componentPods.map((pod): LeaseCandidate => ({ identity: pod.name, node: pod.node, source: 'pod', observedRenewAt: null, live: liveness.pod(pod) }));
  return { candidates: fromPods, source: 'pod' };
}

/**
 * etcdTopology tells stacked from external etcd: members (or the apiservers' --etcd-servers)
 * on control-plane nodes' addresses are stacked; elsewhere, external. Each decision is given as a sentence.
 */
export function etcdTopology(members: readonly EtcdMember[], nodes: readonly ControlPlaneNode[], pods: readonly ControlPlanePod[]): { topology: EtcdTopology; evidence: string[] } {
  const urls = members.length > 0 ? members.flatMap((member) => member.clientURLs.slice(0, 1)) : [...new Set(pods.flatMap((pod) => pod.etcdServers))];
  const evidence: string[] = [];
  let onNodes = 0;
  let elsewhere = 0;
  for (const url of urls) {
    const host = hostOfUrl(url);
    if (host === null) continue;
    const node = nodes.find((candidate) => candidate.addresses.includes(host));
    const etcdPod = pods.find((pod) => pod.component === 'etcd' && pod.podIP === host);
    if (node || etcdPod) {
      onNodes += 1;
      evidence.push(`etcd ${url} is on control-plane node ${node?.name ?? etcdPod?.node ?? host}`);
    } else if (host === '127.0.0.1' || host === 'localhost' || host === '::1') {
      onNodes += 1;
      evidence.push(`the apiserver reaches etcd at ${url}, on its own node`);
    } else {
      elsewhere += 1;
      evidence.push(`etcd ${url} is not on any control-plane node`);
    }
  }
  if (nodes.length === 0 && pods.length === 0) return { topology: 'unknown', evidence: ['no control-plane nodes or pods are visible to compare with'] };
  if (onNodes > 0 && elsewhere === 0) return { topology: 'stacked', evidence };
  if (elsewhere > 0 && onNodes === 0) return { topology: 'external', evidence };
  return { topology: 'unknown', evidence: evidence.length ? evidence : ['no etcd address is known'] };
}

/** etcd's default backend quota (2 GiB), used until the quota is read from somewhere. */
export const DEFAULT_ETCD_QUOTA_BYTES = 2 * 1024 ** 3;
