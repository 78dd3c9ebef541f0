/**
 * A fluent builder of ClusterInput fixtures over time, so tests read like scenario files:
 *
 *   const cluster = aCluster().withApiServers(3).withLease('kube-scheduler', { candidates: 3 }).withEtcd(3);
 *   cluster.advance(10_000).killLeaseHolder('kube-scheduler').advance(5_000);
 *   evaluateCluster(cluster.build(), null, DEFAULT_CONFIG, cluster.now);
 *
 * It simulates what the sources would fold: leases renew on their cadence and hawk observes each
 * write through `observeLease`; probes answer from what runs; etcd elects a leader among what runs,
 * and losing quorum makes apiservers fail their etcd check and leaders stop renewing.
 * Node-free, like the lab on loopback, until `withNodes` places the components on cp-1…cp-n.
 */
import { DEFAULT_CONFIG, type HawkConfig } from '../config';
import { observeEtcdLeader } from '../etcd/leader-changes';
import { setLeaseCandidates } from '../lease/candidates';
import { leaseKey } from '../lease/lease-kind';
import { observeLease } from '../lease/tracker';
import type { ApiServerFrontDoor, ApiServerInstance, ProbeResult } from '../model/apiserver';
import type { CertificateRole, ObservedCertificate } from '../model/certificate';
import type { ClusterInput, Reachability, SourceName } from '../model/cluster';
import type { EtcdAlarm, EtcdMember, EtcdTopology, EtcdView } from '../model/etcd';
import type { Freshness, SourceState } from '../model/freshness';
import type { LeaseRecord, LeaseTrack } from '../model/lease';
import type { ControlPlaneNode, ControlPlanePod } from '../model/node';

/** How long the cluster a builder starts with has been serving already. */
const RUNNING_BEFORE_MS = 3_600_000;

export interface LeaseOptions {
  /** Candidates, each on node cp-i (default 3). */
  readonly candidates?: number;
  /** Which candidate holds it, 1-based (default 1); 0 for no holder. */
  readonly holder?: number;
  readonly durationSeconds?: number;
  /** How often the holder writes (ms, default 2000: client-go's retry period). */
  readonly renewEveryMs?: number;
  /** Holder's clock minus hawk's (ms): the renewTime it writes is off by this much. */
  readonly holderSkewMs?: number;
  readonly namespace?: string;
  /** Where candidates come from (default LeaseCandidate objects). */
  readonly candidatesSource?: 'lease-candidate' | 'pod';
  /** Candidates (1-based) known to be down: their health probe fails. */
  readonly deadCandidates?: readonly number[];
}

export interface EtcdOptions {
  readonly learners?: number;
  readonly topology?: EtcdTopology;
  readonly quotaBytes?: number;
  readonly dbSizeBytes?: number;
}

interface LeaseSim {
  track: LeaseTrack;
  record: LeaseRecord;
  renewing: boolean;
  renewEveryMs: number;
  nextRenewAt: number;
  skewMs: number;
}

interface MemberSim {
  id: string;
  name: string;
  /** In raft: running, as its peers see it. */
  up: boolean;
  /** Its client port answers: false from the start of a graceful stop, while it still drains in raft. */
  answering: boolean;
  learner: boolean;
}

const SOURCES: readonly SourceName[] = [
  'leases',
  'lease-candidates',
  'endpointslice',
  'identity-leases',
  'pods',
  'nodes',
  'apiserver-probes',
  'etcd',
];
const GiB = 1024 ** 3;

