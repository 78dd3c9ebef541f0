import { hostOf } from '../analysis/placement';
import type { EtcdMember, EtcdTopology } from '../model/etcd';
import type { ControlPlaneNode, ControlPlanePod } from '../model/node';

/** etcd's default backend quota (2 GiB), used until the quota is read from somewhere. */
export const DEFAULT_ETCD_QUOTA_BYTES = 2 * 1024 ** 3;

/**
 * smallestEtcdQuota: the smallest --quota-backend-bytes among the etcd members (the first member
 * to reach its quota raises NOSPACE for the whole cluster); null (unset) is etcd's default, and
 * with no member known the default too.
 */
export function smallestEtcdQuota(quotas: readonly (number | null)[]): number {
  return quotas.length > 0
    ? Math.min(...quotas.map((quota) => quota ?? DEFAULT_ETCD_QUOTA_BYTES))
    : DEFAULT_ETCD_QUOTA_BYTES;
}

/**
 * etcdTopology tells stacked from external etcd: members (or the apiservers' --etcd-servers)
 * on control-plane nodes' addresses are stacked; elsewhere, external. Each decision is given as a sentence.
 */
export function etcdTopology(
  members: readonly EtcdMember[],
  nodes: readonly ControlPlaneNode[],
  pods: readonly ControlPlanePod[],
): { topology: EtcdTopology; evidence: string[] } {
  const urls =
    members.length > 0
      ? members.flatMap((member) => member.clientURLs.slice(0, 1))
      : [...new Set(pods.flatMap((pod) => pod.etcdServers))];
  const evidence: string[] = [];
  let onNodes = 0;
  let elsewhere = 0;
  for (const url of urls) {
    const host = hostOf(url);
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
  if (nodes.length === 0 && pods.length === 0)
    return { topology: 'unknown', evidence: ['no control-plane nodes or pods are visible to compare with'] };
  if (onNodes > 0 && elsewhere === 0) return { topology: 'stacked', evidence };
  if (elsewhere > 0 && onNodes === 0) return { topology: 'external', evidence };
  return { topology: 'unknown', evidence: evidence.length ? evidence : ['no etcd address is known'] };
}

/** HIDDEN_TOPOLOGY_EVIDENCE: why etcd's topology is 'managed-hidden'. */
export const HIDDEN_TOPOLOGY_EVIDENCE = 'no control-plane pods, component leases or apiserver identities are visible';
