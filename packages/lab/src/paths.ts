import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAB_INSTANCE } from './topology';

/** The Kubernetes release the lab runs; build-binaries.sh reads the same variable. */
export const K8S_VERSION = process.env.HAWK_K8S_VERSION ?? 'v1.36.3';

export const HAPROXY_BINARY = '/usr/sbin/haproxy';

/** The k3s-shaped lab's Lease holder, a plain Node script run by the Node that runs the lab. */
export const K3S_LEASE_HOLDER = fileURLToPath(new URL('./agents/k3s-lease-holder.mjs', import.meta.url));

/** Where kubeadm writes and its manifests point; on a kubeadm-made lab each node sees its own directory there. */
export const ETC_KUBERNETES = '/etc/kubernetes';

/** What build-binaries.sh builds; `down` finds lab processes by these paths. */
export const LAB_BINARIES = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubeadm', 'etcd'] as const;

/** hawk's build cache (HAWK_CACHE, default ~/.cache/hawk): set-up's tools and the lab's binaries and images. */
export const hawkCacheDir = (): string => process.env.HAWK_CACHE ?? join(homedir(), '.cache', 'hawk');

/** Where build-binaries.sh leaves kube-apiserver, kube-controller-manager, kube-scheduler, kubeadm and etcd. */
export function binaryDir(): string {
  if (process.env.HAWK_LAB_BIN) return process.env.HAWK_LAB_BIN;
  return join(hawkCacheDir(), 'k8s', K8S_VERSION, 'bin');
}

/** LabPaths are every file the lab writes; all of it lives under one directory so `down` removes it in one go. */
export interface LabPaths {
  readonly root: string;
  readonly state: string;
  readonly faultLog: string;
  readonly pki: string;
  /** kubeadm-made labs: one directory per host, that host's /etc/kubernetes. */
  readonly nodes: string;
  /** kubeadm-made labs: the CA and client pair of kubeadm's admin.conf, as files for the lab's own clients. */
  readonly adminPki: string;
  readonly logs: string;
  readonly etcdData: string;
  readonly haproxyConfig: string;
  readonly adminKubeconfig: string;
  readonly controllerManagerKubeconfig: string;
  readonly schedulerKubeconfig: string;
  /** Serialises mutations (up, down, faults) across processes. */
  readonly mutationLock: string;
  /** Who created or removed a lab, when and why: outside `root` so it survives `down` (the lab is shared). */
  readonly history: string;
}

/** Lab 0 lives in /tmp/hawk-lab, lab N beside it in /tmp/hawk-lab-N (topology.ts: LAB_INSTANCE). */
const DEFAULT_LAB_DIR = LAB_INSTANCE === 0 ? '/tmp/hawk-lab' : `/tmp/hawk-lab-${LAB_INSTANCE}`;

export function labPaths(root = process.env.HAWK_LAB_DIR ?? DEFAULT_LAB_DIR): LabPaths {
  return {
    root,
    state: join(root, 'state.json'),
    faultLog: join(root, 'faults.jsonl'),
    pki: join(root, 'pki'),
    nodes: join(root, 'nodes'),
    adminPki: join(root, 'admin-pki'),
    logs: join(root, 'logs'),
    etcdData: join(root, 'etcd'),
    haproxyConfig: join(root, 'haproxy.cfg'),
    adminKubeconfig: join(root, 'admin.conf'),
    controllerManagerKubeconfig: join(root, 'controller-manager.conf'),
    schedulerKubeconfig: join(root, 'scheduler.conf'),
    // Outside `root`: the lock must survive `down` removing the lab directory.
    mutationLock: `${root}.mutation.lock`,
    history: `${root}.history.jsonl`,
  };
}
