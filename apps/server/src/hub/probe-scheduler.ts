import { connectionRefused, DEFAULT_CONFIG } from '@hawk/core';
import { instanceBase, type KubeClient } from '../clusters/kube-client';
import type { EtcdTransport } from '../clusters/etcd-transport';
import type { Logger } from '../logger';
import { endpointProbe, getThrough, probeEndpoint, unanswered, type EndpointProbe } from '../probes/apiserver-probe';
import { createComponentHealthProber, type ComponentHealthProber } from '../probes/component-health';
import { scrapeEtcdMetrics } from '../probes/etcd-metrics-scrape';
import { askEndpoint } from '../probes/etcd-probe';
import { createHeldConnection, type HeldConnection } from '../probes/held-connection';
import { createProbeCadence, type ProbeCadence } from '../probes/probe-cadence';
import { SERVER_DEFAULTS } from '../defaults';
import { FRONT_DOOR } from './assemble';
import type { ClusterObservationFold } from './observation-fold';

export interface ProbeSchedulerOptions {
  readonly fold: ClusterObservationFold;
  readonly kube: KubeClient | null;
  readonly etcd: EtcdTransport | null;
  readonly intervalMs: number;
  /** Per-request timeout (ms). */
  readonly timeoutMs: number;
  readonly now: () => number;
  /** Told why an address is probed without a held connection (no HTTP/2), once per address. */
  readonly logger?: Logger;
}

/**
 * One kind of probe (apiserver addresses, components' /healthz, etcd, etcd's metrics): its targets, its cadence, and
 * how one target is probed. `probe` resolves to whether the target passed, or undefined when that says nothing.
 */
interface ProbeKind {
  readonly cadence: ProbeCadence;
  targets(): readonly string[];
  /** Whether every target is vouched for and the cluster quiet, so the cadence may ask fewer (apiservers only). */
  calm(targets: readonly string[]): boolean;
  /** False for a target that cannot be probed yet (its address not known): skipped, as if not due. */
  probeable(target: string): boolean;
  probe(target: string): Promise<boolean | undefined>;
  /** Told once every probe started in one tick has ended. */
  roundDone?(): void;
}

/** A front-door failure that is not the LB refusing: an instance behind it may have answered or vanished. */
const relayedFailure = (probed: EndpointProbe): boolean => !probed.readyz.ok && !connectionRefused(probed.readyz);

/** The scheduler's tick (ms): fine enough that urgent probes and each interval are kept to within a quarter of it. */
const tickEveryMs = (intervalMs: number): number =>
  Math.max(SERVER_DEFAULTS.probeTickMinMs, Math.min(SERVER_DEFAULTS.probeTickMaxMs, Math.floor(intervalMs / 4)));

/**
 * ProbeScheduler runs the probes of one cluster (apiservers and the front door, the components' own /healthz, etcd,
 * etcd's metrics) and records every answer in the fold. One timer ticks; at each tick every kind of probe asks its
 * cadence (probe-cadence) which targets are due, so a target is never probed twice at once and a slow one skips a beat
 * instead of piling requests up. Once stopped it records nothing more, even from a probe still in flight, and it is
 * never started again (one-shot, as ClusterRuntime).
 *
 * The apiserver addresses are most of hawk's requests to a cluster. Each address gets a held HTTP/2 connection that is
 * PINGed (held-connection) and `/readyz` goes over it: every interval while anything is amiss, one address per
 * interval while all is well (the front door every other time). A PING left unanswered is recorded as a failed probe
 * at once; a closed connection is probed at once.
 */
export class ProbeScheduler {
  private lifecycle: 'new' | 'running' | 'stopped' = 'new';
  private readonly kinds: ProbeKind[] = [];
  private readonly prober: ComponentHealthProber | null;
  /** The apiserver addresses' cadence: a lost connection urges its address at once. */
  private readonly apiservers: ProbeCadence;
  private readonly held = new Map<string, { base: string; connection: HeldConnection }>();
  /** Whether each address's last /readyz passed. */
  private readonly lastReady = new Map<string, boolean>();
  private etcdQuiet = true;
  private identities: { at: number; fresh: ReadonlySet<string> } | null = null;
  private ticker: NodeJS.Timeout | null = null;

