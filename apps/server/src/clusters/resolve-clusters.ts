import { existsSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { commaList, type HawkEnv } from '../env';
import { loadConfigFile, type ClusterConfigEntry, type EtcdConfigEntry } from './cluster-config';
import { nameCluster, namedByEnv } from './cluster-name';
import { createEtcdTransport, type EtcdTransport } from './etcd-transport';
import { missingExecPlugin } from './exec-plugin';
import { createKubeClient, type KubeClient } from './kube-client';
import {
  describeClash,
  loadKubeContexts as readKubeContexts,
  mergeKubeconfigs,
  type KubeContext,
  type KubeContexts,
} from './kubeconfig-files';
import { silentLogger, type Logger } from '../logger';
import { uniqueIds } from './slug';

/**
 * One cluster to watch, resolved from kubeconfig and config; a misconfigured one carries `error` instead of clients.
 */
export interface ClusterTarget {
  readonly id: string;
  readonly context: string;
  /** The name people recognise (cluster-name.ts says from where); `id` stays the context's slug. */
  readonly name: string;
  /** No name was given: the name kubeadm reports may replace `name` once read. */
  readonly nameDiscoverable: boolean;
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
  | 'HAWK_CONFIG'
  | 'HAWK_CONTEXTS'
  | 'HAWK_PROBE_INTERVAL_MS'
  | 'HAWK_ETCD_ENDPOINTS'
  | 'HAWK_ETCD_CA'
  | 'HAWK_ETCD_CERT'
  | 'HAWK_ETCD_KEY'
  | 'HAWK_LEASE_NAMESPACES'
  | 'HAWK_CLUSTER_NAME'
  | 'HAWK_CLUSTER_NAME_FALLBACK'
  | KubeEnvName
>;
type KubeEnvName = 'KUBECONFIG' | 'KUBERNETES_SERVICE_HOST';

export interface ResolveOptions {
  /** The validated environment (loadEnv). */
  readonly env: ClusterEnv;
  /** Loaded kubeconfig, read as one file; defaults to KUBECONFIG's files read as kubectl does (loadKubeContexts). */
  readonly kubeconfig?: KubeConfig;
  /** Path to the YAML config file, instead of HAWK_CONFIG. */
  readonly configFile?: string;
  /** Contexts to watch, instead of HAWK_CONTEXTS (else every context). */
  readonly contexts?: readonly string[];
  /** Probe interval for clusters the config file does not set, instead of HAWK_PROBE_INTERVAL_MS (ms). */
  readonly probeIntervalMs?: number;
  /** Where the kubeconfig's clashes and skipped files are reported (warnings). */
  readonly logger?: Logger;
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** runningInPod: a service account is mounted and the apiserver's service is announced. */
export function runningInPod(env: Pick<HawkEnv, 'KUBERNETES_SERVICE_HOST'>, serviceAccountRoot = ''): boolean {
  return !!env.KUBERNETES_SERVICE_HOST && existsSync(`${serviceAccountRoot}${SERVICE_ACCOUNT_TOKEN}`);
}

/**
 * loadKubeContexts reads the kubeconfig as kubectl would (loadKubeContexts in kubeconfig-files.ts),
 * adding the pod's own cluster when KUBECONFIG names neighbours. `serviceAccountRoot` prefixes the
 * service-account paths (tests).
 */
export function loadKubeContexts(env: Pick<HawkEnv, KubeEnvName>, serviceAccountRoot = ''): KubeContexts {
  return readKubeContexts(
    env.KUBECONFIG,
    !!env.KUBECONFIG && runningInPod(env, serviceAccountRoot),
    serviceAccountRoot,
  );
}

/**
 * loadKubeConfig is the current context alone, with its own file's cluster and user (hawk's own
 * Lease outside a pod). Without a current context, the first context.
 */
export function loadKubeConfig(env: Pick<HawkEnv, KubeEnvName>, serviceAccountRoot = ''): KubeConfig {
  const { contexts, current } = loadKubeContexts(env, serviceAccountRoot);
  const chosen = contexts.find((context) => context.name === current) ?? contexts[0];
  if (!chosen) throw new Error('no kubeconfig context: the kubeconfig defines none');
  return chosen.kubeConfig;
}

function etcdFromEnv(env: ClusterEnv): EtcdConfigEntry | undefined {
  const endpoints = commaList(env.HAWK_ETCD_ENDPOINTS);
  if (endpoints.length === 0) return undefined;
  return { endpoints, ca: env.HAWK_ETCD_CA, cert: env.HAWK_ETCD_CERT, key: env.HAWK_ETCD_KEY };
}

/**
 * resolveClusters decides which contexts to watch and builds each one's clients. It throws only
 * for what stops every cluster (no kubeconfig, a bad config file); a bad context becomes that
 * cluster's own error. Names repeated across kubeconfig files are logged once each, as a warning.
 */
export function resolveClusters(options: ResolveOptions): ClusterTarget[] {
  const { env } = options;
  const logger = options.logger ?? silentLogger;
  const kube = options.kubeconfig
    ? mergeKubeconfigs([{ source: 'the given kubeconfig', config: options.kubeconfig }])
    : loadKubeContexts(env);
  warnAboutKubeconfigs(kube, logger);
  const configPath = options.configFile ?? env.HAWK_CONFIG;
  const file = configPath ? loadConfigFile(configPath) : undefined;
  const fromEnv = commaList(env.HAWK_CONTEXTS);
  const chosen = options.contexts ?? (fromEnv.length ? fromEnv : kube.contexts.map((context) => context.name));
  const entries: ClusterConfigEntry[] = file?.clusters ?? chosen.map((context) => ({ context, labels: {} }));
  const defaultInterval = file?.probeIntervalMs ?? options.probeIntervalMs ?? env.HAWK_PROBE_INTERVAL_MS;

  const envLeaseNamespaces = commaList(env.HAWK_LEASE_NAMESPACES);
  const ids = uniqueIds(entries.map((entry) => entry.context));
  const envEtcd = etcdFromEnv(env);
  const envNamed = namedByEnv(entries.map((entry) => entry.context));
  // The HAWK_ETCD_* variables describe the default cluster: the current context if watched, else the first.
  const envEtcdIndex = Math.max(
    0,
    entries.findIndex((entry) => entry.context === kube.current),
  );

  return entries.map((entry, index): ClusterTarget => {
    const envName = entry.context === envNamed ? env.HAWK_CLUSTER_NAME : undefined;
    const naming = nameCluster({
      context: entry.context,
      configured: entry.name,
      envName,
      inClusterFallback: env.HAWK_CLUSTER_NAME_FALLBACK,
    });
    const base = {
      id: ids[index] ?? entry.context,
      context: entry.context,
      name: naming.name,
      nameDiscoverable: naming.discoverable,
      labels: entry.labels,
      probeIntervalMs: entry.probeIntervalMs ?? defaultInterval,
      // kube-system is always watched: listing it again would watch it twice.
      leaseNamespaces: [...new Set(entry.leaseNamespaces ?? file?.leaseNamespaces ?? envLeaseNamespaces)].filter(
        (namespace) => namespace !== 'kube-system',
      ),
    };
    const context = kube.contexts.find((candidate) => candidate.name === entry.context);
    return connect(base, context, entry.etcd ?? (index === envEtcdIndex ? envEtcd : undefined));
  });
}

/** Logs, once each, the KUBECONFIG files that do not exist and the names a later file repeats. */
function warnAboutKubeconfigs(kube: KubeContexts, logger: Logger): void {
  for (const file of kube.missing) logger.warn({ file }, `kubeconfig ${file} does not exist: skipped, as kubectl does`);
  for (const clash of kube.clashes) {
    logger.warn(
      {
        file: clash.source,
        earlierFile: clash.earlierSource,
        contexts: clash.contexts,
        clusters: clash.clusters,
        users: clash.users,
      },
      describeClash(clash),
    );
  }
}

/** What a cluster target holds before its clients are made. */
type TargetBase = Omit<ClusterTarget, 'server' | 'kube' | 'etcd' | 'etcdError' | 'error'>;

/** connect builds a cluster's clients from its context; what cannot be built becomes the cluster's own error. */
function connect(base: TargetBase, context: KubeContext | undefined, etcdEntry?: EtcdConfigEntry): ClusterTarget {
  if (!context)
    return {
      ...base,
      server: '',
      kube: null,
      etcd: null,
      etcdError: null,
      error: `context "${base.context}" is not in the kubeconfig`,
    };
  const server = context.kubeConfig.getCurrentCluster()?.server ?? '';
  const failed = (message: string): ClusterTarget => ({
    ...base,
    server,
    kube: null,
    etcd: null,
    etcdError: null,
    error: `context "${base.context}": ${message}`,
  });
  // A plugin missing now would fail every request: say so once, on this cluster, naming the command.
  const missingPlugin = missingExecPlugin(context.kubeConfig.getCurrentUser());
  if (missingPlugin) return failed(missingPlugin);
  let client: KubeClient;
  try {
    client = createKubeClient(context.kubeConfig);
  } catch (error) {
    return failed((error as Error).message);
  }
  let etcd: EtcdTransport | null = null;
  let etcdError: string | null = null;
  if (etcdEntry) {
    try {
      etcd = createEtcdTransport(etcdEntry.endpoints, etcdEntry);
    } catch (error) {
      etcdError = (error as Error).message;
    }
  }
  return { ...base, server, kube: client, etcd, etcdError, error: null };
}
