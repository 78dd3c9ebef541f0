import { componentOf, containerStartKey, isControlPlaneComponent, type ControlPlanePod } from '@hawk/core';
import { field, isRaw, labels, list, nameOf, text, type Mapped } from './raw';

/** kubeadm's static pods carry tier=control-plane; their mirror pods are what the API shows of them. */
export const CONTROL_PLANE_PODS = {
  path: '/api/v1/namespaces/kube-system/pods',
  labelSelector: 'tier=control-plane',
} as const;

/** Default --secure-port of the components whose own /healthz tells a live standby from a dead one. */
export const COMPONENT_HEALTH_PORTS: Readonly<Record<string, number>> = {
  'kube-controller-manager': 10257,
  'kube-scheduler': 10259,
};

/**
 * Where a component's own health endpoint answers. `host` null means "the pod's or node's
 * address"; `reason` set means hawk cannot reach it from outside the node (liveness unknown).
 */
export type HealthTarget = { readonly host: string | null; readonly port: number } | { readonly reason: string };

/** A control-plane pod plus what hawk reads from its command line; only the ControlPlanePod part goes to the core. */
export interface PodObservation extends ControlPlanePod {
  /** For controller-manager and scheduler: their /healthz; null for other components. */
  readonly health: HealthTarget | null;
  /** For etcd: its --quota-backend-bytes when set (positive); null means etcd's default. */
  readonly quotaBackendBytes: number | null;
  /** One life of the component's container (start time and restarts): health history is kept per life. */
  readonly containerStart: string;
}

function argvOf(containers: readonly unknown[]): string[][] {
  return containers.map((container) =>
    [...list(field(container, 'command')), ...list(field(container, 'args'))].filter(
      (arg): arg is string => typeof arg === 'string',
    ),
  );
}

/** flagValue reads `--name=value` or `--name value` from the first container that has it. */
export function flagValue(containers: readonly unknown[], name: string): string | null {
  for (const argv of argvOf(containers)) {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
      if (arg === name) return argv[i + 1] ?? '';
    }
  }
  return null;
}

/**
 * etcdServersOf reads `--etcd-servers` from the apiserver container's command and args ("--etcd-servers=a,b" or
 * "--etcd-servers a,b").
 */
export function etcdServersOf(containers: readonly unknown[]): string[] {
  const value = flagValue(containers, '--etcd-servers');
  return value === null
    ? []
    : value
        .split(',')
        .map((server) => server.trim())
        .filter(Boolean);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const ANY = new Set(['', '0.0.0.0', '::']);

/** quotaBackendBytesOf reads etcd's --quota-backend-bytes; absent, zero or unreadable is etcd's default. */
export function quotaBackendBytesOf(containers: readonly unknown[]): number | null {
  const value = flagValue(containers, '--quota-backend-bytes');
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  const bytes = Number(value.trim());
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : null;
}

/** healthTargetOf: the component's --secure-port and --bind-address, with upstream defaults (all addresses). */
export function healthTargetOf(component: string, containers: readonly unknown[]): HealthTarget | null {
  const defaultPort = COMPONENT_HEALTH_PORTS[component];
  if (defaultPort === undefined) return null;
  const portFlag = flagValue(containers, '--secure-port');
  const port = portFlag === null ? defaultPort : Number(portFlag);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535)
    return { reason: `--secure-port=${portFlag}: no secure health endpoint` };
  const bind = (flagValue(containers, '--bind-address') ?? '0.0.0.0').trim();
  // kubeadm's default: serving on the node's loopback only, out of hawk's reach.
  if (LOOPBACK.has(bind)) return { reason: `--bind-address=${bind}: health endpoint only reachable on the node` };
  return { host: ANY.has(bind) ? null : bind, port };
}

export function mapControlPlanePod(raw: unknown): Mapped<PodObservation> {
  const name = nameOf(raw);
  if (name === null) return { error: 'pod has no metadata.name' };
  const { component, componentLabel } = componentOf(labels(raw), name);
  // RKE2's kube-proxy static pod also carries tier=control-plane: it runs on every node and elects nothing.
  if (!isControlPlaneComponent(component)) return { error: `${name}: ${component} is not a control-plane component` };
  const containers = list(field(raw, 'spec', 'containers')).filter(isRaw);
  const ready = list(field(raw, 'status', 'conditions')).find((condition) => field(condition, 'type') === 'Ready');
  const readyStatus = field(ready, 'status');
  const container = list(field(raw, 'status', 'containerStatuses'))[0];
  const restarts = field(container, 'restartCount');
  return {
    key: name,
    value: {
      name,
      component,
      node: text(field(raw, 'spec', 'nodeName')),
      podIP: text(field(raw, 'status', 'podIP')),
      etcdServers: component === 'kube-apiserver' ? etcdServersOf(containers) : [],
      health: healthTargetOf(component, containers),
      quotaBackendBytes: component === 'etcd' ? quotaBackendBytesOf(containers) : null,
      ready: readyStatus === 'True' ? true : readyStatus === 'False' ? false : null,
      componentLabel,
      containerStart: containerStartKey(
        timeText(field(container, 'state', 'running', 'startedAt')),
        typeof restarts === 'number' ? restarts : null,
      ),
    },
  };
}

/** A time as JSON carries it (a string), or as a decoded client object (a Date). */
function timeText(value: unknown): string | null {
  return value instanceof Date ? value.toISOString() : text(value);
}

/** toControlPlanePod keeps what the core knows of a pod. */
export function toControlPlanePod(pod: PodObservation): ControlPlanePod {
  return {
    name: pod.name,
    component: pod.component,
    node: pod.node,
    podIP: pod.podIP,
    etcdServers: pod.etcdServers,
    ready: pod.ready ?? null,
    componentLabel: pod.componentLabel ?? 'name',
  };
}
