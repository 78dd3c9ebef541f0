import {
  candidatesFor,
  controlPlaneHidden,
  detectDistribution,
  etcdTopology,
  expectRenewal,
  resumeLeaseTrack,
  resumeObservation,
  setLeaseCandidates,
  type ClusterIdentity,
  type ClusterInfoSignals,
  type ClusterInput,
  type ControlPlaneNode,
  type EndpointHealth,
  type EtcdDbSample,
  type EtcdMetricsSample,
  type EtcdView,
  type Freshness,
  type HawkConfig,
  type LeaseTrack,
  type ObservedCertificate,
  type Reachability,
  type Renewed,
  type SourceName,
  type TimelineEvent,
} from '@hawk/core';
import { discoveredName } from '../clusters/cluster-name';
import { SERVER_DEFAULTS } from '../defaults';
import type { EndpointProbe } from '../probes/apiserver-probe';
import { wentUnanswered, type ComponentHealth } from '../probes/component-health';
import type { EtcdMetricsAnswer } from '../probes/etcd-metrics-scrape';
import type { EtcdEndpointAnswer } from '../probes/etcd-probe';
import type { EndpointSliceObservation } from '../sources/endpoint-slice';
import { candidateIdentity, type LeaseCandidateObservation } from '../sources/lease-candidates';
import type { IdentityLeaseObservation } from '../sources/leases';
import { toControlPlanePod, type PodObservation } from '../sources/pods';
import type { Observations } from '../sources/registry';
import {
  assembleInstances,
  classifyFrontDoor,
  componentHealthAddress,
  FRONT_DOOR,
  mergeSliceEndpoints,
  NO_HEALTH,
  podLiveness,
  type KnownEndpoint,
  type TrackedEndpoint,
} from './assemble';
import { judgeReachability } from './reachability';
import { emptyEtcdView, etcdAsJudged, etcdFromReadyz, etcdUnavailable, foldEtcdRound } from './etcd-fold';
import { leaseSink, mapSink, renewalSink } from './fold-sinks';

/** The cluster as configured: who it is, and what hawk can ask. */
export interface FoldTarget {
  readonly identity: ClusterIdentity;
  /** identity.name was not given: the clusterName kubeadm-config reports replaces it once read. */
  readonly nameDiscoverable?: boolean;
  /** Why the cluster cannot be watched at all; its input then says unreachable. */
  readonly error: string | null;
  /** etcd is asked directly (endpoints configured and usable). */
  readonly etcdConfigured: boolean;
  readonly etcdError: string | null;
}

/** What the fold tells its owner; each is optional so a test listens to what it checks. */
export interface FoldListener {
  /** Something the judgement reads changed: judge again (the owner coalesces). */
  changed?(): void;
  timeline?(event: TimelineEvent): void;
  /** The known apiserver endpoints changed; `added` when one appeared (probe it now). */
  endpointsChanged?(endpoints: readonly KnownEndpoint[], added: boolean): void;
  /** A component pod with a health endpoint appeared (probe it now). */
  componentsAdded?(): void;
}

/**
 * ClusterObservationFold is everything hawk observed of one cluster, and nothing else: watch events
 * (one sink per source), probe results and source freshness go in; `input()` gives the ClusterInput
 * @hawk/core judges. No I/O and no timers: the clock is `now`, so it is tested with a fake one.
 *
 * To observe something new: add its store, a sink in `sinks` (or a `record…` method for a probe),
 * and read it in `input()`.
 */
