import type { FaultRecord } from './fault-log';
import {
  KUBEADM_VALIDITY_HOURS,
  SERVING_KINDS,
  type ServingKind,
  isShortened,
  readServingCertificate,
  reissueServingCertificate,
  servingCertificateName,
} from './certificates';
import type { LabControl } from './control';
import { throttleCpu, unthrottleAll } from './cpu-throttle';
import type { LabView } from './lab-view';
import { setHostLink } from './network';
import { kubeadmMade } from './options';
import { readiness } from './readiness';
import type { ComponentInstance, ComponentKind, LeaderElectedKind } from './topology';
import { instancesOf } from './topology';

/** Order in which heal brings things back: storage first, then the API, its LB, then the API's clients. */
const START_ORDER: readonly ComponentKind[] = [
  'etcd',
  'kube-apiserver',
  'haproxy',
  'kube-controller-manager',
  'kube-scheduler',
  'k3s-lease-holder',
];
const HEAL_READY_TIMEOUT_MS = 180_000;
/**
 * Leader-elected components exit when they find their lease lost after a thaw; restarting them is what a kubelet ends
 * up doing.
 */
const RESTART_WHEN_FROZEN: ReadonlySet<ComponentKind> = new Set(['kube-controller-manager', 'kube-scheduler']);

/**
 * Faults are the lab's reversible failures. Each one acts on real processes or links, then appends a timestamped
 * record to the fault log (ground truth for hawk's timeline) and returns it. Indexes are 1-based.
 */
export class Faults {
  constructor(
    private readonly lab: LabView,
    private readonly control: LabControl,
  ) {}

  /** kill sends SIGKILL: the process is gone until `start` or `heal`, as if its static pod had crashed. */
  async kill(kind: ComponentKind, index: number): Promise<FaultRecord> {
    return this.killInstance(this.lab.instance(kind, index));
  }

  async freeze(kind: ComponentKind, index: number): Promise<FaultRecord> {
    return this.freezeInstance(this.lab.instance(kind, index));
  }

  async thaw(kind: ComponentKind, index: number): Promise<FaultRecord> {
    const c = this.lab.instance(kind, index);
    const pid = await this.control.signalComponent(c, 'SIGCONT');
    return this.control.logFault('thaw', c.id, { pid });
  }

  /** stop ends an instance gracefully (SIGTERM), as `systemctl stop` or removing a static pod manifest would. */
  async stop(kind: ComponentKind, index: number): Promise<FaultRecord> {
    const c = this.lab.instance(kind, index);
    const stopped = await this.control.stopComponent(c, 'terminate');
    return this.control.logFault('stop', c.id, { pid: stopped?.pid ?? null }, stopped?.goneAt);
  }

  async start(kind: ComponentKind, index: number): Promise<FaultRecord> {
    const c = this.lab.instance(kind, index);
    await this.lab.assertNetwork();
    const outcome = await this.control.startComponent(c);
    const pid = (await this.lab.state())?.pids[c.id];
    return this.control.logFault('start', c.id, { outcome, pid });
  }

  async restart(kind: ComponentKind, index: number): Promise<FaultRecord> {
    await this.stop(kind, index);
    return this.start(kind, index);
  }

  /** killLeader SIGKILLs whichever instance holds the kind's Lease right now. */
  async killLeader(kind: LeaderElectedKind): Promise<FaultRecord> {
    const holder = await this.requireHolder(kind);
    return this.killInstance(holder.instance, {
      leaderOf: kind,
      holderIdentity: holder.identity,
      leaseTransitions: holder.lease.spec.leaseTransitions ?? 0,
    });
  }

  /** freezeLeader SIGSTOPs the holder: a live process that no longer renews. */
  async freezeLeader(kind: LeaderElectedKind): Promise<FaultRecord> {
    const holder = await this.requireHolder(kind);
    return this.freezeInstance(holder.instance, {
      leaderOf: kind,
      holderIdentity: holder.identity,
      leaseTransitions: holder.lease.spec.leaseTransitions ?? 0,
    });
  }

  stopApiServer(index: number): Promise<FaultRecord> {
    return this.stop('kube-apiserver', index);
  }

  startApiServer(index: number): Promise<FaultRecord> {
    return this.start('kube-apiserver', index);
  }

