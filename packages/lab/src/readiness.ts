import type { LabView } from './lab-view';
import type { LeaderElectedKind } from './topology';

export interface Readiness {
  readonly ready: boolean;
  /** What is still missing, in words; empty when ready. */
  readonly pending: readonly string[];
}

const LEADER_ELECTED: readonly LeaderElectedKind[] = ['kube-controller-manager', 'kube-scheduler'];

/**
 * readiness is the lab's definition of "up": every process running, every host connected, every etcd member healthy
 * with a leader, every apiserver /readyz,
 * the LB answering, default/kubernetes listing every apiserver, and both leader leases held and fresh.
 */
export async function readiness(lab: LabView, now = () => Date.now()): Promise<Readiness> {
  const pending: string[] = [];
  const down = (await lab.processes()).filter((p) => p.state !== 'running').map((p) => `${p.id} ${p.state}`);
  if (down.length > 0) pending.push(`processes not running: ${down.join(', ')}`);
  const cut = [];
  for (const h of lab.topology.hosts) if (!(await lab.isHostConnected(h.name))) cut.push(h.name);
  if (cut.length > 0) pending.push(`hosts cut off: ${cut.join(', ')}`);
  const etcd = await lab.etcdStatus();
  const unhealthy = etcd.statuses.filter((s) => !s.healthy).map((s) => s.name);
  if (unhealthy.length > 0) pending.push(`etcd members not healthy: ${unhealthy.join(', ')}`);
  if (!etcd.leader) pending.push('etcd has no leader');

  const apiservers = await lab.apiServerReadiness();
  const notReady = apiservers.filter((a) => !a.ready).map((a) => `${a.host} (${a.detail})`);
  if (notReady.length > 0) pending.push(`apiservers not ready: ${notReady.join(', ')}`);
  if (notReady.length > 0 || unhealthy.length > 0) return { ready: false, pending };

  if (lab.hasLoadBalancer) {
    const lb = await lab.kube().readyz();
    if (!lb.ready) pending.push(`load balancer not passing to apiservers: ${lb.detail}`);
  }
  const endpoints = await lab.kubeAny((k) =>
    k.json<{ items: { endpoints?: { addresses: string[] }[] }[] }>(
      '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices' +
        '?labelSelector=kubernetes.io%2Fservice-name%3Dkubernetes',
    ),
  );
  const addresses = new Set(endpoints.items.flatMap((s) => (s.endpoints ?? []).flatMap((e) => e.addresses)));
  if (addresses.size !== apiservers.length)
    pending.push(`default/kubernetes lists ${addresses.size}/${apiservers.length} apiservers`);

  for (const kind of LEADER_ELECTED) {
    const lease = await lab.lease(kind).catch(() => undefined);
    const renewed = lease?.spec.renewTime ? Date.parse(lease.spec.renewTime) : NaN;
    const durationMs = (lease?.spec.leaseDurationSeconds ?? 0) * 1000;
    if (!lease?.spec.holderIdentity) pending.push(`${kind} lease has no holder`);
    else if (!(now() - renewed <= durationMs))
      pending.push(`${kind} lease held by ${lease.spec.holderIdentity} but not renewed`);
  }
  return { ready: pending.length === 0, pending };
}
