import type { ApiServerInstance } from '../model/apiserver';
import type { EtcdMember } from '../model/etcd';
import type { ControlPlaneNode } from '../model/node';

/** hostOf returns the host of a URL ("https://10.0.0.11:2379" → "10.0.0.11"), null if it is not one. */
export function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '') || null;
  } catch {
    return null;
  }
}

/** nodeOfInstance: the node an apiserver runs on, by its reported node, else its address or hostname. */
export function nodeOfInstance(instance: ApiServerInstance, nodes: readonly ControlPlaneNode[]): string | null {
  if (instance.node) return instance.node;
  const node = nodes.find(
    (n) => (instance.address !== null && n.addresses.includes(instance.address)) || n.name === instance.host,
  );
  return node?.name ?? null;
}

/**
 * nodeOfMember: the node an etcd member runs on; kubeadm names members after their node, else match its URLs' hosts.
 */
export function nodeOfMember(member: EtcdMember, nodes: readonly ControlPlaneNode[]): string | null {
  const hosts = [...member.peerURLs, ...member.clientURLs].map(hostOf).filter((h): h is string => h !== null);
  const node =
    nodes.find((n) => n.name === member.name) ?? nodes.find((n) => hosts.some((h) => n.addresses.includes(h)));
  return node?.name ?? null;
}
