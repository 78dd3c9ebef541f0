import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { CommandLine } from './components';
import type { KubeClient } from './kube-client';
import type { StaticPod } from './kubeadm';
import { K8S_VERSION } from './paths';
import { API_PORT, ETCD_CLIENT_PORT, type ComponentInstance, type LabHost } from './topology';

/**
 * The lab has no kubelets, so it writes what kubeadm's kubelets would make visible: a Node per control-plane host and
 * a mirror Pod per static-pod component. They are evidence of placement only; liveness comes from the processes.
 */

/** nodeObject is a Node named after the host: the kubelet's own labels and the zone, then the distribution's labels. */
function nodeObject(
  host: LabHost,
  labels: Record<string, string>,
  annotations: Record<string, string> | null,
  spec: object,
): object {
  const kubeletLabels = {
    'kubernetes.io/hostname': host.name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'topology.kubernetes.io/zone': host.zone,
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: host.name, labels: { ...kubeletLabels, ...labels }, ...(annotations ? { annotations } : {}) },
    spec,
  };
}

export function nodeManifest(host: LabHost): object {
  return nodeObject(
    host,
    { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' },
    null,
    {
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    },
  );
}

export function nodeStatus(host: LabHost, now: string): object {
  return {
    status: {
      addresses: [
        { type: 'InternalIP', address: host.ip },
        { type: 'Hostname', address: host.name },
      ],
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'hawk lab: no kubelet, registered by the lab',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
      nodeInfo: {
        kubeletVersion: K8S_VERSION,
        operatingSystem: 'linux',
        architecture: 'amd64',
        containerRuntimeVersion: 'hawk-lab://none',
        kubeProxyVersion: '',
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: '',
        osImage: 'hawk lab',
      },
    },
  };
}

/** kubeadm's static-pod requests, which also make the Pods Burstable as on a real control plane. */
const KUBEADM_REQUESTS: Partial<Record<ComponentInstance['kind'], Record<string, string>>> = {
  etcd: { cpu: '100m', memory: '100Mi' },
  'kube-apiserver': { cpu: '250m' },
  'kube-controller-manager': { cpu: '200m' },
  'kube-scheduler': { cpu: '100m' },
};

/** imageFor mirrors kubeadm's image names; etcd's tag comes from the version the build selected. */
export function imageFor(instance: ComponentInstance, etcdVersion: string): string {
  return instance.kind === 'etcd'
    ? `registry.k8s.io/etcd:${etcdVersion.replace(/^v/, '')}-0`
    : `registry.k8s.io/${instance.kind}:${K8S_VERSION}`;
}

export function mirrorPodManifest(
  instance: ComponentInstance,
  host: LabHost,
  command: CommandLine,
  image: string,
  nodeUid: string,
  now: string,
): object {
  const containerCommand = [basename(command.binary), ...command.args];
  const hash = createHash('sha256').update(containerCommand.join('\0')).digest('hex').slice(0, 32);
  const endpointAnnotation =
    instance.kind === 'kube-apiserver'
      ? { 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${host.ip}:${API_PORT}` }
      : instance.kind === 'etcd'
        ? { 'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${host.ip}:${ETCD_CLIENT_PORT}` }
        : {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: instance.id,
      namespace: 'kube-system',
      labels: { component: instance.kind, tier: 'control-plane' },
      annotations: {
        'kubernetes.io/config.hash': hash,
        'kubernetes.io/config.mirror': hash,
        'kubernetes.io/config.seen': now,
        'kubernetes.io/config.source': 'file',
        ...endpointAnnotation,
      },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: host.name, uid: nodeUid, controller: true }],
    },
    spec: {
      nodeName: host.name,
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
      // Static pods tolerate every NoExecute taint, so no eviction ever touches them.
      tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
      containers: [
        {
          name: instance.kind,
          image,
          imagePullPolicy: 'IfNotPresent',
          command: containerCommand,
          resources: { requests: KUBEADM_REQUESTS[instance.kind] ?? {} },
        },
      ],
    },
  };
}

/**
 * mirrorPodStatus is what a kubelet reports for the static pod: Running and Ready while its process runs; after the
 * process ended, not Ready with the container terminated (a kubelet would restart it; the lab waits for
 * `start`/`heal`).
 */
export function mirrorPodStatus(
  instance: ComponentInstance,
  host: LabHost,
  image: string,
  now: string,
  running = true,
): object {
  const condition = (type: string) => ({
    type,
    status: running || !['Ready', 'ContainersReady'].includes(type) ? 'True' : 'False',
    lastTransitionTime: now,
  });
  const state = running
    ? { running: { startedAt: now } }
    : { terminated: { exitCode: 137, reason: 'Error', finishedAt: now } };
  return {
    status: {
      phase: 'Running',
      hostIP: host.ip,
      hostIPs: [{ ip: host.ip }],
      podIP: host.ip,
      podIPs: [{ ip: host.ip }],
      startTime: now,
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(
        condition,
      ),
      containerStatuses: [
        { name: instance.kind, image, imageID: '', ready: running, started: running, restartCount: 0, state },
      ],
    },
  };
}

