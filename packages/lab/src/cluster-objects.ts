import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { CommandLine } from './components';
import { ETCD_CLIENT_PORT } from './components';
import type { KubeClient } from './kube-client';
import { K8S_VERSION } from './paths';
import { API_PORT, type ComponentInstance, type LabHost } from './topology';

/**
 * The lab has no kubelets, so it writes what kubeadm's kubelets would make visible: a Node per control-plane host and
 * a mirror Pod per static-pod component. They are evidence of placement only; liveness comes from the processes.
 */

export function nodeManifest(host: LabHost): object {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: host.name,
      labels: {
        'kubernetes.io/hostname': host.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/control-plane': '',
        'node.kubernetes.io/exclude-from-external-load-balancers': '',
        'topology.kubernetes.io/zone': host.zone,
      },
    },
    spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
  };
}

export function nodeStatus(host: LabHost, now: string): object {
  return {
    status: {
      addresses: [
        { type: 'InternalIP', address: host.ip },
        { type: 'Hostname', address: host.name },
      ],
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'hawk lab: no kubelet, registered by the lab', lastHeartbeatTime: now, lastTransitionTime: now }],
      nodeInfo: { kubeletVersion: K8S_VERSION, operatingSystem: 'linux', architecture: 'amd64', containerRuntimeVersion: 'hawk-lab://none', kubeProxyVersion: '', machineID: '', systemUUID: '', bootID: '', kernelVersion: '', osImage: 'hawk lab' },
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
  return instance.kind === 'etcd' ? `registry.k8s.io/etcd:${etcdVersion.replace(/^v/, '')}-0` : `registry.k8s.io/${instance.kind}:${K8S_VERSION}`;
}

export function mirrorPodManifest(instance: ComponentInstance, host: LabHost, command: CommandLine, image: string, nodeUid: string, now: string): object {
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
      containers: [{ name: instance.kind, image, imagePullPolicy: 'IfNotPresent', command: containerCommand, resources: { requests: KUBEADM_REQUESTS[instance.kind] ?? {} } }],
    },
  };
}

export function mirrorPodStatus(instance: ComponentInstance, host: LabHost, image: string, now: string): object {
  const condition = (type: string) => ({ type, status: 'True', lastTransitionTime: now });
  return {
    status: {
      phase: 'Running',
      hostIP: host.ip,
      hostIPs: [{ ip: host.ip }],
      podIP: host.ip,
      podIPs: [{ ip: host.ip }],
      startTime: now,
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(condition),
      containerStatuses: [{ name: instance.kind, image, imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } } }],
    },
  };
}

interface ObjectMeta { metadata: { uid: string } }

/** registerNodes creates the Nodes and mirror Pods (idempotent) and sets their status through the status subresource. */
export async function registerNodes(
  kube: KubeClient,
  nodes: readonly LabHost[],
  pods: readonly { instance: ComponentInstance; host: LabHost; command: CommandLine; image: string }[],
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
    await kube.createIfAbsent(base, pod.instance.id, mirrorPodManifest(pod.instance, pod.host, pod.command, pod.image, uid, now));
    await kube.mergePatch(`${base}/${pod.instance.id}/status`, mirrorPodStatus(pod.instance, pod.host, pod.image, now));
  }
}