export class ClusterObservationFold {
  readonly sinks: Observations;
  private readonly leases = new Map<string, LeaseTrack>();
  private readonly identities = new Map<string, Renewed<IdentityLeaseObservation>>();
  private readonly candidates = new Map<string, Renewed<LeaseCandidateObservation>>();
  private readonly slices = new Map<string, EndpointSliceObservation>();
  private readonly endpoints = new Map<string, TrackedEndpoint>();
  private readonly pods = new Map<string, PodObservation>();
  private readonly nodes = new Map<string, ControlPlaneNode>();
  /** Each apiserver address's (and the front door's) last probe. */
  private readonly health = new Map<string, EndpointHealth & { etcdOk: boolean | null }>();
  /** Each controller-manager and scheduler pod's own /healthz, by pod name. */
  private readonly componentHealth = new Map<string, ComponentHealth>();
  /** The container life (PodObservation.containerStart) in which each pod's /healthz last gave an HTTP answer. */
  private readonly answeredIn = new Map<string, string>();
  /** Components whose last probe went unanswered once after answering. */
  private readonly unansweredOnce = new Set<string>();
  private clusterInfo: ClusterInfoSignals = { gitVersion: null, apiGroups: null, kubeadmConfig: null };
  private readonly freshness: Partial<Record<SourceName, Freshness>> = {};
  private etcd: EtcdView;
  /** The last certificate read at each address (role and where), null until the first sweep ended. */
  private certificates: Map<string, ObservedCertificate> | null = null;
  /** Each member's DB size, one read per etcdDbSampleEveryMs, over the trend window: the quota projection's input. */
  private readonly dbSamples = new Map<string, EtcdDbSample[]>();
  /** Each member's /metrics scrapes over the degradation window, by member id: the degradation trend's input. */
  private readonly metricsSamples = new Map<string, EtcdMetricsSample[]>();
  private rounds = 0;
  private unreachableSince: number | null = null;
  private distrustFailuresUntil = 0;

  constructor(
    private readonly target: FoldTarget,
    private readonly config: HawkConfig,
    private readonly now: () => number,
    private readonly startedAt: number,
    private readonly listener: FoldListener = {},
  ) {
    this.etcd = emptyEtcdView(target.etcdConfigured, target.etcdError);
    const changed = () => this.changed();
    this.sinks = {
      leases: leaseSink(
        this.leases,
        config,
        now,
        (transition) => this.timeline({ kind: 'leader-transition', clusterId: this.id, at: transition.at, transition }),
        changed,
      ),
      identityLeases: renewalSink(this.identities, now, changed),
      leaseCandidates: renewalSink(this.candidates, now, changed),
      endpointSlices: mapSink(this.slices, () => {
        this.foldEndpoints();
        this.changed();
      }),
      pods: mapSink(this.pods, () => {
        this.foldPods();
        this.changed();
      }),
      nodes: mapSink(this.nodes, changed),
      clusterInfo: (info) => {
        this.clusterInfo = info;
        this.changed();
      },
    };
  }

  /** Apiserver probe rounds completed. */
  get probeRounds(): number {
    return this.rounds;
  }

  /** hawk itself did not run until `resumedAt`: renewals it could not see are not the writers' silence. */
  resumeAfterPause(resumedAt: number, probeTimeoutMs: number): void {
    // A probe in flight during the pause timed out on hawk's account: failures arriving within a timeout are not news.
    this.distrustFailuresUntil = resumedAt + probeTimeoutMs;
    for (const [key, track] of this.leases) this.leases.set(key, resumeLeaseTrack(track, resumedAt));
    for (const [key, identity] of this.identities) this.identities.set(key, resumeObservation(identity, resumedAt));
    for (const [key, candidate] of this.candidates) this.candidates.set(key, resumeObservation(candidate, resumedAt));
    this.changed();
  }

  /**
   * How long the leases watch may be silent while leader leases are held (ms), null when none is: the soonest any
   * holder is due to renew again, as core expects of it. A 2 s elector makes 2.5 s of silence odd; OpenShift's 26 s
   * one makes 10 s of silence normal, and a watch restarted every 10 s would be churn.
   */
  leaseWatchSilenceBudgetMs(): number | null {
    const due = [...this.leases.values()]
      .filter((track) => track.record?.holderIdentity)
      .map((track) => expectRenewal(track, this.config)?.overdueAfterMs)
      .filter((ms): ms is number => ms !== undefined);
    return due.length === 0 ? null : Math.min(...due);
  }

  /** The apiserver addresses to probe: the front door first, then every known endpoint. */
  apiserverTargets(): string[] {
    return [FRONT_DOOR, ...this.endpoints.keys()];
  }

  endpoint(key: string): KnownEndpoint | undefined {
    return this.endpoints.get(key);
  }

