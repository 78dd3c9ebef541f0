import type { ClusterInfoSignals, KubeadmConfigSignal } from '@hawk/core';
import { parse } from 'yaml';
import type { KubeClient } from '../clusters/kube-client';
import { field, isRaw, list, text } from './raw';
import type { Session } from './supervisor';
import { SERVER_DEFAULTS } from '../defaults';

/** The read-only GETs distribution detection makes, besides the watches. */
export const CLUSTER_INFO_PATHS = {
  version: '/version',
  apiGroups: '/apis',
  /** Read with `get` on this one name only: the chart's Role grants nothing else on ConfigMaps. */
  kubeadmConfig: '/api/v1/namespaces/kube-system/configmaps/kubeadm-config',
} as const;

/** gitVersionOf reads /version's gitVersion ("v1.31.4+k3s1"). */
export function gitVersionOf(body: unknown): string | null {
  return text(field(body, 'gitVersion'));
}

/** apiGroupNamesOf reads the group names from /apis (an APIGroupList). */
export function apiGroupNamesOf(body: unknown): string[] {
  return list(field(body, 'groups'))
    .map((group) => text(field(group, 'name')))
    .filter((name): name is string => name !== null);
}

/**
 * parseKubeadmConfig reads kubeadm's ClusterConfiguration (YAML in data.ClusterConfiguration):
 * controlPlaneEndpoint, whether etcd is `local` (stacked, kubeadm runs it) or `external`, and the
 * clusterName the in-cluster context may be shown under.
 */
export function parseKubeadmConfig(configMap: unknown): KubeadmConfigSignal {
  const raw = field(configMap, 'data', 'ClusterConfiguration');
  let config: unknown = null;
  if (typeof raw === 'string') {
    try {
      config = parse(raw);
    } catch {
      config = null;
    }
  }
  return {
    controlPlaneEndpoint: text(field(config, 'controlPlaneEndpoint')),
    etcd: etcdModeOf(config),
    kubernetesVersion: text(field(config, 'kubernetesVersion')),
    clusterName: text(field(config, 'clusterName')),
  };
}

/** etcd.external names outside endpoints; etcd.local, or no etcd section at all, is kubeadm's own stacked etcd. */
function etcdModeOf(config: unknown): KubeadmConfigSignal['etcd'] {
  if (!isRaw(config)) return null;
  const etcd = config.etcd;
  if (isRaw(etcd) && isRaw(etcd.external)) return 'external';
  return etcd === undefined || (isRaw(etcd) && 'local' in etcd) ? 'local' : null;
}

type Answer = { readonly status: number; readonly body: unknown } | { readonly status: null; readonly error: string };

async function getJson(client: KubeClient, path: string, signal: AbortSignal): Promise<Answer> {
  try {
    const response = await client.open(path, {
      signal,
      headersTimeoutMs: SERVER_DEFAULTS.discoveryTimeoutMs,
      bodyTimeoutMs: SERVER_DEFAULTS.discoveryTimeoutMs,
    });
    const textBody = await response.body.text();
    return { status: response.status, body: response.status === 200 ? (JSON.parse(textBody) as unknown) : null };
  } catch (error) {
    return { status: null, error: (error as Error).message };
  }
}

/**
 * readClusterInfo makes the three GETs. /version and /apis are readable by any authenticated
 * client; kubeadm-config answers 404 on clusters kubeadm did not make and 403 without the chart's Role.
 * These facts hardly change: an answer that fails (a fault under way, etcd without quorum behind the
 * ConfigMap) keeps what `previous` knew. Only a first /version that fails is an error.
 */
export async function readClusterInfo(
  client: KubeClient,
  signal: AbortSignal,
  previous: ClusterInfoSignals | null = null,
): Promise<ClusterInfoSignals> {
  const [version, groups, kubeadm] = await Promise.all([
    getJson(client, CLUSTER_INFO_PATHS.version, signal),
    getJson(client, CLUSTER_INFO_PATHS.apiGroups, signal),
    getJson(client, CLUSTER_INFO_PATHS.kubeadmConfig, signal),
  ]);
  if (version.status !== 200 && !previous)
    throw new Error(`GET /version: ${version.status === null ? version.error : `HTTP ${version.status}`}`);
  return {
    gitVersion: version.status === 200 ? gitVersionOf(version.body) : (previous?.gitVersion ?? null),
    apiGroups: groups.status === 200 ? apiGroupNamesOf(groups.body) : (previous?.apiGroups ?? null),
    kubeadmConfig: kubeadmConfigOf(kubeadm, previous?.kubeadmConfig ?? null),
  };
}

function kubeadmConfigOf(
  answer: Answer,
  previous: ClusterInfoSignals['kubeadmConfig'],
): ClusterInfoSignals['kubeadmConfig'] {
  if (answer.status === 200) return parseKubeadmConfig(answer.body);
  if (answer.status === 404) return 'absent';
  if (answer.status === 401 || answer.status === 403) return 'forbidden';
  return previous;
}

/** clusterInfoSession reads the cluster info now and every `everyMs`, handing each reading to `sink`. */
export function clusterInfoSession(
  client: KubeClient,
  sink: (info: ClusterInfoSignals) => void,
  everyMs = SERVER_DEFAULTS.clusterInfoEveryMs,
): Session {
  return async (signal, report) => {
    let previous: ClusterInfoSignals | null = null;
    while (!signal.aborted) {
      previous = await readClusterInfo(client, signal, previous);
      sink(previous);
      report.synced();
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, everyMs);
        signal.addEventListener('abort', done);
      });
    }
  };
}
