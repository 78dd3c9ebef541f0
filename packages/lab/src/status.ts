import type { EtcdClusterStatus } from './etcd-client';
import type { ApiServerReadiness, LabView, ProcessInfo } from './lab-view';
import type { LeaderElectedKind } from './topology';

export interface LeaseSummary {
  readonly kind: LeaderElectedKind;
  readonly holder?: string;
  readonly renewTime?: string;
  readonly leaseTransitions?: number;
  readonly error?: string;
}

/** LabStatus is everything `pnpm lab status` shows, read by the lab's own clients, independently of hawk. */
export interface LabStatus {
  readonly processes: readonly ProcessInfo[];
  readonly apiservers: readonly ApiServerReadiness[];
  readonly loadBalancer?: { readonly ready: boolean; readonly detail: string };
  readonly leases: readonly LeaseSummary[];
  readonly etcd: EtcdClusterStatus;
  readonly disconnectedHosts: readonly string[];
}

export async function labStatus(lab: LabView): Promise<LabStatus> {
  const leaseSummary = async (kind: LeaderElectedKind): Promise<LeaseSummary> => {
    try {
      const lease = await lab.lease(kind);
      return {
        kind,
        holder: lease?.spec.holderIdentity,
        renewTime: lease?.spec.renewTime,
        leaseTransitions: lease?.spec.leaseTransitions,
      };
    } catch (error) {
      return { kind, error: (error as Error).message };
    }
  };
  const [processes, apiservers, loadBalancer, leases, etcd, connected] = await Promise.all([
    lab.processes(),
    lab.apiServerReadiness(),
    lab.hasLoadBalancer ? lab.kube().readyz() : Promise.resolve(undefined),
    Promise.all((['kube-controller-manager', 'kube-scheduler'] as const).map(leaseSummary)),
    lab.etcdStatus(),
    Promise.all(lab.topology.hosts.map(async (h) => [h.name, await lab.isHostConnected(h.name)] as const)),
  ]);
  return {
    processes,
    apiservers,
    loadBalancer,
    leases,
    etcd,
    disconnectedHosts: connected.filter(([, up]) => !up).map(([name]) => name),
  };
}

export function formatStatus(lab: LabView, s: LabStatus): string {
  const lines: string[] = [];
  lines.push(
    `lab: ${lab.nodes.length} node(s), ${s.etcd.statuses.length} etcd member(s) (${lab.options.etcdTopology}), ` +
      `API ${lab.apiServerUrl}`,
  );
  lines.push('processes:');
  for (const p of s.processes) lines.push(`  ${p.id.padEnd(32)} ${p.state.padEnd(8)} pid ${p.pid ?? '-'}`);
  lines.push('apiservers:');
  for (const a of s.apiservers)
    lines.push(`  ${a.host.padEnd(6)} ${a.ip.padEnd(12)} ${a.ready ? 'ready' : `NOT READY (${a.detail})`}`);
  if (s.loadBalancer)
    lines.push(`load balancer: ${s.loadBalancer.ready ? 'passing' : `DOWN (${s.loadBalancer.detail})`}`);
  lines.push('leases:');
  for (const l of s.leases) {
    const held = `${l.holder ?? '(no holder)'}  renewed ${l.renewTime ?? '-'}  transitions ${l.leaseTransitions ?? 0}`;
    lines.push(`  ${l.kind.padEnd(24)} ${l.error ? `unreadable (${l.error})` : held}`);
  }
  lines.push(
    `etcd: ${s.etcd.healthyCount}/${s.etcd.statuses.length} healthy, quorum ${s.etcd.quorum}, ` +
      `leader ${s.etcd.leader ?? '(none)'}`,
  );
  for (const m of s.etcd.statuses) {
    const id = s.etcd.members.find((x) => x.name === m.name)?.id ?? m.memberId ?? '?';
    const health = m.healthy ? 'healthy' : `UNHEALTHY${m.error ? ` (${m.error})` : ''}`;
    const leader = m.name === s.etcd.leader ? '  leader' : '';
    lines.push(`  ${m.name.padEnd(8)} ${m.ip.padEnd(12)} id ${id.padEnd(20)} ${health}${leader}`);
  }
  if (s.disconnectedHosts.length > 0) lines.push(`network cut: ${s.disconnectedHosts.join(', ')}`);
  return lines.join('\n');
}