export class ClusterBuilder {
  /** The fake clock (epoch ms). */
  now: number;
  private readonly config: HawkConfig;
  private readonly id: string;
  private instances: {
    index: number;
    up: boolean;
    lastOkAt: number | null;
    okSince: number | null;
    readyzHangs?: boolean;
  }[] = [];
  private frontDoorKind: ApiServerFrontDoor['kind'] = 'load-balancer';
  private loadBalancerUp = true;
  private loadBalancerLastOkAt: number | null;
  private loadBalancerOkSince: number | null;
  private leases = new Map<string, LeaseSim>();
  private members: MemberSim[] = [];
  private etcdOptions: Required<EtcdOptions> = {
    learners: 0,
    topology: 'stacked',
    quotaBytes: 2 * GiB,
    dbSizeBytes: 20 * 1024 ** 2,
  };
  private etcdView: EtcdView | undefined;
  private leaderIndex: number | null = null;
  private raftTerm = 2;
  private alarms: EtcdAlarm[] = [];
  private nodes: ControlPlaneNode[] = [];
  private pods: ControlPlanePod[] = [];
  private sourceOverrides = new Map<SourceName, Freshness>();
  private reachability: Reachability = { state: 'reachable' };
  private hidden = false;
  private certificates: ObservedCertificate[] | undefined;
  private resourceVersion = 1000;

  constructor(options: { id?: string; start?: number; config?: HawkConfig } = {}) {
    this.id = options.id ?? 'lab';
    this.now = options.start ?? Date.UTC(2026, 0, 1);
    this.config = options.config ?? DEFAULT_CONFIG;
    this.loadBalancerLastOkAt = this.now;
    this.loadBalancerOkSince = this.now;
  }

  withApiServers(count: number): this {
    // Serving since well before the builder's clock starts, as a cluster running before hawk looked.
    this.instances = Array.from({ length: count }, (_, i) => ({
      index: i + 1,
      up: true,
      lastOkAt: this.now,
      okSince: this.now - RUNNING_BEFORE_MS,
    }));
    return this;
  }

  /** kubeconfig points at one instance instead of a load balancer. */
  withFrontDoor(kind: ApiServerFrontDoor['kind']): this {
    this.frontDoorKind = kind;
    return this;
  }

  withLease(name: string, options: LeaseOptions = {}): this {
    const namespace = options.namespace ?? 'kube-system';
    const candidates = Array.from({ length: options.candidates ?? 3 }, (_, i) => ({
      identity: identityOf(i + 1),
      node: `cp-${i + 1}`,
      source: options.candidatesSource ?? ('lease-candidate' as const),
      observedRenewAt: this.now,
      live: !(options.deadCandidates ?? []).includes(i + 1),
    }));
    const holder = options.holder ?? 1;
    const skewMs = options.holderSkewMs ?? 0;
    const record: LeaseRecord = {
      namespace,
      name,
      holderIdentity: holder === 0 ? null : identityOf(holder),
      acquireTime: holder === 0 ? null : iso(this.now + skewMs),
      renewTime: holder === 0 ? null : iso(this.now + skewMs),
      leaseDurationSeconds: options.durationSeconds ?? 15,
      leaseTransitions: 0,
      resourceVersion: this.nextResourceVersion(),
      strategy: null,
    };
    const observed = observeLease(undefined, record, this.now, this.config).track;
    this.leases.set(leaseKey(record), {
      track: setLeaseCandidates(observed, candidates, options.candidatesSource ?? 'lease-candidate'),
      record,
      renewing: holder !== 0,
      renewEveryMs: options.renewEveryMs ?? 2000,
      nextRenewAt: this.now + (options.renewEveryMs ?? 2000),
      skewMs,
    });
    return this;
  }

  withEtcd(count: number, options: EtcdOptions = {}): this {
    this.etcdOptions = { ...this.etcdOptions, ...options };
    const learners = options.learners ?? 0;
    this.members = Array.from({ length: count + learners }, (_, i) => ({
      id: String(10501334649042878790n + BigInt(i + 1)),
      name: `cp-${i + 1}`,
      up: true,
      answering: true,
      learner: i >= count,
    }));
    this.leaderIndex = count > 0 ? 0 : null;
    this.etcdView = undefined;
    this.foldEtcd();
    return this;
  }