  stopEtcd(index: number): Promise<FaultRecord> {
    return this.stop('etcd', index);
  }

  startEtcd(index: number): Promise<FaultRecord> {
    return this.start('etcd', index);
  }

  async stopEtcdLeader(): Promise<FaultRecord> {
    const leader = await this.requireEtcdLeader();
    return this.stop('etcd', leader.index);
  }

  /** restartEtcdLeader stops the leader and starts it again at once: one forced leader change. */
  async restartEtcdLeader(): Promise<FaultRecord> {
    const leader = await this.requireEtcdLeader();
    await this.stop('etcd', leader.index);
    return this.start('etcd', leader.index);
  }

  stopLoadBalancer(): Promise<FaultRecord> {
    return this.stop('haproxy', 1);
  }

  startLoadBalancer(): Promise<FaultRecord> {
    return this.start('haproxy', 1);
  }

  /**
   * cutNode takes the host end of the node's veth down: every process on it lives on, unreachable. `node` is a host
   * name or a cp index.
   */
  async cutNode(node: string | number): Promise<FaultRecord> {
    const host = this.lab.host(typeof node === 'number' ? `cp-${node}` : node);
    await this.control.mutate(() => setHostLink(host, false));
    return this.control.logFault('cut-network', host.name, { link: host.hostLink });
  }

  async restoreNode(node: string | number): Promise<FaultRecord> {
    const host = this.lab.host(typeof node === 'number' ? `cp-${node}` : node);
    await this.control.mutate(() => setHostLink(host, true));
    return this.control.logFault('restore-network', host.name, { link: host.hostLink });
  }

  /**
   * throttleEtcd limits one etcd member to `quotaMs` of CPU in every `periodMs` (a cgroup quota, as a container's CPU
   * limit): a degradation that ramps from harmless (a quota it never reaches) to election-causing (the member stalls
   * most of each period, and its heartbeats arrive late). Called again, it changes the limit; heal lifts it.
   */
  async throttleEtcd(index: number, quotaMs: number, periodMs = 1_000): Promise<FaultRecord> {
    const c = this.lab.instance('etcd', index);
    const pid = (await this.lab.state())?.pids[c.id];
    if (pid === undefined || (await this.lab.processState(c)) === 'stopped') throw new Error(`${c.id} is not running`);
    await this.control.mutate(() => throttleCpu(c.id, pid, quotaMs, periodMs));
    return this.control.logFault('throttle-cpu', c.id, { pid, quotaMs, periodMs });
  }

  /** unthrottle lifts every CPU limit the lab set. */
  async unthrottle(): Promise<FaultRecord> {
    const released = await this.control.mutate(() => unthrottleAll());
    return this.control.logFault('unthrottle-cpu', 'lab', { released });
  }

  /**
   * shortenCertificate has kubeadm re-issue one apiserver's or etcd member's serving certificate for `validityHours`
   * (`kubeadm certs renew` with certificateValidityPeriod set), then restarts that instance so its handshakes serve it:
   * a certificate ending in days, without waiting a year. kubeadm-made labs only; heal re-issues it for kubeadm's year.
   */
  async shortenCertificate(kind: ServingKind, index: number, validityHours: number): Promise<FaultRecord> {
    if (!kubeadmMade(this.lab.options.profile))
      throw new Error(`the ${this.lab.options.profile} lab's certificates are not kubeadm's`);
    if (!(validityHours > 0 && validityHours < KUBEADM_VALIDITY_HOURS))
      throw new Error(`a shortened certificate lasts under ${KUBEADM_VALIDITY_HOURS} h, got ${validityHours}`);
    const c = this.lab.instance(kind, index);
    await this.lab.assertNetwork();
    const issued = await this.control.mutate(async () => {
      const renewed = await reissueServingCertificate(
        this.lab.paths,
        this.lab.binDir,
        this.lab.host(c.host),
        kind,
        validityHours,
      );
      await this.control.stopComponent(c, 'terminate');
      await this.control.startComponent(c);
      return renewed;
    });
    const pid = (await this.lab.state())?.pids[c.id];
    return this.control.logFault('shorten-certificate', c.id, { ...issued, pid });
  }

