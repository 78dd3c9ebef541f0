import type { ClusterInfoSignals, KubeadmConfigSignal } from '@hawk/core';
import { parse } from 'yaml';
import type { KubeClient } from '../clusters/kube-client';
import { field, isRaw, list, text } from './raw';
import type { Session } from './supervisor';

/** The read-only GETs distribution detection makes, besides the watches. */
export const CLUSTER_INFO_PATHS = {
  version: '/version',
  apiGroups: '/apis',
  /** Read with `get` on this one name only: the chart's Role grants nothing else on ConfigMaps. */
  kubeadmConfig: '/api/v1/namespaces/kube-system/configmaps/kubeadm-config',
} as const;

/** A distribution does not change under a running cluster: a look every 10 minutes catches upgrades. */
export const CLUSTER_INFO_EVERY_MS = 10 * 60_000;

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
 * controlPlaneEndpoint, and whether etcd is `local` (stacked, kubeadm runs it) or `external`.
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
  return { controlPlaneEndpoint: text(field(config, 'controlPlaneEndpoint')), etcd: etcdModeOf(config), kubernetesVersion: text(field(config, 'kubernetesVersion')) };
}

/** etcd.external names outside endpoints; etcd.local, or no etcd section at all, is kubeadm's own stacked etcd. */
function etcdModeOf(config: unknown): KubeadmConfigSignal['etcd'] {
  if (!isRaw(config)) return null;
  const etcd = config.etcd;
  if (isRaw(etcd) && isRaw(etcd.external)) return 'external';
  return etcd === undefined || (isRaw(etcd) && 'local' in etcd) ? 'local' : null;
}

async function getJson(client: KubeClient, path: string, signal: AbortSignal): Promise<{ status: number; body: unknown }> {
  const response = await client.open(path, { signal, headersTimeoutMs: 5000, bodyTimeoutMs: 5000 });
  const textBody = await response.body.text();
  if (response.status !== 200) return { status: response.status, body: null };
  return { status: 200, body: JSON.parse(textBody) as unknown };
}

/**
 * readClusterInfo makes the three GETs. /version and /apis are readable by any authenticated
 * client; kubeadm-config answers 404 on clusters kubeadm did not make and 403 without the chart's Role.
 */
export async function readClusterInfo(client: KubeClient, signal: AbortSignal): Promise<ClusterInfoSignals> {
  const [version, groups, kubeadm] = await Promise.all([
    getJson(client, CLUSTER_INFO_PATHS.version, signal),
    getJson(client, CLUSTER_INFO_PATHS.apiGroups, signal),
    getJson(client, CLUSTER_INFO_PATHS.kubeadmConfig, signal),
  ]);
  if (version.status !== 200) throw new Error(`GET /version: HTTP ${version.status}`);
  const kubeadmConfig = kubeadm.status === 200 ? parseKubeadmConfig(kubeadm.body) : kubeadm.status === 404 ? 'absent' : kubeadm.status === 403 || kubeadm.status === 401 ? 'forbidden' : null;
  return { gitVersion: gitVersionOf(version.body), apiGroups: groups.status === 200 ? apiGroupNamesOf(groups.body) : null, kubeadmConfig };
}

/** clusterInfoSession reads the cluster info now and every `everyMs`, handing each reading to `sink`. */
export function clusterInfoSession(client: KubeClient, sink: (info: ClusterInfoSignals) => void, everyMs = CLUSTER_INFO_EVERY_MS): Session {
  return async (signal, report) => {
    while (!signal.aborted) {
      sink(await readClusterInfo(client, signal));
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
