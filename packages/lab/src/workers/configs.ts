import { stringify } from 'yaml';
import { CLUSTER_DNS_IP, CNI_NETWORK, PAUSE_IMAGE, POD_CIDR, type WorkerPlan } from './plan';

/** Where Debian's containernetworking-plugins put the CNI plugins. */
export const CNI_BIN_DIR = '/usr/lib/cni';

/** containerd plugins the workers do not need, off so they neither load nor fail on this host. */
const DISABLED_PLUGINS = [
  'io.containerd.snapshotter.v1.aufs',
  'io.containerd.snapshotter.v1.btrfs',
  'io.containerd.snapshotter.v1.zfs',
  'io.containerd.snapshotter.v1.devmapper',
  'io.containerd.tracing.processor.v1.otlp',
  'io.containerd.internal.v1.tracing',
];

/**
 * containerdConfig gives each worker's containerd its own root, state, socket and plugin directories, so several run
 * side by side and nothing lands in /var/lib/containerd or /opt/containerd. `restrict_oom_score_adj`: root here lacks
 * CAP_SYS_RESOURCE, and without it every sandbox fails in runc; the netns of pods go under the state directory
 * instead of the machine's /run/netns.
 */
export function containerdConfig(w: WorkerPlan): string {
  const f = w.files;
  return `version = 2
root = ${JSON.stringify(f.containerdRoot)}
state = ${JSON.stringify(f.containerdState)}
disabled_plugins = [${DISABLED_PLUGINS.map((p) => JSON.stringify(p)).join(', ')}]

[grpc]
  address = ${JSON.stringify(f.containerdSocket)}

[plugins."io.containerd.internal.v1.opt"]
  path = ${JSON.stringify(`${w.dir}/opt`)}

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = ${JSON.stringify(PAUSE_IMAGE)}
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = ${JSON.stringify(CNI_BIN_DIR)}
    conf_dir = ${JSON.stringify(f.cniConfDir)}
`;
}

/** cniConfig: a bridge in the worker's namespace, the worker's own /24, masquerade so pods reach the lab's hosts. */
export function cniConfig(w: WorkerPlan): string {
  return JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: CNI_NETWORK,
      plugins: [
        {
          type: 'bridge',
          bridge: 'cni0',
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            dataDir: w.files.cniDataDir,
            ranges: [[{ subnet: w.podCidr, gateway: w.podGateway }]],
            routes: [{ dst: '0.0.0.0/0' }],
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}

/**
 * kubeletConfig: cgroupfs under the worker's own cgroup root (this kernel mounts cgroup v1, which the kubelet only
 * runs on with failCgroupV1 false), no swap check, and eviction thresholds low enough that a busy shared disk does
 * not evict the lab's pods.
 */
export function kubeletConfig(w: WorkerPlan, clientCaFile: string): string {
  return stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: clientCaFile } },
    authorization: { mode: 'Webhook' },
    address: w.host.ip,
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    readOnlyPort: 0,
    cgroupDriver: 'cgroupfs',
    cgroupRoot: w.cgroupRoot,
    failCgroupV1: false,
    failSwapOn: false,
    containerRuntimeEndpoint: `unix://${w.files.containerdSocket}`,
    podLogsDir: w.files.podLogs,
    clusterDNS: [CLUSTER_DNS_IP],
    clusterDomain: 'cluster.local',
    resolvConf: '/etc/resolv.conf',
    evictionHard: {
      'memory.available': '50Mi',
      'nodefs.available': '1%',
      'nodefs.inodesFree': '1%',
      'imagefs.available': '1%',
    },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    maxPods: 50,
    serializeImagePulls: false,
    // Fast status: tests wait for Ready on a deadline.
    nodeStatusUpdateFrequency: '5s',
  });
}

/**
 * kubeProxyConfig: iptables mode inside the worker's namespace; conntrack limits left to the kernel (they are global).
 */
export function kubeProxyConfig(w: WorkerPlan): string {
  return stringify({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    mode: 'iptables',
    clientConnection: { kubeconfig: w.files.kubeProxyKubeconfig },
    hostnameOverride: w.host.name,
    bindAddress: w.host.ip,
    healthzBindAddress: '127.0.0.1:10256',
    metricsBindAddress: '127.0.0.1:10249',
    clusterCIDR: POD_CIDR,
    conntrack: { maxPerCore: 0, min: 0 },
  });
}
