import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { commaList, type HawkEnv } from '../env';
import { loadConfigFile, type ClusterConfigEntry, type EtcdConfigEntry } from './cluster-config';
import { createEtcdTransport, type EtcdTransport } from './etcd-transport';
import { createKubeClient, type KubeClient } from './kube-client';
import { uniqueIds } from './slug';

/** One cluster to watch, resolved from kubeconfig and config; a misconfigured one carries `error` instead of clients. */
export interface ClusterTarget {
  readonly id: string;
  readonly context: string;
  /** The kubeconfig server URL, '' when the context has none. */
  readonly server: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly probeIntervalMs: number;
  /** Namespaces whose leader-election Leases are watched besides kube-system. */
  readonly leaseNamespaces: readonly string[];
  readonly kube: KubeClient | null;
  readonly etcd: EtcdTransport | null;
  /** Why etcd is not asked directly although it was configured (unreadable cert …). */
  readonly etcdError: string | null;
  /** Why this cluster cannot be watched at all (unknown context, bad server URL …). */
  readonly error: string | null;
}

/** The variables that choose and reach the clusters (env.ts declares them). */
export type ClusterEnv = Pick<
  HawkEnv,
  'HAWK_CONFIG' | 'HAWK_CONTEXTS' | 'HAWK_PROBE_INTERVAL_MS' | 'HAWK_ETCD_ENDPOINTS' | 'HAWK_ETCD_CA' | 'HAWK_ETCD_CERT' | 'HAWK_ETCD_KEY' | 'HAWK_LEASE_NAMESPACES' | KubeEnvName
>;
type KubeEnvName = 'KUBECONFIG' | 'KUBERNETES_SERVICE_HOST';

export interface ResolveOptions {
  /** The validated environment (loadEnv). */
  readonly env: ClusterEnv;
  /** Loaded kubeconfig; defaults to kubectl's rules (KUBECONFIG with several files, ~/.kube/config, in-cluster). */
  readonly kubeconfig?: KubeConfig;
  /** Path to the YAML config file, instead of HAWK_CONFIG. */
  readonly configFile?: string;
  /** Contexts to watch, instead of HAWK_CONTEXTS (else every context). */
  readonly contexts?: readonly string[];
  /** Probe interval for clusters the config file does not set, instead of HAWK_PROBE_INTERVAL_MS (ms). */
  readonly probeIntervalMs?: number;
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** runningInPod: a service account is mounted and the apiserver's service is announced. */
export function runningInPod(env: Pick<HawkEnv, 'KUBERNETES_SERVICE_HOST'>, serviceAccountRoot = ''): boolean {
  return !!env.KUBERNETES_SERVICE_HOST && existsSync(`${serviceAccountRoot}${SERVICE_ACCOUNT_TOKEN}`);
}

/**
 * loadKubeConfig follows kubectl's rules and refuses the library's silent localhost:8080 fallback.
 * In a pod, KUBECONFIG (the chart's extraKubeconfigSecret) names neighbouring clusters; kubectl's
 * rules would then drop the pod's own cluster, so it is added back as context `inClusterContext`.
 * `serviceAccountRoot` prefixes the service-account paths (tests).
 */
export function loadKubeConfig(env: Pick<HawkEnv, KubeEnvName>, serviceAccountRoot = ''): KubeConfig {
  const kubeConfig = new KubeConfig();
  // As the library's loadFromDefault, but from the validated KUBECONFIG rather than process.env: the first file's current context wins.
  const [first, ...rest] = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (first === undefined) kubeConfig.loadFromDefault();
  else {
    kubeConfig.loadFromFile(first);
    for (const file of rest) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      kubeConfig.mergeConfig(more);
    }
  }
  if (env.KUBECONFIG && runningInPod(env, serviceAccountRoot)) {
    const own = new KubeConfig();
    own.loadFromCluster(serviceAccountRoot);
    kubeConfig.mergeConfig(own, true);
  }
  const clusters = kubeConfig.getClusters();
  const fellBack = clusters.length === 1 && clusters[0]?.name === 'cluster' && clusters[0].server === 'http://localhost:8080';
  if (fellBack && !env.KUBECONFIG && !existsSync(`${homedir()}/.kube/config`)) {
    throw new Error('no kubeconfig: set KUBECONFIG, create ~/.kube/config, or run in a pod with a service account');
  }
  return kubeConfig;
}

