import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { nodeDir } from '../kubeadm';
import type { Lab } from '../lab';
import { hawkCacheDir } from '../paths';
import { must } from '../shell';
import { buildScratchImage } from './images';

/** The CoreDNS release kubeadm v1.36 deploys (its constants.CoreDNSVersion), built from its Go module. */
export const COREDNS_VERSION = 'v1.14.2';
export const COREDNS_IMAGE = `registry.k8s.io/coredns/coredns:${COREDNS_VERSION}`;

/** Where packages/lab/scripts/build-binaries.sh leaves the binary. */
export function corednsBinary(): string {
  return join(hawkCacheDir(), 'coredns', COREDNS_VERSION, 'coredns');
}

export const corednsAvailable = (): boolean => existsSync(corednsBinary());

/** corednsImageArchive: the binary FROM scratch, as root (kubeadm's Deployment adds NET_BIND_SERVICE for port 53). */
export function corednsImageArchive(): Promise<string> {
  return buildScratchImage(corednsBinary(), 'coredns', COREDNS_IMAGE, `${corednsBinary()}-image.oci.tar`);
}

/**
 * installClusterDns runs kubeadm's own CoreDNS addon phase (ConfigMap, RBAC, Deployment, kube-dns Service at
 * 10.96.0.10) and keeps its pods on the workers: the lab's control-plane Nodes have no kubelet to run them.
 */
export async function installClusterDns(lab: Lab): Promise<void> {
  const first = lab.nodes[0]!;
  const config = join(nodeDir(lab.paths, first.name), 'kubeadm.yaml');
  // From the first control-plane host, as `kubeadm init` runs there: a profile may refuse clients on the host side.
  await must(
    'nsenter',
    [
      `--net=/run/netns/${first.netns}`,
      '--',
      join(lab.binDir, 'kubeadm'),
      'init',
      'phase',
      'addon',
      'coredns',
      '--config',
      config,
      '--kubeconfig',
      lab.paths.adminKubeconfig,
    ],
    120_000,
  );
  await lab.kubeAny((kube) =>
    kube.mergePatch('/apis/apps/v1/namespaces/kube-system/deployments/coredns', {
      spec: { template: { spec: { nodeSelector: { 'lab.hawk.dev/worker': 'true' } } } },
    }),
  );
}

interface DnsPods {
  items: { spec: { nodeName?: string }; status: { conditions?: { type: string; status: string }[] } }[];
}

/**
 * clusterDnsReady: kubeadm's CoreDNS Deployment exists and as many of its pods as it wants are Ready on these workers
 * (pods, not the Deployment's status, which still counts pods of workers just removed).
 */
export async function clusterDnsReady(lab: Lab, workers: readonly string[]): Promise<boolean> {
  return lab
    .kubeAny(async (kube) => {
      const deployment = await kube.json<{ spec: { replicas?: number } }>(
        '/apis/apps/v1/namespaces/kube-system/deployments/coredns',
      );
      const pods = await kube.json<DnsPods>('/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dkube-dns');
      const ready = pods.items.filter(
        (p) =>
          workers.includes(p.spec.nodeName ?? '') &&
          p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      return ready.length >= (deployment.spec.replicas ?? 1);
    })
    .catch(() => false);
}