/**
 * mirrorPodFromManifest is the mirror Pod a kubelet makes of a kubeadm static-pod manifest: the manifest as written,
 * named `<name>-<node>`, bound to the node, with the kubelet's config annotations and default NoExecute toleration.
 */
export function mirrorPodFromManifest(manifest: StaticPod, host: LabHost, nodeUid: string, now: string): object {
  const { creationTimestamp: _created, ...metadata } = manifest.metadata as StaticPod['metadata'] & {
    creationTimestamp?: unknown;
  };
  const hash = createHash('sha256').update(JSON.stringify(manifest)).digest('hex').slice(0, 32);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...metadata,
      name: `${manifest.metadata.name}-${host.name}`,
      namespace: 'kube-system',
      annotations: {
        ...manifest.metadata.annotations,
        'kubernetes.io/config.hash': hash,
        'kubernetes.io/config.mirror': hash,
        'kubernetes.io/config.seen': now,
        'kubernetes.io/config.source': 'file',
      },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: host.name, uid: nodeUid, controller: true }],
    },
    spec: { ...manifest.spec, nodeName: host.name, tolerations: [{ operator: 'Exists', effect: 'NoExecute' }] },
  };
}

export interface MirrorPod {
  readonly instance: ComponentInstance;
  readonly host: LabHost;
  readonly image: string;
  /** The Pod object, given the uid of the Node that owns it. */
  readonly manifest: (nodeUid: string) => object;
}

interface ObjectMeta {
  metadata: { uid: string };
}

/**
 * registerNodes creates the Nodes and mirror Pods (idempotent) and sets their status through the status subresource.
 */
export async function registerNodes(
  kube: KubeClient,
  nodes: readonly LabHost[],
  pods: readonly MirrorPod[],
  now: string,
): Promise<void> {
  const uids = new Map<string, string>();
  for (const host of nodes) {
    const node = await kube.createIfAbsent<ObjectMeta>('/api/v1/nodes', host.name, nodeManifest(host));
    uids.set(host.name, node.metadata.uid);
    await kube.mergePatch(`/api/v1/nodes/${host.name}/status`, nodeStatus(host, now));
  }
  for (const pod of pods) {
    const uid = uids.get(pod.host.name);
    if (!uid) continue;
    const base = '/api/v1/namespaces/kube-system/pods';
    await kube.createIfAbsent(base, pod.instance.id, pod.manifest(uid));
    await kube.mergePatch(`${base}/${pod.instance.id}/status`, mirrorPodStatus(pod.instance, pod.host, pod.image, now));
  }
}

/**
 * k3sNodeManifest is a k3s server Node (`k3s server --cluster-init`): control-plane, master and, on etcd members,
 * etcd roles with k3s's `"true"` values, and the etcd annotations k3s's etcd controller writes. No taints: k3s
 * servers schedule workloads by default.
 */
export function k3sNodeManifest(host: LabHost, etcdMember: boolean): object {
  const labels = {
    'node-role.kubernetes.io/control-plane': 'true',
    'node-role.kubernetes.io/master': 'true',
    ...(etcdMember ? { 'node-role.kubernetes.io/etcd': 'true' } : {}),
    'node.kubernetes.io/instance-type': 'k3s',
  };
  const annotations = {
    'k3s.io/hostname': host.name,
    'k3s.io/internal-ip': host.ip,
    'k3s.io/node-args': JSON.stringify(['server', '--cluster-init']),
    // k3s names members `<hostname>-<random>`; here the member is named after the host, so the two agree.
    ...(etcdMember ? { 'etcd.k3s.cattle.io/node-name': host.name, 'etcd.k3s.cattle.io/node-address': host.ip } : {}),
  };
  return nodeObject(host, labels, annotations, {});
}

export function k3sNodeStatus(host: LabHost, etcdMember: boolean, now: string): object {
  const base = nodeStatus(host, now) as { status: { conditions: object[]; nodeInfo: Record<string, string> } };
  return {
    status: {
      ...base.status,
      conditions: [
        ...base.status.conditions,
        ...(etcdMember
          ? [
              {
                type: 'EtcdIsVoter',
                status: 'True',
                reason: 'MemberNotLearner',
                message: 'Node is a voting member of the etcd cluster',
                lastHeartbeatTime: now,
                lastTransitionTime: now,
              },
            ]
          : []),
      ],
      nodeInfo: {
        ...base.status.nodeInfo,
        kubeletVersion: `${K8S_VERSION}+k3s1`,
        containerRuntimeVersion: 'containerd://2.0.0-k3s1',
        osImage: 'hawk lab (k3s-shaped)',
      },
    },
  };
}

/** registerK3sNodes creates the k3s-shaped Nodes (idempotent) and sets their status. */
export async function registerK3sNodes(
  kube: KubeClient,
  nodes: readonly LabHost[],
  etcdMembers: ReadonlySet<string>,
  now: string,
): Promise<void> {
  for (const host of nodes) {
    const member = etcdMembers.has(host.name);
    await kube.createIfAbsent('/api/v1/nodes', host.name, k3sNodeManifest(host, member));
    await kube.mergePatch(`/api/v1/nodes/${host.name}/status`, k3sNodeStatus(host, member, now));
  }
}