  /** Places components on control-plane nodes cp-1…cp-n (addresses 10.0.0.1i), zones assigned round-robin. */
  withNodes(count: number, options: { zones?: readonly string[] } = {}): this {
    const zones = options.zones ?? [];
    this.nodes = Array.from({ length: count }, (_, i) => ({
      name: `cp-${i + 1}`,
      addresses: [addressOf(i + 1)],
      zone: zones.length > 0 ? zones[i % zones.length]! : null,
      ready: true,
    }));
    this.pods = this.nodes.flatMap((node, i) =>
      ['kube-apiserver', 'etcd', 'kube-controller-manager', 'kube-scheduler'].map((component) => ({
        name: `${component}-${node.name}`,
        component,
        node: node.name,
        podIP: addressOf(i + 1),
        etcdServers: component === 'kube-apiserver' ? ['https://127.0.0.1:2379'] : [],
      })),
    );
    return this;
  }

  /** A managed cluster: no control-plane objects served. */
  withHiddenControlPlane(): this {
    this.hidden = true;
    this.instances = [];
    this.leases.clear();
    this.members = [];
    this.etcdView = undefined;
    this.etcdOptions = { ...this.etcdOptions, topology: 'managed-hidden' };
    return this;
  }

  unreachable(error = 'connect ETIMEDOUT'): this {
    this.reachability = { state: 'unreachable', error, since: this.now };
    return this;
  }

  reachable(): this {
    this.reachability = { state: 'reachable' };
    return this;
  }

  /** Sets one of hawk's sources to a state; back to 'live', a lease watch relists and sees the latest record. */
  withSource(source: SourceName, state: SourceState, detail?: string): this {
    if (state === 'live') {
      this.sourceOverrides.delete(source);
      if (source === 'leases') for (const sim of this.leases.values()) this.observe(sim, this.now);
    } else {
      this.sourceOverrides.set(source, { state, lastEventAt: this.now, ...(detail ? { detail } : {}) });
    }
    return this;
  }