  /**
   * heal restores the full topology: shortened certificates re-issued for kubeadm's year, CPU limits lifted, links up,
   * frozen processes thawed, stopped ones started in dependency order. Unless told not to, it then keeps doing so (as
   * kubelets would) until the lab is ready: a thawed ex-leader exits by itself once it notices it lost the lease, and
   * gets restarted here. A frozen controller-manager or scheduler is restarted rather than thawed, so heal never
   * returns with an ex-leader about to exit.
   */
  async heal(options: { wait?: boolean } = {}): Promise<FaultRecord> {
    const actions = [...(await this.restoreCertificates()), ...(await this.restoreOnce())];
    const record = await this.control.logFault('heal', 'lab', { actions });
    if (options.wait ?? true) {
      await this.lab.waitFor(
        async () => {
          const later = await this.restoreOnce();
          if (later.length > 0) await this.control.logFault('heal', 'lab', { actions: later });
          return (await readiness(this.lab)).ready;
        },
        HEAL_READY_TIMEOUT_MS,
        { description: 'lab ready after heal', intervalMs: 1_000 },
      );
      // Pods whose process came back while the API was down could not be reported then.
      for (const c of this.lab.topology.components) await this.control.reportPodStatus(c);
    }
    return record;
  }

  /**
   * restoreCertificates re-issues, for kubeadm's year, each serving certificate shortenCertificate left, and stops its
   * instance: restoreOnce then starts it on the new one.
   */
  private async restoreCertificates(): Promise<string[]> {
    if (!kubeadmMade(this.lab.options.profile)) return [];
    const actions: string[] = [];
    await this.control.mutate(async () => {
      for (const kind of SERVING_KINDS) {
        for (const c of instancesOf(this.lab.topology, kind)) {
          const issued = await readServingCertificate(this.lab.paths, c.host, kind);
          if (!issued || !isShortened(issued)) continue;
          await reissueServingCertificate(this.lab.paths, this.lab.binDir, this.lab.host(c.host), kind);
          await this.control.stopComponent(c, 'terminate');
          actions.push(`reissue ${servingCertificateName(kind)} ${c.id}`);
        }
      }
    });
    return actions;
  }

  private async restoreOnce(): Promise<string[]> {
    const actions: string[] = [];
    await this.control.mutate(async () => {
      for (const released of await unthrottleAll()) actions.push(`unthrottle ${released}`);
      for (const host of this.lab.topology.hosts) {
        if (!(await this.lab.isHostConnected(host.name))) {
          await setHostLink(host, true);
          actions.push(`restore-network ${host.name}`);
        }
      }
      await this.lab.assertNetwork();
      for (const kind of START_ORDER) {
        for (const c of instancesOf(this.lab.topology, kind)) {
          if (RESTART_WHEN_FROZEN.has(kind) && (await this.lab.processState(c)) === 'frozen') {
            await this.control.stopComponent(c, 'kill');
            actions.push(`kill frozen ${c.id}`);
          }
          const outcome = await this.control.startComponent(c);
          if (outcome !== 'running') actions.push(`${outcome === 'started' ? 'start' : 'thaw'} ${c.id}`);
        }
      }
    });
    return actions;
  }

  private async killInstance(c: ComponentInstance, detail: Record<string, unknown> = {}): Promise<FaultRecord> {
    const stopped = await this.control.stopComponent(c, 'kill');
    if (stopped === undefined) throw new Error(`${c.id} is not running`);
    return this.control.logFault('kill', c.id, { pid: stopped.pid, ...detail }, stopped.goneAt);
  }

  private async freezeInstance(c: ComponentInstance, detail: Record<string, unknown> = {}): Promise<FaultRecord> {
    const pid = await this.control.signalComponent(c, 'SIGSTOP');
    return this.control.logFault('freeze', c.id, { pid, ...detail });
  }

  private async requireHolder(kind: LeaderElectedKind) {
    const holder = await this.lab.leaseHolder(kind);
    if (!holder) throw new Error(`${kind} lease has no holder`);
    return holder;
  }

  private async requireEtcdLeader(): Promise<ComponentInstance> {
    const leader = await this.lab.etcdLeader();
    if (!leader) throw new Error('etcd has no leader');
    return leader;
  }
}