  /** Component pods whose own /healthz hawk can reach. */
  componentTargets(): string[] {
    return [...this.pods.values()].filter((pod) => this.healthAddress(pod) !== null).map((pod) => pod.name);
  }

  /** Where a component pod's /healthz answers (see componentHealthAddress). */
  healthAddress(pod: PodObservation | string): { host: string; port: number; pod: PodObservation } | null {
    const observed = typeof pod === 'string' ? this.pods.get(pod) : pod;
    const address = observed ? componentHealthAddress(observed, this.nodes) : null;
    return observed && address ? { ...address, pod: observed } : null;
  }

  /** A watch's or probe's freshness changed. */
  recordFreshness(source: SourceName, freshness: Freshness): void {
    this.freshness[source] = freshness;
    this.changed();
  }

  recordApiserverProbe(key: string, result: EndpointProbe, label: string): void {
    const previous = this.health.get(key);
    const ok = result.livez.ok && result.readyz.ok;
    if (!ok && result.readyz.at <= this.distrustFailuresUntil) return;
    const lastOkAt = ok ? result.readyz.at : (previous?.lastOkAt ?? null);
    this.health.set(key, {
      livez: result.livez,
      readyz: result.readyz,
      lastOkAt,
      okSince: ok ? (previous?.okSince ?? result.readyz.at) : null,
      failingSince: ok ? null : (previous?.failingSince ?? result.readyz.at),
      etcdOk: result.etcdOk,
    });
    const endpoint = this.endpoints.get(key);
    if (endpoint && ok) this.endpoints.set(key, { ...endpoint, lastOkAt });
    const wasOk = previous ? previous.livez?.ok === true && previous.readyz?.ok === true : null;
    if (!ok && wasOk !== false)
      this.timeline({
        kind: 'probe-failed',
        clusterId: this.id,
        at: result.readyz.at,
        target: label,
        error: result.readyz.error ?? result.livez.error ?? 'failed',
      });
    else if (ok && wasOk === false)
      this.timeline({ kind: 'probe-recovered', clusterId: this.id, at: result.readyz.at, target: label });
    this.changed();
  }

  /** One apiserver probe round finished: the probes are current, and without etcd access so is their view of etcd. */
  recordApiserverRound(): void {
    this.rounds += 1;
    this.freshness['apiserver-probes'] = { state: 'live', lastEventAt: this.now() };
    if (!this.target.etcdConfigured) {
      const verdicts = [...this.endpoints.keys()].map((key) => this.health.get(key)?.etcdOk ?? null);
      this.etcd = etcdFromReadyz(this.etcd, verdicts, this.freshness['apiserver-probes']);
    }
    this.changed();
  }

  /** A component pod's own /healthz answered (or not); ignored when the pod left while the probe was in flight. */
  recordComponentProbe(name: string, result: ComponentHealth, label: string): void {
    if (!this.pods.has(name) || (result.live === false && result.at <= this.distrustFailuresUntil)) return;
    const previous = this.componentHealth.get(name);
    // One unanswered probe (hawk or the node starved a moment) counts from the second in a row; refusals at once.
    if (wentUnanswered(result) && previous?.live !== false && !this.unansweredOnce.has(name))
      return void this.unansweredOnce.add(name);
    this.unansweredOnce.delete(name);
    this.componentHealth.set(name, result);
    const pod = this.pods.get(name);
    if (pod && result.httpStatus !== null) this.answeredIn.set(name, pod.containerStart);
    if (result.live === false && previous?.live !== false)
      this.timeline({
        kind: 'probe-failed',
        clusterId: this.id,
        at: result.at,
        target: label,
        error: result.error ?? 'failed',
      });
    else if (result.live !== false && previous?.live === false)
      this.timeline({ kind: 'probe-recovered', clusterId: this.id, at: result.at, target: label });
    if (previous?.live !== result.live) this.changed();
  }

  /**
   * recordCertificates takes one sweep's reads. An address that did not answer keeps what it served before, until
   * it is no longer among `stillKnown` (an instance that left for good).
   */
  recordCertificates(read: readonly ObservedCertificate[], stillKnown: ReadonlySet<string>): void {
    const kept = new Map(
      [...(this.certificates ?? new Map<string, ObservedCertificate>())].filter(([, certificate]) =>
        stillKnown.has(certificate.seenAt),
      ),
    );
    for (const certificate of read) kept.set(`${certificate.role}|${certificate.seenAt}`, certificate);
    this.certificates = kept;
    this.changed();
  }