  /** Moves the clock, letting every renewing holder write on its cadence as it goes. */
  advance(ms: number): this {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.leases.values()]
        .filter((sim) => sim.renewing && sim.nextRenewAt <= until)
        .sort((a, b) => a.nextRenewAt - b.nextRenewAt)[0];
      if (due === undefined) break;
      this.now = due.nextRenewAt;
      if (this.etcdWritable()) this.write(due, { renewTime: iso(this.now + due.skewMs) });
      due.nextRenewAt += due.renewEveryMs;
    }
    this.now = until;
    // hawk's etcd probe reads every member's status as time goes: what answers is read afresh.
    if (this.members.length > 0) this.foldEtcd();
    return this;
  }

  stopApiServer(index: number): this {
    this.instance(index).up = false;
    return this;
  }

  /**
   * The instance's /readyz hangs past the probe timeout while etcd has no quorum (its etcd check blocks), instead of
   * naming the check.
   */
  hangReadyzWithoutQuorum(index: number): this {
    this.instance(index).readyzHangs = true;
    return this;
  }

  startApiServer(index: number): this {
    this.instance(index).up = true;
    return this;
  }

  stopLoadBalancer(): this {
    this.loadBalancerUp = false;
    return this;
  }

  startLoadBalancer(): this {
    this.loadBalancerUp = true;
    return this;
  }

  /** The holder stops renewing: killed (SIGKILL) or frozen (SIGSTOP) alike. */
  killLeaseHolder(name: string): this {
    this.lease(name).renewing = false;
    return this;
  }

  /** A frozen holder resumes (SIGCONT) and renews at once if it still holds the lease. */
  resumeLeaseHolder(name: string): this {
    const sim = this.lease(name);
    sim.renewing = true;
    sim.nextRenewAt = this.now;
    return this.advance(0);
  }

  /** Candidate `candidate` (1-based) acquires the lease, as a standby does once it expired. */
  acquireLease(name: string, candidate: number): this {
    const sim = this.lease(name);
    const at = iso(this.now + sim.skewMs);
    this.write(sim, {
      holderIdentity: identityOf(candidate),
      acquireTime: at,
      renewTime: at,
      leaseTransitions: (sim.record.leaseTransitions ?? 0) + 1,
    });
    sim.renewing = true;
    sim.nextRenewAt = this.now + sim.renewEveryMs;
    return this;
  }

  /** Drops a candidate (its LeaseCandidate object gone, or its pod deleted). */
  removeCandidate(name: string, candidate: number): this {
    const sim = this.lease(name);
    const candidates = sim.track.candidates.filter((c) => c.identity !== identityOf(candidate));
    sim.track = setLeaseCandidates(sim.track, candidates, sim.track.candidatesSource);
    return this;
  }

  /** Writes arbitrary lease fields, as a buggy or foreign writer might (malformed leases). */
  writeLease(name: string, fields: Partial<LeaseRecord>, options: { renewing?: boolean } = {}): this {
    const sim = this.lease(name);
    this.write(sim, fields);
    sim.renewing = options.renewing ?? sim.renewing;
    return this;
  }

  stopEtcdMember(index: number): this {
    Object.assign(this.member(index), { up: false, answering: false });
    this.foldEtcd();
    return this;
  }

  /** A graceful stop's first seconds: the member has closed its client port and still takes part in raft. */
  drainEtcdMember(index: number): this {
    this.member(index).answering = false;
    this.foldEtcd();
    return this;
  }

  startEtcdMember(index: number): this {
    Object.assign(this.member(index), { up: true, answering: true });
    this.foldEtcd();
    return this;
  }

  /** The etcd leader restarts: another member wins the election meanwhile. */
  restartEtcdLeader(): this {
    const leader = this.leaderIndex;
    if (leader === null) return this;
    this.stopEtcdMember(leader + 1);
    return this.startEtcdMember(leader + 1);
  }

  raiseEtcdAlarm(alarm: string, memberIndex = 1): this {
    this.alarms = [...this.alarms, { memberId: this.member(memberIndex).id, alarm }];
    this.foldEtcd();
    return this;
  }

  /** A certificate hawk read at `seenAt`, ending `daysLeft` days from now (negative: already ended). */
  withCertificate(role: CertificateRole, seenAt: string, daysLeft: number, serialNumber = seenAt): this {
    const certificate: ObservedCertificate = {
      role,
      seenAt,
      subject: role === 'client' ? 'kubernetes-admin' : seenAt,
      issuer: role === 'etcd' ? 'etcd-ca' : 'kubernetes',
      serialNumber,
      notAfter: this.now + daysLeft * 86_400_000,
      observedAt: this.now,
    };
    this.certificates = [...(this.certificates ?? []), certificate];
    return this;
  }

  withEtcdDbSize(bytes: number): this {
    this.etcdOptions = { ...this.etcdOptions, dbSizeBytes: bytes };
    this.foldEtcd();
    return this;
  }

  /** The node is NotReady and everything on it stops. */
  stopNode(name: string): this {
    const index = Number(name.replace('cp-', ''));
    this.nodes = this.nodes.map((node) => (node.name === name ? { ...node, ready: false } : node));
    if (this.instances[index - 1]) this.stopApiServer(index);
    if (this.members[index - 1]) this.stopEtcdMember(index);
    for (const sim of this.leases.values()) if (sim.record.holderIdentity === identityOf(index)) sim.renewing = false;
    return this;
  }

  /** The input the sources would hand to evaluateCluster now. */
  build(): ClusterInput {
    const quorumLost = this.members.length > 0 && !this.etcdWritable();
    const apiServers = this.instances.map((sim): ApiServerInstance => {
      if (sim.up) sim.lastOkAt = quorumLost ? sim.lastOkAt : this.now;
      sim.okSince = sim.up && !quorumLost ? (sim.okSince ?? this.now) : null;
      const probe = !sim.up
        ? refused(this.now)
        : quorumLost
          ? sim.readyzHangs
            ? timedOut(this.now)
            : etcdFailing(this.now)
          : ok(this.now);
      return {
        id: `${addressOf(sim.index)}:6443`,
        address: addressOf(sim.index),
        port: 6443,
        host: `cp-${sim.index}`,
        node: this.nodes.length > 0 ? `cp-${sim.index}` : null,
        inEndpointSlice: true,
        identityLease: `apiserver-${sim.index}`,
        identityRenewedAt: sim.up ? this.now : sim.lastOkAt,
        health: {
          livez: sim.up ? ok(this.now) : refused(this.now),
          readyz: probe,
          lastOkAt: sim.lastOkAt,
          okSince: sim.okSince,
        },
      };
    });
    const anyServing = apiServers.some((i) => i.health.readyz?.ok);
    if (this.loadBalancerUp && anyServing) this.loadBalancerLastOkAt = this.now;
    const frontDoorProbe =
      this.frontDoorKind === 'instance'
        ? (apiServers[0]?.health.readyz ?? null)
        : !this.loadBalancerUp
          ? refused(this.now)
          : anyServing
            ? ok(this.now)
            : unavailable(this.now);
    this.loadBalancerOkSince = frontDoorProbe?.ok ? (this.loadBalancerOkSince ?? this.now) : null;
    const sources = Object.fromEntries(
      SOURCES.map((source) => [
        source,
        this.sourceOverrides.get(source) ??
          (source === 'etcd' && this.members.length === 0
            ? unavailableSource()
            : { state: 'live', lastEventAt: this.now }),
      ]),
    ) as Record<SourceName, Freshness>;
    return {
      identity: { id: this.id, context: this.id, name: this.id, server: this.frontDoorUrl(), labels: {} },
      reachability: this.reachability,
      sources,
      apiServers,
      frontDoor: {
        url: this.frontDoorUrl(),
        kind: this.frontDoorKind,
        health: {
          livez: frontDoorProbe,
          readyz: frontDoorProbe,
          lastOkAt: this.loadBalancerLastOkAt,
          okSince: this.loadBalancerOkSince,
        },
      },
      leases: Object.fromEntries([...this.leases].map(([key, sim]) => [key, sim.track])),
      etcd: { ...this.currentEtcdView(), freshness: sources.etcd },
      nodes: this.nodes,
      pods: this.pods,
      controlPlaneHidden: this.hidden,
      ...(this.certificates ? { certificates: this.certificates } : {}),
    };
  }

  private frontDoorUrl(): string {
    return this.frontDoorKind === 'instance' ? `https://${addressOf(1)}:6443` : 'https://lb.hawk.test:6443';
  }

  private write(sim: LeaseSim, fields: Partial<LeaseRecord>): void {
    sim.record = { ...sim.record, ...fields, resourceVersion: this.nextResourceVersion() };
    if (this.sourceOverrides.has('leases')) return;
    this.observe(sim, this.now);
  }

  private observe(sim: LeaseSim, at: number): void {
    const { candidates, candidatesSource } = sim.track;
    sim.track = { ...observeLease(sim.track, sim.record, at, this.config).track, candidates, candidatesSource };
  }

  private etcdWritable(): boolean {
    return this.members.length === 0 || this.raftMajorityUp();
  }

  /** As raft counts: a majority of the voters is up, answering or not. */
  private raftMajorityUp(): boolean {
    const voters = this.members.filter((m) => !m.learner);
    return voters.length > 0 && voters.filter((m) => m.up).length > voters.length / 2;
  }

  /** Re-elects as etcd would: a running leader stays; otherwise the first running voter wins, if quorum allows. */
  private foldEtcd(): void {
    const hasQuorum = this.raftMajorityUp();
    const leader = this.leaderIndex === null ? undefined : this.members[this.leaderIndex];
    if (!hasQuorum) this.leaderIndex = null;
    else if (!leader?.up) {
      this.leaderIndex = this.members.findIndex((m) => m.up && !m.learner);
      this.raftTerm += 1;
    }
    this.etcdView = observeEtcdLeader(this.etcdView, this.rawEtcdView(), this.now, this.config.transitionsKept);
  }

  private currentEtcdView(): EtcdView {
    return this.etcdView ?? this.rawEtcdView();
  }

  private etcdMembers(): EtcdMember[] {
    const leaderId = this.leaderIndex === null ? null : this.members[this.leaderIndex]!.id;
    return this.members.map((m) => ({
      id: m.id,
      name: m.name,
      peerURLs: [`https://${addressOf(Number(m.name.slice(3)))}:2380`],
      clientURLs: [`https://${addressOf(Number(m.name.slice(3)))}:2379`],
      isLearner: m.learner,
      reachable: m.answering,
      status: m.answering
        ? {
            leaderId: leaderId ?? '0',
            raftTerm: String(this.raftTerm),
            raftIndex: '4242',
            dbSizeBytes: this.etcdOptions.dbSizeBytes,
            dbSizeInUseBytes: this.etcdOptions.dbSizeBytes,
            version: '3.5.16',
            isLearner: m.learner,
            errors: [],
          }
        : null,
      error: m.answering ? null : m.up ? 'connect ECONNREFUSED' : 'context deadline exceeded',
      checkedAt: this.now,
    }));
  }

  private rawEtcdView(): EtcdView {
    const members = this.etcdMembers();
    const none = members.length === 0;
    return {
      source: none ? 'none' : 'etcd-api',
      members,
      leaderId: this.leaderIndex === null || none ? null : members[this.leaderIndex]!.id,
      raftTerm: none ? null : String(this.raftTerm),
      alarms: this.alarms,
      quotaBytes: this.etcdOptions.quotaBytes,
      topology: none && !this.hidden ? 'unknown' : this.etcdOptions.topology,
      topologyEvidence:
        this.etcdOptions.topology === 'stacked' && !none ? ["etcd members listen on the apiservers' hosts"] : [],
      leaderChanges: [],
      readyzEtcd: null,
      freshness: none ? unavailableSource() : { state: 'live', lastEventAt: this.now },
    };
  }

  private instance(index: number) {
    const sim = this.instances[index - 1];
    if (!sim) throw new Error(`no apiserver ${index}`);
    return sim;
  }

  private member(index: number): MemberSim {
    const sim = this.members[index - 1];
    if (!sim) throw new Error(`no etcd member ${index}`);
    return sim;
  }

  private lease(name: string): LeaseSim {
    const sim = this.leases.get(name.includes('/') ? name : `kube-system/${name}`);
    if (!sim) throw new Error(`no lease ${name}`);
    return sim;
  }

  private nextResourceVersion(): string {
    this.resourceVersion += 1;
    return String(this.resourceVersion);
  }
}