/** scopedKubeConfig copies the kubeconfig with `context` current, so one cluster's client never sees another's. */
function scopedKubeConfig(source: KubeConfig, context: string): KubeConfig {
  const scoped = new KubeConfig();
  scoped.loadFromOptions({ clusters: source.getClusters(), users: source.getUsers(), contexts: source.getContexts(), currentContext: context });
  return scoped;
}

function etcdFromEnv(env: ClusterEnv): EtcdConfigEntry | undefined {
  const endpoints = commaList(env.HAWK_ETCD_ENDPOINTS);
  if (endpoints.length === 0) return undefined;
  return { endpoints, ca: env.HAWK_ETCD_CA, cert: env.HAWK_ETCD_CERT, key: env.HAWK_ETCD_KEY };
}

/**
 * resolveClusters decides which contexts to watch and builds each one's clients. It throws only
 * for what stops every cluster (no kubeconfig, a bad config file); a bad context becomes that
 * cluster's own error.
 */
export function resolveClusters(options: ResolveOptions): ClusterTarget[] {
  const { env } = options;
  const kubeConfig = options.kubeconfig ?? loadKubeConfig(env);
  const configPath = options.configFile ?? env.HAWK_CONFIG;
  const file = configPath ? loadConfigFile(configPath) : undefined;
  const fromEnv = commaList(env.HAWK_CONTEXTS);
  const entries: ClusterConfigEntry[] =
    file?.clusters ?? (options.contexts ?? (fromEnv.length ? fromEnv : kubeConfig.getContexts().map((context) => context.name))).map((context) => ({ context, labels: {} }));
  const defaultInterval = file?.probeIntervalMs ?? options.probeIntervalMs ?? env.HAWK_PROBE_INTERVAL_MS;

  const envLeaseNamespaces = commaList(env.HAWK_LEASE_NAMESPACES);
  const ids = uniqueIds(entries.map((entry) => entry.context));
  const envEtcd = etcdFromEnv(env);
  // The HAWK_ETCD_* variables describe the default cluster: the current context if watched, else the first.
  const envEtcdIndex = Math.max(
    0,
    entries.findIndex((entry) => entry.context === kubeConfig.getCurrentContext()),
  );

  return entries.map((entry, index): ClusterTarget => {
    const base = {
      id: ids[index] ?? entry.context,
      context: entry.context,
      labels: entry.labels,
      probeIntervalMs: entry.probeIntervalMs ?? defaultInterval,
      // kube-system is always watched: listing it again would watch it twice.
      leaseNamespaces: [...new Set(entry.leaseNamespaces ?? file?.leaseNamespaces ?? envLeaseNamespaces)].filter((namespace) => namespace !== 'kube-system'),
    };
    const context = kubeConfig.getContextObject(entry.context);
    if (!context) return { ...base, server: '', kube: null, etcd: null, etcdError: null, error: `context "${entry.context}" is not in the kubeconfig` };
    const scoped = scopedKubeConfig(kubeConfig, entry.context);
    const server = scoped.getCurrentCluster()?.server ?? '';
    let kube: KubeClient;
    try {
      kube = createKubeClient(scoped);
    } catch (error) {
      return { ...base, server, kube: null, etcd: null, etcdError: null, error: `context "${entry.context}": ${(error as Error).message}` };
    }
    const etcdEntry = entry.etcd ?? (index === envEtcdIndex ? envEtcd : undefined);
    let etcd: EtcdTransport | null = null;
    let etcdError: string | null = null;
    if (etcdEntry) {
      try {
        etcd = createEtcdTransport(etcdEntry.endpoints, etcdEntry);
      } catch (error) {
        etcdError = (error as Error).message;
      }
    }
    return { ...base, server, kube, etcd, etcdError, error: null };
  });
}
