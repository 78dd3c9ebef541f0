import { isIP } from 'node:net';
import {
  evaluateCluster,
  observeEtcdLeader,
  observeLease,
  setLeaseCandidates,
  type ClusterInput,
  type ClusterState,
  type ControlPlaneNode,
  type ControlPlanePod,
  type EndpointHealth,
  type EtcdMember,
  type EtcdView,
  type Freshness,
  type HawkConfig,
  type LeaseRecord,
  type LeaseTrack,
  type Reachability,
  type SourceName,
  type TimelineEvent,
} from '@hawk/core';
import { instanceBase } from '../clusters/kube-client';
import type { ClusterTarget } from '../clusters/resolve-clusters';
import { probeEndpoint, type EndpointProbe } from '../probes/apiserver-probe';
import { createComponentHealthProber, type ComponentHealth, type ComponentHealthProber } from '../probes/component-health';
import { askEndpoint, foldEtcdAnswers } from '../probes/etcd-probe';
import { createProbeLoop, type ProbeLoop } from '../probes/probe-loop';
import type { EndpointSliceObservation } from '../sources/endpoint-slice';
import type { LeaseCandidateObservation } from '../sources/lease-candidates';
import type { IdentityLeaseObservation } from '../sources/leases';
import { toControlPlanePod, type PodObservation } from '../sources/pods';
import { createWatchSessions, type Observations, type WatchSink } from '../sources/registry';
import { createSupervisor, type SourceStats, type Supervisor } from '../sources/supervisor';
import { assembleInstances, candidatesFor, classifyFrontDoor, DEFAULT_ETCD_QUOTA_BYTES, endpointId, etcdTopology, NO_HEALTH, type KnownEndpoint, type ObservedIdentity } from './assemble';
import type { HubLogger } from './logger';

export interface ClusterRuntimeOptions {
  readonly target: ClusterTarget;
  readonly config: HawkConfig;
  readonly now: () => number;
  readonly logger: HubLogger;
  /** Per-request timeout of probes (ms). */
  readonly probeTimeoutMs: number;
  /** Coalescing delay before re-judging after a change (ms). */
  readonly debounceMs: number;
  /** How often time alone is re-judged (a lease falling overdue) (ms). */
  readonly tickMs: number;
  onState(state: ClusterState): void;
  onTimeline(event: TimelineEvent): void;
}

/** An endpoint that left the slice and has not answered for this long is forgotten (ms). */
const FORGET_ENDPOINT_MS = 10 * 60_000;
/** Longest wait for the first complete look (slice listed, every instance probed) before judging anyway (ms). */
const FIRST_LOOK_MS = 10_000;
/** Components whose lease, once deleted, is still shown (as having no holder) until a relist. */
const COMPONENTS_WORTH_A_DELETED_LEASE = new Set(['kube-controller-manager', 'kube-scheduler', 'cloud-controller-manager']);
/** Synthetic key of the front door's health. */
const FRONT_DOOR = 'front-door';

/**
 * ClusterRuntime watches one cluster: it folds what the watches and probes observe into a
 * ClusterInput, has @hawk/core judge it, and emits the state and the timeline. It holds no rule:
 * it only decides when to ask the core.
 */
export class ClusterRuntime {
  private readonly target: ClusterTarget;
  private readonly options: ClusterRuntimeOptions;
  private readonly log: HubLogger;
  private state: ClusterState;
  private lastEmitted = '';
  private readonly supervisors: Supervisor[] = [];
  private readonly loops: ProbeLoop[] = [];
  private apiserverLoop: ProbeLoop | null = null;
  private componentLoop: ProbeLoop | null = null;
  private componentProber: ComponentHealthProber | null = null;
  private readonly freshness: Partial<Record<SourceName, Freshness>> = {};
  private debounce: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private started = false;
  private readonly startedAt: number;

