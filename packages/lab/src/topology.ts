import type { LabOptions } from './options';

export type HostRole = 'control-plane' | 'etcd' | 'load-balancer';
/** `k3s-lease-holder` runs only on k3s-shaped labs: it holds the `k3s` and `k3s-etcd` Leases as a k3s server would. */
export type ComponentKind =
  'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'haproxy' | 'k3s-lease-holder';
/** Components that elect a leader through a Lease in kube-system named after them. */
export type LeaderElectedKind = 'kube-controller-manager' | 'kube-scheduler';

/** LabHost is one simulated machine: a network namespace with its own address and hostname. */
export interface LabHost {
  /** Also the hostname inside the host's UTS namespace and the Node name: cp-1, etcd-1, lb. */
  readonly name: string;
  readonly role: HostRole;
  readonly ip: string;
  readonly netns: string;
  /** Host end of the veth pair on the bridge; taking it down cuts the host off. */
  readonly hostLink: string;
  readonly zone: string;
}

/** ComponentInstance is one process of the lab: `kind` number `index` (1-based) on `host`. */
export interface ComponentInstance {
  /** `<kind>-<host>`, e.g. kube-apiserver-cp-2: the mirror Pod name kubeadm would give it. */
  readonly id: string;
  readonly kind: ComponentKind;
  readonly index: number;
  readonly host: string;
}

export interface LabTopology {
  readonly subnet: string;
  readonly bridge: string;
  readonly bridgeIp: string;
  readonly prefixLength: number;
  readonly hosts: readonly LabHost[];
  readonly components: readonly ComponentInstance[];
  /** The address clients use for the API: the load balancer, or the only apiserver. */
  readonly apiEndpoint: { readonly ip: string; readonly port: number };
}

/**
 * Which lab of this machine a process drives (HAWK_LAB_INSTANCE): 0, the default, or 1-9 for labs beside it. Each
 * has its own subnet, bridge, namespaces, links, directory and cgroup, so `pnpm test` can fault one lab in one lane
 * while another lane waits out a long lease on the next. Workers (kubelets and what they change on the machine) run
 * on lab 0 only.
 */
export const LAB_INSTANCE = labInstance(process.env.HAWK_LAB_INSTANCE);

