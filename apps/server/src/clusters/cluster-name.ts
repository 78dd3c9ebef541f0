import type { KubeadmConfigSignal } from '@hawk/core';

/** The context name @kubernetes/client-node gives the pod's own cluster: it names nothing a person knows. */
export const IN_CLUSTER_CONTEXT = 'inClusterContext';

/** What the in-cluster context is called when nothing better is set or discovered (no chart, no kubeadm). */
export const IN_CLUSTER_FALLBACK_NAME = 'in-cluster';

/** kubeadm's clusterName unless told otherwise: every kubeadm cluster has it, so it tells none apart. */
export const KUBEADM_DEFAULT_CLUSTER_NAME = 'kubernetes';

/**
 * A display name: 1 to 128 characters, no control characters, no space at either end. It reaches
 * <title>, Prometheus label values and chat messages, which all take any other text.
 */
export const CLUSTER_NAME_PATTERN = '^[^\\s\\x00-\\x1f\\x7f]([^\\x00-\\x1f\\x7f]{0,126}[^\\s\\x00-\\x1f\\x7f])?$';
export const CLUSTER_NAME_DESCRIPTION =
  'a display name of 1-128 characters, without control characters or surrounding spaces';

/** How one cluster is named before hawk has asked it anything. */
export interface ClusterNaming {
  readonly name: string;
  /** No name was given: a name the cluster reports (kubeadm's clusterName) may replace `name`. */
  readonly discoverable: boolean;
}

export interface NameSources {
  readonly context: string;
  /** The cluster's `name` in HAWK_CONFIG. */
  readonly configured?: string | undefined;
  /** HAWK_CLUSTER_NAME, for hawk's own cluster: see namedByEnv. */
  readonly envName?: string | undefined;
  /** HAWK_CLUSTER_NAME_FALLBACK: the in-cluster context's name when none is set or discovered (the chart's release). */
  readonly inClusterFallback?: string | undefined;
}

/**
 * nameCluster applies the order, first found wins:
 * 1. the cluster's `name` in HAWK_CONFIG;
 * 2. HAWK_CLUSTER_NAME, for the context namedByEnv picks;
 * 3. for the in-cluster context, the name the cluster reports (discoverable; see discoveredName);
 * 4. for the in-cluster context, HAWK_CLUSTER_NAME_FALLBACK, else 'in-cluster';
 *    for any other context, the context itself: its owner chose it and types it after `kubectl --context`.
 */
export function nameCluster(sources: NameSources): ClusterNaming {
  if (sources.configured) return { name: sources.configured, discoverable: false };
  if (sources.envName) return { name: sources.envName, discoverable: false };
  if (sources.context !== IN_CLUSTER_CONTEXT) return { name: sources.context, discoverable: false };
  return { name: sources.inClusterFallback || IN_CLUSTER_FALLBACK_NAME, discoverable: true };
}

/**
 * namedByEnv picks the context HAWK_CLUSTER_NAME names: the cluster hawk runs in (the in-cluster
 * context) if watched, else the only context watched; none among several kubeconfig contexts, which
 * HAWK_CONFIG names one by one.
 */
export function namedByEnv(contexts: readonly string[]): string | null {
  if (contexts.includes(IN_CLUSTER_CONTEXT)) return IN_CLUSTER_CONTEXT;
  return contexts.length === 1 ? (contexts[0] ?? null) : null;
}

/**
 * discoveredName reads the name kubeadm was given (ClusterConfiguration.clusterName), or null when the
 * cluster reports none worth showing: not kubeadm, not readable, kubeadm's default, or not a display name.
 */
export function discoveredName(kubeadm: KubeadmConfigSignal | 'absent' | 'forbidden' | null): string | null {
  if (kubeadm === null || typeof kubeadm === 'string') return null;
  const name = kubeadm.clusterName?.trim();
  if (!name || name === KUBEADM_DEFAULT_CLUSTER_NAME || !new RegExp(CLUSTER_NAME_PATTERN).test(name)) return null;
  return name;
}