  // What the sources observed.
  private leases = new Map<string, LeaseTrack>();
  private identities = new Map<string, ObservedIdentity>();
  private candidates = new Map<string, LeaseCandidateObservation & { observedRenewAt: number }>();
  private slices = new Map<string, EndpointSliceObservation>();
  private endpoints = new Map<string, KnownEndpoint & { lastOkAt: number | null; leftSliceAt: number | null }>();
  private pods = new Map<string, PodObservation>();
  /** Each controller-manager and scheduler pod's own /healthz, by pod name. */
  private readonly componentHealth = new Map<string, ComponentHealth>();
  private nodes = new Map<string, ControlPlaneNode>();
  private readonly health = new Map<string, EndpointHealth & { etcdOk: boolean | null }>();
  private probeRounds = 0;
  private etcd: EtcdView;

  constructor(options: ClusterRuntimeOptions) {
    this.options = options;
    this.target = options.target;
    this.log = options.logger;
    this.startedAt = options.now();
    this.etcd = this.emptyEtcd();
    if (this.target.error) this.log.error({ cluster: this.target.id, error: this.target.error }, 'cluster misconfigured');
    this.state = evaluateCluster(this.input(), null, options.config, options.now()).state;
  }

  get id(): string {
    return this.target.id;
  }

  current(): ClusterState {
    return this.state;
  }

  /** Settled once every source has synced, reported itself unavailable, or failed at least once. */
  settled(): boolean {
    if (this.target.error || !this.target.kube) return true;
    if (this.probeRounds === 0) return false;
    return this.supervisors.every((supervisor) => {
      const stats = supervisor.stats();
      return stats.state !== 'reconnecting' || stats.lastError !== null || stats.restarts > 0;
    });
  }