function labInstance(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  if (!/^\d$/.test(value)) throw new Error(`HAWK_LAB_INSTANCE must be a digit 0-9, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** The lab's /24: 10.213.0.0/24 for lab 0, 10.214.0.0/24 for lab 1, … */
const SUBNET_PREFIX = `10.${213 + LAB_INSTANCE}.0`;

/** labIp is the lab's address ending in `lastOctet`. */
export const labIp = (lastOctet: number): string => `${SUBNET_PREFIX}.${lastOctet}`;

const LOAD_BALANCER_OCTET = 10;

export const NETWORK = {
  subnet: `${SUBNET_PREFIX}.0/24`,
  bridge: `hawk-br${LAB_INSTANCE}`,
  bridgeIp: labIp(1),
  /**
   * Set, not inherited: a bridge left to itself takes the lowest MAC of its ports, so a worker's link coming or going
   * changed it, and the LB kept the old one for 10.213.0.1 (where hawk dials from): 25-40 s of unanswered
   * connections from the host side after workers started or stopped, while the lab's own address still got through.
   */
  bridgeMac: `02:68:61:77:6b:${(LAB_INSTANCE + 1).toString(16).padStart(2, '0')}`,
  prefixLength: 24,
  loadBalancerIp: labIp(LOAD_BALANCER_OCTET),
  /** A second host-side address the lab's own clients dial from, so a profile can refuse everyone else (hawk). */
  labClientIp: labIp(2),
  /** cp-i gets .(10+i), etcd-i gets .(20+i). */
  controlPlaneBase: 10,
  etcdBase: 20,
} as const;

/** Lab 0's names keep their short prefixes; another lab's carry its number: hawk1-cp-1, hk1-cp-1. */
const INSTANCE_TAG = LAB_INSTANCE === 0 ? '' : String(LAB_INSTANCE);
export const NETNS_PREFIX = `hawk${INSTANCE_TAG}-`;
export const HOST_LINK_PREFIX = `hk${INSTANCE_TAG}-`;
export const API_PORT = 6443;
export const ETCD_CLIENT_PORT = 2379;
export const ETCD_PEER_PORT = 2380;
/** kubeadm's plain-HTTP port for etcd /health and /metrics (127.0.0.1 only on kubeadm-made labs). */
export const ETCD_METRICS_PORT = 2381;
export const CONTROLLER_MANAGER_PORT = 10257;
export const SCHEDULER_PORT = 10259;
export const HAPROXY_STATS_PORT = 8404;

const ZONES = ['zone-a', 'zone-b', 'zone-c'];

function host(name: string, role: HostRole, lastOctet: number, zone: string): LabHost {
  return {
    name,
    role,
    ip: labIp(lastOctet),
    netns: `${NETNS_PREFIX}${name}`,
    hostLink: `${HOST_LINK_PREFIX}${name}`,
    zone,
  };
}

/** planTopology lays the options out on hosts and addresses. Pure. */
export function planTopology(options: LabOptions): LabTopology {
  const zoneOf = (i: number) => (options.zones === 'single' ? 'zone-a' : ZONES[(i - 1) % ZONES.length]!);
  const hosts: LabHost[] = [];
  const components: ComponentInstance[] = [];
  const add = (kind: ComponentKind, index: number, hostName: string) =>
    components.push({ id: `${kind}-${hostName}`, kind, index, host: hostName });

  const hasLoadBalancer = options.nodes > 1;
  if (hasLoadBalancer) hosts.push(host('lb', 'load-balancer', LOAD_BALANCER_OCTET, zoneOf(1)));
  for (let i = 1; i <= options.nodes; i++)
    hosts.push(host(`cp-${i}`, 'control-plane', NETWORK.controlPlaneBase + i, zoneOf(i)));
  for (let m = 1; m <= options.etcdMembers; m++) {
    const stackedOnNode = options.etcdTopology === 'stacked' && m <= options.nodes;
    if (!stackedOnNode) hosts.push(host(`etcd-${m}`, 'etcd', NETWORK.etcdBase + m, zoneOf(m)));
    add('etcd', m, stackedOnNode ? `cp-${m}` : `etcd-${m}`);
  }
  for (const kind of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const) {
    for (let i = 1; i <= options.nodes; i++) add(kind, i, `cp-${i}`);
  }
  if (hasLoadBalancer) add('haproxy', 1, 'lb');
  if (options.profile === 'k3s-shaped') for (let i = 1; i <= options.nodes; i++) add('k3s-lease-holder', i, `cp-${i}`);

  const apiHost = hasLoadBalancer ? NETWORK.loadBalancerIp : hosts.find((h) => h.name === 'cp-1')!.ip;
  return {
    subnet: NETWORK.subnet,
    bridge: NETWORK.bridge,
    bridgeIp: NETWORK.bridgeIp,
    prefixLength: NETWORK.prefixLength,
    hosts,
    components,
    apiEndpoint: { ip: apiHost, port: API_PORT },
  };
}

export function hostOf(topology: LabTopology, name: string): LabHost {
  const found = topology.hosts.find((h) => h.name === name);
  if (!found) throw new Error(`no lab host named ${name}`);
  return found;
}

export function instancesOf(topology: LabTopology, kind: ComponentKind): ComponentInstance[] {
  return topology.components.filter((c) => c.kind === kind);
}

/** instance finds `kind` number `index` (1-based), with an error naming what exists. */
export function instance(topology: LabTopology, kind: ComponentKind, index: number): ComponentInstance {
  const all = instancesOf(topology, kind);
  const found = all.find((c) => c.index === index);
  if (!found) throw new Error(`no ${kind} ${index}: this lab has ${all.map((c) => c.index).join(', ') || 'none'}`);
  return found;
}
