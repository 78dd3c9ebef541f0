import type { ControlPlanePod } from '@hawk/core';
import { field, isRaw, labels, list, nameOf, text, type Mapped } from './raw';

/** kubeadm's static pods carry tier=control-plane; their mirror pods are what the API shows of them. */
export const CONTROL_PLANE_PODS = {
  path: '/api/v1/namespaces/kube-system/pods',
  labelSelector: 'tier=control-plane',
} as const;

/** etcdServersOf reads `--etcd-servers` from the apiserver container's command and args ("--etcd-servers=a,b" or "--etcd-servers a,b"). */
export function etcdServersOf(containers: readonly unknown[]): string[] {
  for (const container of containers) {
    const argv = [...list(field(container, 'command')), ...list(field(container, 'args'))].filter((arg): arg is string => typeof arg === 'string');
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      const value = arg.startsWith('--etcd-servers=') ? arg.slice('--etcd-servers='.length) : arg === '--etcd-servers' ? (argv[i + 1] ?? '') : null;
      if (value !== null) return value.split(',').map((server) => server.trim()).filter(Boolean);
    }
  }
  return [];
}

export function mapControlPlanePod(raw: unknown): Mapped<ControlPlanePod> {
  const name = nameOf(raw);
  if (name === null) return { error: 'pod has no metadata.name' };
  const podLabels = labels(raw);
  const component = podLabels.component ?? podLabels['app.kubernetes.io/name'] ?? name.replace(/-[^-]+$/, '');
  const containers = list(field(raw, 'spec', 'containers')).filter(isRaw);
  return {
    key: name,
    value: {
      name,
      component,
      node: text(field(raw, 'spec', 'nodeName')),
      podIP: text(field(raw, 'status', 'podIP')),
      etcdServers: component === 'kube-apiserver' ? etcdServersOf(containers) : [],
    },
  };
}