  constructor(private readonly options: ProbeSchedulerOptions) {
    const { kube, etcd } = options;
    this.apiservers = createProbeCadence(options.intervalMs, FRONT_DOOR, SERVER_DEFAULTS.recoveringProbeEveryMs);
    this.prober = kube ? createComponentHealthProber() : null;
    if (kube) this.kinds.push(this.apiserverKind(kube));
    if (this.prober) this.kinds.push(this.componentKind(this.prober));
    if (etcd) this.kinds.push(this.etcdKind(etcd), this.etcdMetricsKind(etcd));
  }

  start(): void {
    if (this.lifecycle !== 'new') return;
    this.lifecycle = 'running';
    this.tick();
    this.ticker = setInterval(() => this.tick(), tickEveryMs(this.options.intervalMs));
  }

  /** Final: stops the tick, closes the held connections and releases the component prober's. */
  async stop(): Promise<void> {
    this.lifecycle = 'stopped';
    clearInterval(this.ticker ?? undefined);
    this.ticker = null;
    for (const { connection } of this.held.values()) connection.close();
    this.held.clear();
    await this.prober?.close();
  }

  /** Probe now what is due rather than at the next tick: a new target (an apiserver, a component) is due at once. */
  kick(): void {
    this.tick();
  }

  private get running(): boolean {
    return this.lifecycle === 'running';
  }

  private tick(): void {
    if (!this.running) return;
    const at = this.options.now();
    for (const kind of this.kinds) this.runDue(kind, at);
  }

  private runDue(kind: ProbeKind, at: number): void {
    const targets = kind.targets();
    const round: Promise<void>[] = [];
    for (const target of kind.cadence.due(targets, at, kind.calm(targets))) {
      if (!kind.probeable(target)) continue;
      kind.cadence.started(target, at);
      round.push(
        kind.probe(target).then(
          (passed) => kind.cadence.finished(target, passed),
          // A failed probe is the probe's own business to record; here it only frees the target.
          () => kind.cadence.finished(target),
        ),
      );
    }
    if (round.length === 0 || !kind.roundDone) return;
    const { roundDone } = kind;
    void Promise.all(round).then(() => {
      if (this.running) roundDone();
    });
  }

  private apiserverKind(kube: KubeClient): ProbeKind {
    const { fold } = this.options;
    return {
      cadence: this.apiservers,
      targets: () => {
        const targets = fold.apiserverTargets();
        for (const [key, { connection }] of this.held) {
          if (targets.includes(key)) continue;
          connection.close();
          this.held.delete(key);
          this.lastReady.delete(key);
        }
        return targets;
      },
      calm: (targets) => this.calm(targets),
      probeable: (key) => this.baseOf(kube, key) !== null,
      probe: async (key) => {
        await this.probeApiserver(kube, key, this.baseOf(kube, key)!);
        return this.lastReady.get(key);
      },
      roundDone: () => fold.recordApiserverRound(),
    };
  }

  private componentKind(prober: ComponentHealthProber): ProbeKind {
    const { fold, timeoutMs, now } = this.options;
    return {
      cadence: createProbeCadence(this.options.intervalMs),
      targets: () => fold.componentTargets(),
      calm: () => false,
      probeable: () => true,
      probe: async (name) => {
        const address = fold.healthAddress(name);
        if (!address) return undefined;
        const result = await prober.probe(address.host, address.port, timeoutMs, now);
        const { pod, host, port } = address;
        const label = `${pod.component} on ${pod.node ?? host} (${host}:${port}/healthz)`;
        if (this.running) fold.recordComponentProbe(name, result, label);
        return undefined;
      },
    };
  }

  private etcdKind(etcd: EtcdTransport): ProbeKind {
    const { fold, timeoutMs } = this.options;
    return {
      cadence: createProbeCadence(this.options.intervalMs),
      targets: () => ['etcd'],
      calm: () => false,
      probeable: () => true,
      probe: async () => {
        const answers = await Promise.all(etcd.endpoints.map((endpoint) => askEndpoint(etcd, endpoint, timeoutMs)));
        // etcd trouble shows in every apiserver's /readyz: back to the full cadence at once.
        this.etcdQuiet = answers.every((answer) => answer.error === null && (answer.alarms?.length ?? 0) === 0);
        if (this.running) fold.recordEtcdRound(answers);
        if (!this.etcdQuiet) this.tick();
        return undefined;
      },
    };
  }