  private sampleDbSizes(now: number): void {
    for (const member of this.etcd.members) {
      if (!member.status) continue;
      const samples = this.dbSamples.get(member.id) ?? [];
      if (samples.length > 0 && now - samples.at(-1)!.at < SERVER_DEFAULTS.etcdDbSampleEveryMs) continue;
      samples.push({ at: now, dbSizeBytes: member.status.dbSizeBytes });
      while (samples[0]!.at < now - this.config.etcdDbTrendWindowMs) samples.shift();
      this.dbSamples.set(member.id, samples);
    }
    // A member that left the cluster takes its reads with it.
    for (const id of this.dbSamples.keys()) if (!this.etcd.members.some((m) => m.id === id)) this.dbSamples.delete(id);
  }

  /**
   * recordEtcdMetrics takes one round of /metrics scrapes. Each is filed under the member whose client URL was asked
   * (an endpoint no member lists yet is kept back until one does); a member that did not answer keeps its window.
   */
  recordEtcdMetrics(answers: readonly EtcdMetricsAnswer[]): void {
    const sameUrl = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
    for (const answer of answers) {
      if (!('sample' in answer)) continue;
      const member = this.etcd.members.find((m) => m.clientURLs.some((url) => sameUrl(url, answer.endpoint)));
      if (!member) continue;
      const samples = this.metricsSamples.get(member.id) ?? [];
      samples.push(answer.sample);
      while (samples[0]!.at < answer.sample.at - this.config.etcdDegradationWindowMs) samples.shift();
      this.metricsSamples.set(member.id, samples);
    }
    for (const id of this.metricsSamples.keys())
      if (!this.etcd.members.some((m) => m.id === id)) this.metricsSamples.delete(id);
    this.changed();
  }

  recordEtcdRound(answers: readonly EtcdEndpointAnswer[]): void {
    const now = this.now();
    const outcome = foldEtcdRound(this.etcd, answers, now, this.config.transitionsKept);
    this.etcd = outcome.view;
    this.freshness.etcd = outcome.view.freshness;
    this.sampleDbSizes(now);
    for (const { endpoint, error } of outcome.failed)
      this.timeline({ kind: 'probe-failed', clusterId: this.id, at: now, target: `etcd ${endpoint}`, error });
    for (const endpoint of outcome.recovered)
      this.timeline({ kind: 'probe-recovered', clusterId: this.id, at: now, target: `etcd ${endpoint}` });
    const change = outcome.leaderChange;
    if (change)
      this.timeline({
        kind: 'etcd-leader-change',
        clusterId: this.id,
        at: change.at,
        from: change.from,
        to: change.to,
      });
    this.changed();
  }

