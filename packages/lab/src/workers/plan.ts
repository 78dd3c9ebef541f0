import { join } from 'node:path';
import type { LabPaths } from '../paths';
import { HOST_LINK_PREFIX, NETNS_PREFIX, labIp } from '../topology';

/** At most nine workers: wk-i takes 10.213.0.(30+i), the address plan's next free block. */
export const MAX_WORKERS = 9;
const WORKER_BASE = 30;
/** Every worker's pods are in 10.244.<i>.0/24, kubeadm's usual pod range split by hand (no node IPAM in the lab). */
export const POD_CIDR = '10.244.0.0/16';
/** The kube-dns Service's ClusterIP in kubeadm's default service range, which kubelets hand pods as their resolver. */
export const CLUSTER_DNS_IP = '10.96.0.10';
/** The sandbox image kubeadm v1.36 pins (its constants.PauseVersion), built here from the release's pause.c. */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10.2';
/** The CNI network name: also the prefix of the results libcni caches in /var/lib/cni, which `down` removes. */
export const CNI_NETWORK = 'hawk-pods';
export const WORKER_PREFIX = 'wk-';

/** WorkerHost is a worker's machine: a network namespace on the lab bridge, named like the lab's other hosts. */
export interface WorkerHost {
  /** Also the Node name. */
  readonly name: string;
  readonly ip: string;
  readonly netns: string;
  readonly hostLink: string;
}

/** WorkerPlan is one worker node: a lab host plus the directories and ranges that keep it apart from its siblings. */
export interface WorkerPlan {
  readonly index: number;
  readonly host: WorkerHost;
  readonly podCidr: string;
  readonly podGateway: string;
  /** Everything the worker writes, under the lab directory so `down` removes it in one go. */
  readonly dir: string;
  /** The kubelet's --cgroup-root, in every cgroup hierarchy; the pods' cgroups live below it. */
  readonly cgroupRoot: string;
  readonly files: {
    readonly containerdConfig: string;
    readonly containerdRoot: string;
    readonly containerdState: string;
    readonly containerdSocket: string;
    readonly cniConfDir: string;
    readonly cniDataDir: string;
    readonly kubeletRoot: string;
    readonly kubeletConfig: string;
    readonly kubeletKubeconfig: string;
    readonly podLogs: string;
    readonly kubeProxyConfig: string;
    readonly kubeProxyKubeconfig: string;
    readonly pki: string;
  };
}

export function workersDir(paths: LabPaths): string {
  return join(paths.root, 'workers');
}

/** planWorkers lays `count` workers out on addresses, pod ranges, directories and cgroups. Pure. */
export function planWorkers(paths: LabPaths, count: number): WorkerPlan[] {
  if (!Number.isInteger(count) || count < 0 || count > MAX_WORKERS)
    throw new Error(`workers must be 0..${MAX_WORKERS}, got ${count}`);
  return Array.from({ length: count }, (_, i) => {
    const index = i + 1;
    const name = `${WORKER_PREFIX}${index}`;
    const dir = join(workersDir(paths), name);
    const host: WorkerHost = {
      name,
      ip: labIp(WORKER_BASE + index),
      netns: `${NETNS_PREFIX}${name}`,
      hostLink: `${HOST_LINK_PREFIX}${name}`,
    };
    return {
      index,
      host,
      podCidr: `10.244.${index}.0/24`,
      podGateway: `10.244.${index}.1`,
      dir,
      cgroupRoot: `/${NETNS_PREFIX}${name}`,
      files: {
        containerdConfig: join(dir, 'containerd.toml'),
        containerdRoot: join(dir, 'containerd', 'root'),
        containerdState: join(dir, 'containerd', 'state'),
        containerdSocket: join(dir, 'containerd.sock'),
        cniConfDir: join(dir, 'cni'),
        cniDataDir: join(dir, 'cni-ipam'),
        kubeletRoot: join(dir, 'kubelet'),
        kubeletConfig: join(dir, 'kubelet.yaml'),
        kubeletKubeconfig: join(dir, 'kubelet.conf'),
        podLogs: join(dir, 'pod-logs'),
        kubeProxyConfig: join(dir, 'kube-proxy.yaml'),
        kubeProxyKubeconfig: join(dir, 'kube-proxy.conf'),
        pki: join(dir, 'pki'),
      },
    };
  });
}
