import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { withAbsoluteExecCommand, withExecInfo } from './exec-plugin';

/** One kubeconfig as loaded, with where it came from (a path, or `in-cluster` for the pod's service account). */
export interface KubeconfigSource {
  readonly source: string;
  readonly config: KubeConfig;
}

/** One context as hawk watches it: with the cluster and user of the file that defines it. */
export interface KubeContext {
  /** The name hawk knows it by: its own, or `<name>-2` … when an earlier file already uses that name. */
  readonly name: string;
  /** Its name in its file. */
  readonly contextName: string;
  readonly source: string;
  /** A kubeconfig holding this context alone, current, with its cluster and user: no other context's credentials. */
  readonly kubeConfig: KubeConfig;
}

/** Names a later kubeconfig repeats from an earlier one (every kubeadm admin.conf names the same three). */
export interface KubeconfigClash {
  readonly source: string;
  readonly earlierSource: string;
  readonly contexts: readonly { readonly name: string; readonly watchedAs: string }[];
  readonly clusters: readonly string[];
  readonly users: readonly string[];
}

export interface KubeContexts {
  readonly contexts: readonly KubeContext[];
  /** kubectl's current context: that of the first file setting one. */
  readonly current: string | undefined;
  readonly clashes: readonly KubeconfigClash[];
  /** KUBECONFIG's files that do not exist; kubectl skips them too. */
  readonly missing: readonly string[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer E)[] ? E[] : T[K] };
/** Name → the first file's definition of each cluster and user. */
interface FirstDefinitions {
  readonly clusters: ReadonlyMap<string, { readonly cluster: Cluster }>;
  readonly users: ReadonlyMap<string, { readonly user: User }>;
}

/**
 * mergeKubeconfigs reads several kubeconfigs as kubectl does, first file first, but without
 * kubectl's cross-wiring: kubectl resolves a context's cluster and user by name across all files,
 * first file winning, so two kubeadm admin.conf (both `kubernetes-admin@kubernetes`, cluster
 * `kubernetes`, user `kubernetes-admin`) would give the second context the first one's server and
 * credentials. Here:
 * 1. a context name keeps kubectl's meaning: the first file's context;
 * 2. a later file's context with a name already used is watched too, as `<name>-2` (`-3` …);
 * 3. each context gets the cluster and user its own file defines, and only where its file lacks
 *    the name, the first file's that defines it (kubectl's rule, for files split by kind).
 */
export function mergeKubeconfigs(sources: readonly KubeconfigSource[], missing: readonly string[] = []): KubeContexts {
  const firstContext = new Map<string, string>();
  const firstCluster = new Map<string, { source: string; cluster: Cluster }>();
  const firstUser = new Map<string, { source: string; user: User }>();
  let current: string | undefined;
  for (const { source, config } of sources) {
    for (const context of config.getContexts()) {
      if (!firstContext.has(context.name)) firstContext.set(context.name, source);
    }
    for (const cluster of config.getClusters()) {
      if (!firstCluster.has(cluster.name)) firstCluster.set(cluster.name, { source, cluster });
    }
    for (const user of config.getUsers()) {
      if (!firstUser.has(user.name)) firstUser.set(user.name, { source, user });
    }
    current ??= config.getCurrentContext() || undefined;
  }

  const taken = new Set(firstContext.keys());
  const clashes = new Map<string, Mutable<KubeconfigClash>>();
  const clash = (source: string, earlierSource: string) => {
    const key = `${source}\0${earlierSource}`;
    let entry = clashes.get(key);
    if (!entry) clashes.set(key, (entry = { source, earlierSource, contexts: [], clusters: [], users: [] }));
    return entry;
  };
  const contexts: KubeContext[] = [];
  for (const { source, config } of sources) {
    const seenHere = new Set<string>();
    for (const context of config.getContexts()) {
      // A name twice in one file: kubectl reads the first, and so does hawk.
      if (seenHere.has(context.name)) continue;
      seenHere.add(context.name);
      let name = context.name;
      const earlier = firstContext.get(context.name);
      if (earlier !== source) {
        let suffix = 2;
        while (taken.has(`${context.name}-${suffix}`)) suffix++;
        name = `${context.name}-${suffix}`;
        taken.add(name);
        if (earlier !== undefined) clash(source, earlier).contexts.push({ name: context.name, watchedAs: name });
      }
      const kubeConfig = scoped(context, config, { clusters: firstCluster, users: firstUser });
      contexts.push({ name, contextName: context.name, source, kubeConfig });
    }
    for (const cluster of config.getClusters()) {
      const earlier = firstCluster.get(cluster.name)?.source;
      if (earlier !== undefined && earlier !== source) clash(source, earlier).clusters.push(cluster.name);
    }
    for (const user of config.getUsers()) {
      const earlier = firstUser.get(user.name)?.source;
      if (earlier !== undefined && earlier !== source) clash(source, earlier).users.push(user.name);
    }
  }
  return { contexts, current, clashes: [...clashes.values()], missing };
}