  sourceStats(): SourceStats[] {
    return this.supervisors.map((supervisor) => supervisor.stats());
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const kube = this.target.kube;
    if (kube) {
      const sessions = createWatchSessions(kube, this.sinks(), () => this.leasesRenewing(), this.log);
      for (const { name, session, staleAfterMs } of sessions) {
        const supervisor = createSupervisor({
          name,
          session,
          staleAfterMs,
          now: this.options.now,
          logger: this.log,
          onFreshness: (freshness) => {
            this.freshness[name] = freshness;
            this.changed();
          },
        });
        this.freshness[name] = supervisor.freshness();
        this.supervisors.push(supervisor);
      }
      this.apiserverLoop = createProbeLoop(
          this.target.probeIntervalMs,
          () => [FRONT_DOOR, ...[...this.endpoints.values()].map((endpoint) => endpointId(endpoint.address, endpoint.port))],
          (key) => this.probe(key),
          () => this.probeRoundDone(),
      );
      this.loops.push(this.apiserverLoop);
      this.componentProber = createComponentHealthProber();
      this.componentLoop = createProbeLoop(
        this.target.probeIntervalMs,
        () => [...this.pods.values()].filter((pod) => this.healthAddress(pod) !== null).map((pod) => pod.name),
        (name) => this.probeComponent(name),
      );
      this.loops.push(this.componentLoop);
    }
    if (this.target.etcd) this.loops.push(createProbeLoop(this.target.probeIntervalMs, () => ['etcd'], () => this.probeEtcd()));
    for (const supervisor of this.supervisors) supervisor.start();
    for (const loop of this.loops) loop.start();
    this.ticker = setInterval(() => this.evaluate(), this.options.tickMs);
    this.evaluate();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.ticker) clearInterval(this.ticker);
    if (this.debounce) clearTimeout(this.debounce);
    for (const loop of this.loops) loop.stop();
    await Promise.all(this.supervisors.map((supervisor) => supervisor.stop()));
    await this.componentProber?.close();
    await this.target.kube?.close();
    await this.target.etcd?.close();
  }

  // ── folding observations ─────────────────────────────────────────────────

  private sinks(): Observations {
    const leases: WatchSink<LeaseRecord> = {
      replace: (items) => {
        for (const key of this.leases.keys()) if (!items.has(key)) this.observeLease(key, null);
        for (const [key, record] of items) this.observeLease(key, record);
        this.changed();
      },
      upsert: (key, record) => {
        this.observeLease(key, record);
        this.changed();
      },
      remove: (key) => {
        // A deleted lease of a control-plane component is shown (nothing elects it any more); any
        // other lease deleted is simply gone, as kubectl would show it, not a warning kept until a relist.
        if (COMPONENTS_WORTH_A_DELETED_LEASE.has(this.leases.get(key)?.component ?? '')) this.observeLease(key, null);
        else this.leases.delete(key);
        this.changed();
      },
    };
    const identityLeases = this.renewalSink<IdentityLeaseObservation>(() => this.identities, (previous, next) => previous.renewTime === next.renewTime && previous.holderIdentity === next.holderIdentity);
    const leaseCandidates = this.renewalSink<LeaseCandidateObservation>(() => this.candidates, (previous, next) => previous.renewTime === next.renewTime);
    return {
      leases,
      identityLeases,
      leaseCandidates,
      endpointSlices: this.mapSink(
        () => this.slices,
        (next) => {
          this.slices = next;
        },
        () => this.foldEndpoints(),
      ),
      pods: this.mapSink(
        () => this.pods,
        (next) => {
          this.pods = next;
        },
        () => this.foldPods(),
      ),
      nodes: this.mapSink(
        () => this.nodes,
        (next) => {
          this.nodes = next;
        },
      ),
    };
  }

  private observeLease(key: string, record: LeaseRecord | null): void {
    const previous = this.leases.get(key);
    if (previous === undefined && record === null) return;
    const { track, transition } = observeLease(previous, record, this.options.now(), this.options.config);
    // A deleted lease that was never held again is dropped rather than judged forever.
    if (record === null && previous?.record === null) this.leases.delete(key);
    else this.leases.set(key, track);
    if (transition) {
      this.log.info({ cluster: this.id, lease: key, from: transition.from, to: transition.to, leaderlessMs: transition.leaderlessMs }, 'leader transition');
      this.emitTimeline({ kind: 'leader-transition', clusterId: this.id, at: transition.at, transition });
    }
  }

  /** renewalSink stamps each object with hawk's clock when it changed (its observed renewal). */
  private renewalSink<T extends object>(store: () => Map<string, T & { observedRenewAt: number }>, same: (previous: T, next: T) => boolean): WatchSink<T> {
    const stamp = (key: string, value: T, into: Map<string, T & { observedRenewAt: number }>) => {
      const previous = store().get(key);
      into.set(key, { ...value, observedRenewAt: previous && same(previous, value) ? previous.observedRenewAt : this.options.now() });
    };
    return {
      replace: (items) => {
        const next = new Map<string, T & { observedRenewAt: number }>();
        for (const [key, value] of items) stamp(key, value, next);
        const map = store();
        map.clear();
        for (const [key, value] of next) map.set(key, value);
        this.changed();
      },
      upsert: (key, value) => {
        stamp(key, value, store());
        this.changed();
      },
      remove: (key) => {
        store().delete(key);
        this.changed();
      },
    };
  }

  private mapSink<T>(get: () => Map<string, T>, set: (next: Map<string, T>) => void, after?: () => void): WatchSink<T> {
    return {
      replace: (items) => {
        set(new Map(items));
        after?.();
        this.changed();
      },
      upsert: (key, value) => {
        get().set(key, value);
        after?.();
        this.changed();
      },
      remove: (key) => {
        get().delete(key);
        after?.();
        this.changed();
      },
    };
  }

  /** foldEndpoints merges the slices into the known endpoints; one that left is kept, marked out of the slice. */
  private foldEndpoints(): void {
    const now = this.options.now();
    const before = this.endpoints.size;
    const inSlice = new Map<string, KnownEndpoint>();
    for (const slice of this.slices.values()) for (const endpoint of slice.endpoints) inSlice.set(endpointId(endpoint.address, endpoint.port), { ...endpoint, inSlice: true });
    for (const [id, endpoint] of inSlice) this.endpoints.set(id, { ...endpoint, lastOkAt: this.endpoints.get(id)?.lastOkAt ?? null, leftSliceAt: null });
    for (const [id, endpoint] of this.endpoints) {
      if (inSlice.has(id)) continue;
      const leftSliceAt = endpoint.leftSliceAt ?? now;
      if (now - leftSliceAt > FORGET_ENDPOINT_MS && (endpoint.lastOkAt ?? 0) < leftSliceAt) {
        this.endpoints.delete(id);
        this.health.delete(id);
      } else this.endpoints.set(id, { ...endpoint, inSlice: false, leftSliceAt });
    }
    // Watches fail over to these addresses when the front door is down.
    this.target.kube?.setInstanceBases([...this.endpoints.values()].map((endpoint) => instanceBase(endpoint.address, endpoint.port)));
    // A new instance is probed now, not an interval later.
    if (this.endpoints.size > before) this.apiserverLoop?.kick();
  }

  /** foldPods forgets the health of pods that left, and probes new components now rather than an interval later. */
  private foldPods(): void {
    let added = false;
    for (const name of this.componentHealth.keys()) if (!this.pods.has(name)) this.componentHealth.delete(name);
    for (const pod of this.pods.values()) if (pod.health && !this.componentHealth.has(pod.name)) added = true;
    if (added) this.componentLoop?.kick();
  }

  // ── probes ──────────────────────────────────────────────────────────────

  private async probe(key: string): Promise<void> {
    const kube = this.target.kube;
    if (!kube) return;
    const endpoint = this.endpoints.get(key);
    const base = key === FRONT_DOOR ? kube.server : endpoint ? instanceBase(endpoint.address, endpoint.port) : null;
    if (base === null) return;
    const result = await probeEndpoint(kube, base, this.options.probeTimeoutMs, this.options.now);
    this.recordProbe(key, result);
  }

  private recordProbe(key: string, result: EndpointProbe): void {
    if (!this.started) return;
    const previous = this.health.get(key);
    const ok = result.livez.ok && result.readyz.ok;
    const lastOkAt = ok ? result.readyz.at : (previous?.lastOkAt ?? null);
    this.health.set(key, { livez: result.livez, readyz: result.readyz, lastOkAt, etcdOk: result.etcdOk });
    const endpoint = this.endpoints.get(key);
    if (endpoint && ok) this.endpoints.set(key, { ...endpoint, lastOkAt });
    const wasOk = previous ? previous.livez?.ok === true && previous.readyz?.ok === true : null;
    const target = key === FRONT_DOOR ? `front door ${this.target.server}` : `apiserver ${key}`;
    if (!ok && wasOk !== false) {
      const error = result.readyz.error ?? result.livez.error ?? 'failed';
      this.log.warn({ cluster: this.id, target, error }, 'probe failed');
      this.emitTimeline({ kind: 'probe-failed', clusterId: this.id, at: result.readyz.at, target, error });
    } else if (ok && wasOk === false) {
      this.log.info({ cluster: this.id, target }, 'probe recovered');
      this.emitTimeline({ kind: 'probe-recovered', clusterId: this.id, at: result.readyz.at, target });
    }
    this.changed();
  }

  /** Where a component pod's /healthz answers: its bind address, else its pod IP (hostNetwork: the node's), else the node's. */
  private healthAddress(pod: PodObservation): { host: string; port: number } | null {
    const target = pod.health;
    if (target === null || 'reason' in target) return null;
    const nodeAddress = pod.node === null ? undefined : this.nodes.get(pod.node)?.addresses.find((address) => isIP(address) !== 0);
    const host = target.host ?? pod.podIP ?? nodeAddress ?? null;
    return host === null ? null : { host, port: target.port };
  }

  private async probeComponent(name: string): Promise<void> {
    const pod = this.pods.get(name);
    const address = pod ? this.healthAddress(pod) : null;
    if (!pod || !address || !this.componentProber) return;
    const result = await this.componentProber.probe(address.host, address.port, this.options.probeTimeoutMs, this.options.now);
    // The pod may have left (or hawk stopped) while the probe was in flight.
    if (!this.started || !this.pods.has(name)) return;
    const previous = this.componentHealth.get(name);
    this.componentHealth.set(name, result);
    const target = `${pod.component} on ${pod.node ?? address.host} (${address.host}:${address.port}/healthz)`;
    if (result.live === false && previous?.live !== false) {
      this.log.warn({ cluster: this.id, target, error: result.error }, 'component health probe failed');
      this.emitTimeline({ kind: 'probe-failed', clusterId: this.id, at: result.at, target, error: result.error ?? 'failed' });
    } else if (result.live !== false && previous?.live === false) {
      this.log.info({ cluster: this.id, target }, 'component health probe recovered');
      this.emitTimeline({ kind: 'probe-recovered', clusterId: this.id, at: result.at, target });
    }
    if (previous?.live !== result.live) this.changed();
  }

  /** podLive: what a component pod's own health endpoint said last; null when not probed or not reachable. */
  private podLive(name: string): boolean | null {
    return this.componentHealth.get(name)?.live ?? null;
  }

  private probeRoundDone(): void {
    this.probeRounds += 1;
    const at = this.options.now();
    this.freshness['apiserver-probes'] = { state: 'live', lastEventAt: at };
    if (!this.target.etcd) this.etcd = this.etcdFromReadyz();
    this.changed();
  }

  private async probeEtcd(): Promise<void> {
    const transport = this.target.etcd;
    if (!transport) return;
    const answers = await Promise.all(transport.endpoints.map((endpoint) => askEndpoint(transport, endpoint, this.options.probeTimeoutMs)));
    if (!this.started) return;
    const now = this.options.now();
    const members = foldEtcdAnswers(this.etcd.members, answers, now);
    for (const answer of answers) {
      const before = this.etcd.members.find((member) => member.clientURLs.includes(answer.endpoint) || member.id === answer.memberId);
      if (before && before.reachable && answer.error) this.emitTimeline({ kind: 'probe-failed', clusterId: this.id, at: now, target: `etcd ${answer.endpoint}`, error: answer.error });
      if (before && !before.reachable && before.checkedAt !== null && !answer.error) this.emitTimeline({ kind: 'probe-recovered', clusterId: this.id, at: now, target: `etcd ${answer.endpoint}` });
    }
    const leader = leaderOf(members);
    const next: EtcdView = {
      source: 'etcd-api',
      members,
      leaderId: leader?.leaderId ?? null,
      raftTerm: leader?.raftTerm ?? null,
      alarms: answers.find((answer) => answer.alarms !== null)?.alarms ?? [],
      quotaBytes: DEFAULT_ETCD_QUOTA_BYTES,
      topology: 'unknown',
      topologyEvidence: [],
      leaderChanges: this.etcd.leaderChanges,
      readyzEtcd: null,
      // The round finished: the answers, even all failures, are current.
      freshness: { state: 'live', lastEventAt: now },
    };
    this.foldEtcd(next, now);
    this.freshness.etcd = next.freshness;
    this.changed();
  }

  private foldEtcd(next: EtcdView, now: number): void {
    const previous = this.etcd;
    this.etcd = observeEtcdLeader(previous, next, now, this.options.config.transitionsKept);
    if (this.etcd.leaderChanges.length > previous.leaderChanges.length || this.etcd.leaderChanges.at(-1) !== previous.leaderChanges.at(-1)) {
      const change = this.etcd.leaderChanges.at(-1);
      if (change) {
        this.log.info({ cluster: this.id, from: change.from, to: change.to }, 'etcd leader change');
        this.emitTimeline({ kind: 'etcd-leader-change', clusterId: this.id, at: change.at, from: change.from, to: change.to });
      }
    }
  }

  /** Without etcd credentials, what the apiservers' /readyz says of etcd is all hawk knows. */
  private etcdFromReadyz(): EtcdView {
    const verdicts = [...this.endpoints.keys()].map((key) => this.health.get(key)?.etcdOk ?? null).filter((ok): ok is boolean => ok !== null);
    const probes = this.freshness['apiserver-probes'] ?? { state: 'reconnecting', lastEventAt: null };
    return {
      ...this.etcd,
      source: verdicts.length > 0 ? 'apiserver-readyz' : 'none',
      members: [],
      leaderId: null,
      raftTerm: null,
      readyzEtcd: { ok: verdicts.filter(Boolean).length, answered: verdicts.length },
      freshness: probes,
    };
  }

  private emptyEtcd(): EtcdView {
    const configured = this.target.etcd !== null;
    return {
      source: configured ? 'etcd-api' : 'none',
      members: [],
      leaderId: null,
      raftTerm: null,
      alarms: [],
      quotaBytes: DEFAULT_ETCD_QUOTA_BYTES,
      topology: 'unknown',
      topologyEvidence: [],
      leaderChanges: [],
      readyzEtcd: null,
      freshness: configured ? { state: 'reconnecting', lastEventAt: null } : { state: 'unavailable', lastEventAt: null, detail: this.target.etcdError ?? 'no etcd endpoints configured: judged from the apiservers' },
    };
  }

  // ── judging ─────────────────────────────────────────────────────────────

  /** leasesRenewing: some leader lease is held, so its renewals make a silent watch suspicious. */
  private leasesRenewing(): boolean {
    return [...this.leases.values()].some((track) => track.record?.holderIdentity);
  }

  /** A managed control plane: once the watches have synced, no control-plane pod, component lease or apiserver identity is visible. */
  private controlPlaneHidden(): boolean {
    if (this.freshness.leases?.state !== 'live' || this.freshness.pods?.state !== 'live' || this.freshness['identity-leases']?.state !== 'live') return false;
    const componentLease = [...this.leases.values()].some((track) => track.component === 'kube-controller-manager' || track.component === 'kube-scheduler');
    return this.pods.size === 0 && !componentLease && this.identities.size === 0;
  }

  private reachability(): Reachability {
    if (this.target.error) return { state: 'unreachable', error: this.target.error, since: this.startedAt };
    const watching = this.supervisors.some((supervisor) => supervisor.freshness().state === 'live');
    const answered = [...this.health.values()].some((health) => health.readyz?.httpStatus != null || health.livez?.httpStatus != null);
    // Until every known apiserver has been probed once, judging would call them "not probed yet".
    const firstLook = this.options.now() - this.startedAt < FIRST_LOOK_MS && (this.probeRounds === 0 || [...this.endpoints.keys()].some((key) => !this.health.has(key)) || this.freshness.endpointslice?.lastEventAt == null);
    if (firstLook) return { state: 'connecting' };
    if (watching || answered) return { state: 'reachable' };
    const frontDoor = this.health.get(FRONT_DOOR);
    const previous = this.state?.reachability;
    const error = frontDoor?.readyz?.error ?? frontDoor?.livez?.error ?? 'no answer from any apiserver';
    return { state: 'unreachable', error, since: previous?.state === 'unreachable' ? previous.since : this.options.now() };
  }

  private input(): ClusterInput {
    const nodes = [...this.nodes.values()].sort((a, b) => a.name.localeCompare(b.name));
    const pods = [...this.pods.values()].sort((a, b) => a.name.localeCompare(b.name)).map(toControlPlanePod);
    const instances = assembleInstances([...this.endpoints.values()], [...this.identities.values()], nodes, pods, this.health);
    const served = this.freshness['lease-candidates']?.state === 'live';
    const candidates = [...this.candidates.values()];
    const liveness = { now: this.options.now(), pod: (pod: { name: string }) => this.podLive(pod.name) };
    const leases: Record<string, LeaseTrack> = {};
    for (const [key, track] of this.leases) {
      const found = candidatesFor(track, served, candidates, pods, liveness);
      leases[key] = setLeaseCandidates(track, found.candidates, found.source);
    }
    const sources: Partial<Record<SourceName, Freshness>> = { ...this.freshness };
    if (!this.target.etcd) sources.etcd = this.target.etcdError ? { state: 'unavailable', lastEventAt: null, detail: this.target.etcdError } : { state: 'unavailable', lastEventAt: null, detail: 'no etcd endpoints configured: judged from the apiservers' };
    return {
      identity: { id: this.target.id, context: this.target.context, server: this.target.server, labels: this.target.labels },
      reachability: this.reachability(),
      sources,
      apiServers: instances,
      frontDoor: classifyFrontDoor(this.target.server, instances, this.health.get(FRONT_DOOR) ?? NO_HEALTH),
      leases,
      etcd: this.etcdWithTopology(nodes, pods),
      nodes,
      pods,
      controlPlaneHidden: this.controlPlaneHidden(),
    };
  }

  /** Topology is decided at judging time, from the members and the placement known then. */
  private etcdWithTopology(nodes: readonly ControlPlaneNode[], pods: readonly ControlPlanePod[]): EtcdView {
    if (this.controlPlaneHidden() && this.etcd.source !== 'etcd-api') return { ...this.etcd, topology: 'managed-hidden', topologyEvidence: ['no control-plane pods, component leases or apiserver identities are visible'] };
    const { topology, evidence } = etcdTopology(this.etcd.members, nodes, pods);
    return { ...this.etcd, topology, topologyEvidence: evidence, quotaBytes: this.etcdQuotaBytes() };
  }

  /**
   * etcdQuotaBytes: the smallest --quota-backend-bytes among the etcd pods (the first member to
   * reach its quota raises NOSPACE for the whole cluster); etcd's default when none sets it.
   */
  private etcdQuotaBytes(): number {
    const quotas = [...this.pods.values()].filter((pod) => pod.component === 'etcd').map((pod) => pod.quotaBackendBytes ?? DEFAULT_ETCD_QUOTA_BYTES);
    return quotas.length > 0 ? Math.min(...quotas) : DEFAULT_ETCD_QUOTA_BYTES;
  }

  /** changed coalesces bursts (a relist, a probe round) into one judgement. */
  private changed(): void {
    if (!this.started || this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.evaluate();
    }, this.options.debounceMs);
  }

  private evaluate(): void {
    const now = this.options.now();
    let evaluation;
    try {
      evaluation = evaluateCluster(this.input(), this.state, this.options.config, now);
    } catch (error) {
      // A bug in judging one cluster must not stop the others, nor this one's next try.
      this.log.error({ cluster: this.id, error: (error as Error).stack ?? String(error) }, 'evaluateCluster failed');
      return;
    }
    this.state = evaluation.state;
    for (const finding of evaluation.opened) this.emitTimeline({ kind: 'finding-opened', clusterId: this.id, at: now, finding });
    for (const finding of evaluation.resolved) this.emitTimeline({ kind: 'finding-resolved', clusterId: this.id, at: now, findingId: finding.id, title: finding.title });
    const fingerprint = JSON.stringify({ ...evaluation.state, observedAt: 0 });
    if (fingerprint === this.lastEmitted) return;
    this.lastEmitted = fingerprint;
    this.options.onState(evaluation.state);
  }

  private emitTimeline(event: TimelineEvent): void {
    this.options.onTimeline(event);
  }
}

/** leaderOf: the leader as the member in the highest raft term says (a partitioned old leader's term is lower). */
function leaderOf(members: readonly EtcdMember[]): { leaderId: string; raftTerm: string } | null {
  let best: { leaderId: string; raftTerm: string } | null = null;
  for (const member of members) {
    const status = member.status;
    if (!member.reachable || !status || !status.leaderId) continue;
    if (best === null || term(status.raftTerm) > term(best.raftTerm)) best = { leaderId: status.leaderId, raftTerm: status.raftTerm };
  }
  return best;
}

/** Raft terms are uint64 decimal strings: compared as BigInt, anything unreadable as 0. */
function term(value: string): bigint {
  return /^\d+$/.test(value) ? BigInt(value) : 0n;
}