  /** etcd's own metrics, for the degradation trend: a slow cadence of its own, whatever the probes' pace. */
  private etcdMetricsKind(etcd: EtcdTransport): ProbeKind {
    const { fold, now } = this.options;
    const timeoutMs = Math.max(this.options.timeoutMs, SERVER_DEFAULTS.etcdMetricsTimeoutMinMs);
    return {
      cadence: createProbeCadence(SERVER_DEFAULTS.etcdMetricsEveryMs),
      targets: () => ['etcd-metrics'],
      calm: () => false,
      probeable: () => true,
      probe: async () => {
        const answers = await Promise.all(
          etcd.endpoints.map((endpoint) => scrapeEtcdMetrics(etcd, endpoint, timeoutMs, now)),
        );
        if (this.running) fold.recordEtcdMetrics(answers);
        return undefined;
      },
    };
  }

  private baseOf(kube: KubeClient, key: string): string | null {
    const endpoint = this.options.fold.endpoint(key);
    return key === FRONT_DOOR ? kube.server : endpoint ? instanceBase(endpoint.address, endpoint.port) : null;
  }

  private labelOf(key: string): string {
    return key === FRONT_DOOR ? `front door ${this.options.kube?.server}` : `apiserver ${key}`;
  }

  /** The held connection to `key`'s address, opened or replaced when the address is new or moved. */
  private connectionFor(kube: KubeClient, key: string, base: string): HeldConnection {
    const known = this.held.get(key);
    if (known?.base === base) return known.connection;
    known?.connection.close();
    const { fold, now, logger } = this.options;
    const connection = createHeldConnection({
      open: (timeoutMs) => kube.openSession(base, timeoutMs),
      fallback: (timeoutMs) => getThrough(kube, base, timeoutMs),
      pingEveryMs: SERVER_DEFAULTS.heldConnectionPingEveryMs,
      pingTimeoutMs: this.options.timeoutMs,
      onLost: (how, detail) => {
        if (!this.running) return;
        // Unanswered PINGs are this address not answering, as a timed-out /readyz would be: say so now. Not for the
        // front door, whose connection is held by whichever instance the LB gave it: the urgent probe asks anew.
        if (how === 'silent' && key !== FRONT_DOOR)
          fold.recordApiserverProbe(key, endpointProbe(unanswered(`${base}: ${detail}`, now)), this.labelOf(key));
        this.apiservers.urge(key);
        this.tick();
      },
      onNoHttp2: (reason) =>
        logger?.warn(
          { address: base, reason },
          'apiserver probes without a held connection: every address is asked at the full probe cadence',
        ),
    });
    this.held.set(key, { base, connection });
    return connection;
  }

  /**
   * Whether `key`'s identity lease is still renewed (renewals seen): the instances' stamps are read from the fold at
   * most once per interval.
   */
  private identityFresh(key: string): boolean {
    const { fold, now, intervalMs } = this.options;
    const at = now();
    if (!this.identities || at - this.identities.at >= intervalMs) {
      const fresh = new Set<string>();
      for (const instance of fold.input().apiServers) {
        const renewedAt = instance.identityRenewedAt;
        if (renewedAt === null || at - renewedAt <= DEFAULT_CONFIG.identityRenewStaleMs) fresh.add(instance.id);
      }
      this.identities = { at, fresh };
    }
    return key === FRONT_DOOR || this.identities.fresh.has(key) || !fold.endpoint(key);
  }

  /** Every address vouched for (connection answering, last /readyz passed, identity lease renewed) and etcd quiet. */
  private calm(targets: readonly string[]): boolean {
    return (
      this.etcdQuiet &&
      targets.every(
        (key) =>
          this.lastReady.get(key) === true &&
          this.held.get(key)?.connection.vouches() === true &&
          this.identityFresh(key),
      )
    );
  }

  private async probeApiserver(kube: KubeClient, key: string, base: string): Promise<void> {
    const { fold, timeoutMs, now } = this.options;
    const connection = this.connectionFor(kube, key, base);
    const get = (path: string) => connection.get(path, timeoutMs);
    let probed = await probeEndpoint(get, now);
    if (key === FRONT_DOOR && relayedFailure(probed)) {
      // A pass-through LB keeps a connection with the instance it first chose, also once its health check has
      // removed that instance: the failure may be that instance's. A client's new connection is balanced anew: ask so.
      connection.rebalance();
      probed = await probeEndpoint(get, now);
    }
    // A /readyz unanswered on a connection that still answers PINGs: the process is alive and blocked (on etcd, say),
    // not gone.
    const alive = probed.readyz.httpStatus === null && connection.vouches();
    const result = alive ? { ...probed, livez: { ...probed.readyz, ok: true, error: null } } : probed;
    this.lastReady.set(key, result.readyz.ok);
    if (this.running) fold.recordApiserverProbe(key, result, this.labelOf(key));
  }
}