  input(): ClusterInput {
    const now = this.now();
    const nodes = [...this.nodes.values()].sort((a, b) => a.name.localeCompare(b.name));
    const pods = [...this.pods.values()].sort((a, b) => a.name.localeCompare(b.name)).map(toControlPlanePod);
    const instances = assembleInstances(
      [...this.endpoints.values()],
      [...this.identities.values()],
      nodes,
      pods,
      this.health,
    );
    const served = this.freshness['lease-candidates']?.state === 'live';
    const candidates = [...this.candidates.values()].map((candidate) => ({
      identity: candidateIdentity(candidate),
      leaseName: candidate.leaseName,
      observedRenewAt: candidate.observedRenewAt,
    }));
    const liveness = {
      now,
      pod: (pod: { name: string }) =>
        podLiveness(
          this.pods.get(pod.name),
          this.componentHealth.get(pod.name),
          this.answeredIn.get(pod.name),
          this.nodes,
        ),
    };
    const leases: Record<string, LeaseTrack> = {};
    for (const [key, track] of this.leases) {
      const found = candidatesFor(track, served, candidates, pods, liveness);
      leases[key] = setLeaseCandidates(track, found.candidates, found.source);
    }
    const sources: Partial<Record<SourceName, Freshness>> = { ...this.freshness };
    if (!this.target.etcdConfigured) sources.etcd = etcdUnavailable(this.target.etcdError);
    const { topology, evidence } = etcdTopology(this.etcd.members, nodes, pods);
    const seenHidden = this.controlPlaneHidden();
    const distribution = detectDistribution({
      info: this.clusterInfo,
      nodes,
      pods,
      leases: [...this.leases.keys()],
      etcdTopology: topology,
      controlPlaneHidden: seenHidden,
    });
    // A provider's build (-eks-, -gke.) is managed even when it shows some leader Leases: nothing of it is judged as
    // ours.
    const hidden = seenHidden || distribution.controlPlane === 'managed';
    const etcd = etcdAsJudged(this.etcd, { hidden, topology, evidence, pods: [...this.pods.values()] });
    return {
      identity: this.identity(),
      reachability: this.reachability(now),
      sources,
      apiServers: instances,
      frontDoor: classifyFrontDoor(this.target.identity.server, instances, this.health.get(FRONT_DOOR) ?? NO_HEALTH),
      leases,
      etcd,
      nodes,
      pods,
      controlPlaneHidden: hidden,
      distribution,
      ...(this.certificates ? { certificates: [...this.certificates.values()] } : {}),
      etcdDbSamples: Object.fromEntries(this.dbSamples),
      etcdMetricsSamples: Object.fromEntries(this.metricsSamples),
    };
  }

  private identity(): ClusterIdentity {
    const discovered = this.target.nameDiscoverable ? discoveredName(this.clusterInfo.kubeadmConfig) : null;
    return discovered === null ? this.target.identity : { ...this.target.identity, name: discovered };
  }

  private reachability(now: number): Reachability {
    const seen = {
      error: this.target.error,
      startedAt: this.startedAt,
      freshness: this.freshness,
      health: this.health,
      endpoints: [...this.endpoints.keys()],
      rounds: this.rounds,
    };
    const judged = judgeReachability(seen, now, this.unreachableSince);
    this.unreachableSince = judged.unreachableSince;
    return judged.reachability;
  }

  private get id(): string {
    return this.target.identity.id;
  }

  private changed(): void {
    this.listener.changed?.();
  }

  private timeline(event: TimelineEvent): void {
    this.listener.timeline?.(event);
  }

  /**
   * foldEndpoints merges the slices into the known endpoints; one that left is kept, marked out of the slice, until
   * forgotten.
   */
  private foldEndpoints(): void {
    const before = this.endpoints.size;
    for (const forgotten of mergeSliceEndpoints(
      this.endpoints,
      this.slices.values(),
      this.now(),
      SERVER_DEFAULTS.forgetEndpointMs,
    ))
      this.health.delete(forgotten);
    this.listener.endpointsChanged?.([...this.endpoints.values()], this.endpoints.size > before);
  }

  /** foldPods forgets the health of pods that left, and tells when a new component is there to probe. */
  private foldPods(): void {
    for (const name of this.componentHealth.keys()) if (!this.pods.has(name)) this.componentHealth.delete(name);
    for (const name of this.answeredIn.keys()) if (!this.pods.has(name)) this.answeredIn.delete(name);
    for (const name of this.unansweredOnce) if (!this.pods.has(name)) this.unansweredOnce.delete(name);
    if ([...this.pods.values()].some((pod) => pod.health && !this.componentHealth.has(pod.name)))
      this.listener.componentsAdded?.();
  }

  private controlPlaneHidden(): boolean {
    const live = (source: SourceName) => this.freshness[source]?.state === 'live';
    return controlPlaneHidden({
      synced: live('leases') && live('pods') && live('identity-leases'),
      controlPlanePods: this.pods.size,
      componentLeases: [...this.leases.values()].filter(
        (track) => track.component === 'kube-controller-manager' || track.component === 'kube-scheduler',
      ).length,
      apiserverIdentities: this.identities.size,
      controlPlaneNodes: live('nodes') ? this.nodes.size : null,
      apiserversAnswering:
        this.rounds > 0
          ? [...this.endpoints.keys()].filter((key) => this.health.get(key)?.lastOkAt != null).length
          : null,
    });
  }
}