/** scoped builds one context's own kubeconfig: its file's cluster and user, else the first file's of that name. */
function scoped(context: Context, own: KubeConfig, first: FirstDefinitions): KubeConfig {
  const cluster = own.getCluster(context.cluster) ?? first.clusters.get(context.cluster)?.cluster ?? null;
  const user = context.user ? (own.getUser(context.user) ?? first.users.get(context.user)?.user ?? null) : null;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: cluster ? [cluster] : [],
    users: user ? [withExecInfo(user, cluster)] : [],
    contexts: [context],
    currentContext: context.name,
  });
  return kubeConfig;
}

/** describeClash is the one warning line for a clash: names and files, never credentials. */
export function describeClash(clash: KubeconfigClash): string {
  const names = [
    ...clash.contexts.map((context) => `context "${context.name}" (watched as "${context.watchedAs}")`),
    ...clash.clusters.map((name) => `cluster "${name}"`),
    ...clash.users.map((name) => `user "${name}"`),
  ];
  const repeated = `kubeconfig ${clash.source} repeats names of ${clash.earlierSource}: ${names.join(', ')}`;
  return `${repeated}; each context is watched with its own file's cluster and user`;
}

/** loadKubeconfigFile reads one file; its relative paths (certificates, an exec command) are taken from its folder. */
export function loadKubeconfigFile(file: string): KubeConfig {
  const config = new KubeConfig();
  try {
    config.loadFromFile(file);
  } catch (error) {
    throw new Error(`kubeconfig ${file}: ${(error as Error).message}`, { cause: error });
  }
  const users = config.getUsers().map((user) => withAbsoluteExecCommand(user, dirname(file)));
  const currentContext = config.getCurrentContext();
  config.loadFromOptions({ clusters: config.getClusters(), users, contexts: config.getContexts(), currentContext });
  return config;
}

/**
 * loadKubeContexts follows kubectl's loading rules and refuses the library's silent localhost:8080
 * fallback: `paths` (KUBECONFIG) in order (missing ones skipped, repeats read once), else
 * ~/.kube/config, else the pod's service account. In a pod, KUBECONFIG (the chart's
 * extraKubeconfigSecret) names neighbouring clusters; kubectl's rules would then drop the pod's own
 * cluster, so it is added as context `inClusterContext`. `serviceAccountRoot` prefixes the
 * service-account paths (tests).
 */
export function loadKubeContexts(paths: string | undefined, inPod: boolean, serviceAccountRoot = ''): KubeContexts {
  const files = [...new Set((paths ?? '').split(delimiter).filter(Boolean))];
  if (files.length === 0) {
    const config = new KubeConfig();
    config.loadFromDefault();
    const clusters = config.getClusters();
    const [only] = clusters;
    const fellBack = clusters.length === 1 && only?.name === 'cluster' && only.server === 'http://localhost:8080';
    const home = `${homedir()}/.kube/config`;
    if (fellBack && !existsSync(home)) {
      throw new Error('no kubeconfig: set KUBECONFIG, create ~/.kube/config, or run in a pod with a service account');
    }
    return mergeKubeconfigs([{ source: existsSync(home) ? home : 'in-cluster', config }]);
  }
  const present = files.filter((file) => existsSync(file));
  if (present.length === 0) throw new Error(`no kubeconfig: none of KUBECONFIG's files exists (${files.join(', ')})`);
  const sources = present.map((file) => ({ source: file, config: loadKubeconfigFile(file) }));
  if (inPod) {
    const own = new KubeConfig();
    own.loadFromCluster(serviceAccountRoot);
    sources.push({ source: 'in-cluster', config: own });
  }
  return mergeKubeconfigs(
    sources,
    files.filter((file) => !present.includes(file)),
  );
}