/** aCluster starts a fixture: no components until added; the clock starts at 2026-01-01 unless told. */
export function aCluster(options: { id?: string; start?: number; config?: HawkConfig } = {}): ClusterBuilder {
  return new ClusterBuilder(options);
}

/**
 * A full-HA cluster as the lab runs it: 3 apiservers behind a load balancer, both leader leases with 3 candidates, 3
 * etcd members.
 */
export function aFullHaCluster(options: { id?: string; start?: number; config?: HawkConfig } = {}): ClusterBuilder {
  return aCluster(options)
    .withApiServers(3)
    .withLease('kube-controller-manager')
    .withLease('kube-scheduler')
    .withEtcd(3);
}

/** identityOf: candidate i's identity as client-go writes it ("<hostname>_<uuid>"). */
export function identityOf(candidate: number): string {
  return `cp-${candidate}_0f3c${candidate}a7e-5b1d-4c2e-9a8b-${String(candidate).padStart(12, '0')}`;
}

export function addressOf(index: number): string {
  return `10.0.0.${10 + index}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

function ok(at: number): ProbeResult {
  return { at, ok: true, httpStatus: 200, latencyMs: 3, failedChecks: [], error: null };
}

function refused(at: number): ProbeResult {
  return { at, ok: false, httpStatus: null, latencyMs: null, failedChecks: [], error: 'connect ECONNREFUSED' };
}

function timedOut(at: number): ProbeResult {
  return { at, ok: false, httpStatus: null, latencyMs: null, failedChecks: [], error: 'timeout after 1500 ms' };
}

function etcdFailing(at: number): ProbeResult {
  return { at, ok: false, httpStatus: 500, latencyMs: 2001, failedChecks: ['etcd'], error: null };
}

function unavailable(at: number): ProbeResult {
  return { at, ok: false, httpStatus: 503, latencyMs: 1, failedChecks: [], error: 'no server available' };
}

function unavailableSource(): Freshness {
  return { state: 'unavailable', lastEventAt: null, detail: 'no etcd endpoint configured' };
}
