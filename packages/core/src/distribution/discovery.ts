import type { ControlPlanePod } from '../model/node';

/**
 * Control-plane components whose pods a name may start with, longest first so "kube-apiserver-x" is not read as "kube".
 */
const KNOWN_COMPONENTS = [
  'kube-controller-manager',
  'cloud-controller-manager',
  'kube-apiserver',
  'kube-scheduler',
  'kube-proxy',
  'etcd',
] as const;

/**
 * Node-level components some distributions label tier=control-plane: RKE2's kube-proxy static pod
 * runs on every node and elects nothing, so it must not count as a control-plane component.
 */
const NODE_COMPONENTS = new Set(['kube-proxy']);

/**
 * componentOf names a control-plane pod's component from its labels: kubeadm and RKE2 write
 * `component=`, Talos and kops `k8s-app=`; else the pod name ("kube-apiserver-<node>"), matched
 * against known components because node names contain dashes ("kube-apiserver-talos-cp-1").
 */
export function componentOf(
  labels: Readonly<Record<string, string>>,
  podName: string,
): { component: string; componentLabel: NonNullable<ControlPlanePod['componentLabel']> } {
  if (labels.component) return { component: labels.component, componentLabel: 'component' };
  if (labels['k8s-app']) return { component: labels['k8s-app'], componentLabel: 'k8s-app' };
  if (labels['app.kubernetes.io/name'])
    return { component: labels['app.kubernetes.io/name'], componentLabel: 'app.kubernetes.io/name' };
  const known = KNOWN_COMPONENTS.find((component) => podName.startsWith(`${component}-`));
  return { component: known ?? podName.replace(/-[^-]+$/, ''), componentLabel: 'name' };
}

/** isControlPlaneComponent: false for node-level components that share the control-plane label. */
export function isControlPlaneComponent(component: string): boolean {
  return !NODE_COMPONENTS.has(component);
}
