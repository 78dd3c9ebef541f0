import { connectionRefused, DEFAULT_CONFIG } from '@hawk/core';
import { instanceBase, type KubeClient } from '../clusters/kube-client';
import type { EtcdTransport } from '../clusters/etcd-transport';
import type { Logger } from '../logger';
import { endpointProbe, getThrough, probeEndpoint, unanswered, type EndpointProbe } from '../probes/apiserver-probe';
import { createComponentHealthProber, type ComponentHealthProber } from '../probes/component-health';
import { ETCD_METRICS_EVERY_MS, scrapeEtcdMetrics } from '../probes/etcd-metrics-scrape';
import { askEndpoint } from '../probes/etcd-probe';
import { createHeldConnection, type HeldConnection } from '../probes/held-connection';
import { createProbeCadence } from '../probes/probe-cadence';
import { createProbeLoop, type ProbeLoop } from '../probes/probe-loop';
import { SERVER_DEFAULTS } from '../defaults';
import { FRONT_DOOR } from './assemble';
import type { ClusterObservationFold } from './observation-fold';

/**
 * How often a held connection is PINGed: its timeout is the probe timeout, so a frozen instance is seen within this
 * plus that.
 */
export const PING_EVERY_MS = 500;

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
 * ProbeScheduler runs the probes of one cluster (apiservers and the front door, the components' own
 * /healthz, etcd) and records every answer in the fold. Once stopped it records nothing more, even
 * from a probe still in flight, and it is never started again.
 *
 * The apiserver addresses are most of hawk's requests to a cluster. Each address gets a held HTTP/2
 * connection that is PINGed (held-connection) and `/readyz` goes over it at the cadence of
 * probe-cadence: every interval while anything is amiss, one address per interval while all is well
 * (the front door every other time).
 * A PING left unanswered is recorded as a failed probe at once; a closed connection is probed at once.
 */
export interface ProbeScheduler {
  start(): void;
  /** Final: stops the loops and releases the component prober's connections. */
  stop(): Promise<void>;
  /** Probe the apiservers, or the components, now rather than at the next tick (one appeared). */
  kickApiservers(): void;
  kickComponents(): void;
}

/** A front-door failure that is not the LB refusing: an instance behind it may have answered or vanished. */
const relayedFailure = (probed: EndpointProbe): boolean => !probed.readyz.ok && !connectionRefused(probed.readyz);

export function createProbeScheduler(options: ProbeSchedulerOptions): ProbeScheduler {
  const { fold, kube, etcd, timeoutMs, now } = options;
  let state: 'new' | 'running' | 'stopped' = 'new';
  const running = () => state === 'running';
  const prober: ComponentHealthProber | null = kube ? createComponentHealthProber() : null;

  const fastMs = options.intervalMs;
  const cadence = createProbeCadence(fastMs, FRONT_DOOR, SERVER_DEFAULTS.recoveringProbeEveryMs);
  const held = new Map<string, { base: string; connection: HeldConnection }>();
  /** Whether each address's last /readyz passed. */
  const lastReady = new Map<string, boolean>();
  let etcdQuiet = true;
  let identities: { at: number; fresh: ReadonlySet<string> } | null = null;
  let tickTimer: NodeJS.Timeout | null = null;

  const baseOf = (key: string): string | null => {
    if (!kube) return null;
    const endpoint = fold.endpoint(key);
    return key === FRONT_DOOR ? kube.server : endpoint ? instanceBase(endpoint.address, endpoint.port) : null;
  };
  const labelOf = (key: string) => (key === FRONT_DOOR ? `front door ${kube?.server}` : `apiserver ${key}`);

  /** The held connection to `key`'s address, opened or replaced when the address is new or moved. */
  const connectionFor = (key: string, base: string): HeldConnection | null => {
    if (!kube) return null;
    const known = held.get(key);
    if (known?.base === base) return known.connection;
    known?.connection.close();
    const connection = createHeldConnection({
      open: (timeoutMs) => kube.openSession(base, timeoutMs),
      fallback: (timeoutMs) => getThrough(kube, base, timeoutMs),
      pingEveryMs: PING_EVERY_MS,
      pingTimeoutMs: timeoutMs,
      onLost: (how, detail) => {
        if (!running()) return;
        // Unanswered PINGs are this address not answering, as a timed-out /readyz would be: say so now. Not for the
        // front door, whose connection is held by whichever instance the LB gave it: the urgent probe asks anew.
        if (how === 'silent' && key !== FRONT_DOOR)
          fold.recordApiserverProbe(key, endpointProbe(unanswered(`${base}: ${detail}`, now)), labelOf(key));
        cadence.urge(key);
        tick();
      },
      onNoHttp2: (reason) =>
        options.logger?.warn(
          { address: base, reason },
          'apiserver probes without a held connection: every address is asked at the full probe cadence',
        ),
    });
    held.set(key, { base, connection });
    return connection;
  };

  /**
   * Instances whose identity lease has gone stale (renewals no longer seen): read from the fold at most once per
   * interval.
   */
  const identityFresh = (key: string): boolean => {
    const at = now();
    if (!identities || at - identities.at >= fastMs) {
      const fresh = new Set<string>();
      for (const instance of fold.input().apiServers) {
        if (
          instance.identityRenewedAt === null ||
          at - instance.identityRenewedAt <= DEFAULT_CONFIG.identityRenewStaleMs
        )
          fresh.add(instance.id);
      }
      identities = { at, fresh };
    }
    return key === FRONT_DOOR || identities.fresh.has(key) || !fold.endpoint(key);
  };

  /** Every address vouched for (connection answering, last /readyz passed, identity lease renewed) and etcd quiet. */
  const calm = (targets: readonly string[]): boolean =>
    etcdQuiet &&
    targets.every(
      (key) => lastReady.get(key) === true && held.get(key)?.connection.vouches() === true && identityFresh(key),
    );

  const probe = async (key: string, base: string) => {
    const connection = connectionFor(key, base);
    const get = connection ? (path: string) => connection.get(path, timeoutMs) : getThrough(kube!, base, timeoutMs);
    let probed = await probeEndpoint(get, now);
    if (key === FRONT_DOOR && connection && relayedFailure(probed)) {
      // A pass-through LB keeps a connection with the instance it first chose, also once its health check has
      // removed that instance: the failure may be that instance's. A client's new connection is balanced anew: ask so.
      connection.rebalance();
      probed = await probeEndpoint(get, now);
    }
    // A /readyz unanswered on a connection that still answers PINGs: the process is alive and blocked (on etcd, say),
    // not gone.
    const alive = probed.readyz.httpStatus === null && connection?.vouches() === true;
    const result = alive ? { ...probed, livez: { ...probed.readyz, ok: true, error: null } } : probed;
    lastReady.set(key, result.readyz.ok);
    if (running()) fold.recordApiserverProbe(key, result, labelOf(key));
  };

  function tick(): void {
    if (!running() || !kube) return;
    const targets = fold.apiserverTargets();
    for (const [key, { connection }] of held) {
      if (targets.includes(key)) continue;
      connection.close();
      held.delete(key);
      lastReady.delete(key);
    }
    const at = now();
    const round: Promise<void>[] = [];
    for (const key of cadence.due(targets, at, calm(targets))) {
      const base = baseOf(key);
      if (base === null) continue;
      cadence.started(key, at);
      round.push(probe(key, base).finally(() => cadence.finished(key, lastReady.get(key))));
    }
    if (round.length === 0) return;
    void Promise.allSettled(round).then(() => {
      if (running()) fold.recordApiserverRound();
    });
  }

  const components =
    kube && prober
      ? createProbeLoop(
          options.intervalMs,
          () => fold.componentTargets(),
          async (name) => {
            const address = fold.healthAddress(name);
            if (!address) return;
            const result = await prober.probe(address.host, address.port, timeoutMs, now);
            const { pod, host, port } = address;
            if (running())
              fold.recordComponentProbe(
                name,
                result,
                `${pod.component} on ${pod.node ?? host} (${host}:${port}/healthz)`,
              );
          },
        )
      : null;

  const etcdLoop = etcd
    ? createProbeLoop(
        options.intervalMs,
        () => ['etcd'],
        async () => {
          const answers = await Promise.all(etcd.endpoints.map((endpoint) => askEndpoint(etcd, endpoint, timeoutMs)));
          // etcd trouble shows in every apiserver's /readyz: back to the full cadence at once.
          etcdQuiet = answers.every((answer) => answer.error === null && (answer.alarms?.length ?? 0) === 0);
          if (running()) fold.recordEtcdRound(answers);
          if (!etcdQuiet) tick();
        },
      )
    : null;

  // etcd's own metrics, for the degradation trend: a slow cadence of its own, whatever the probes' pace.
  const etcdMetricsLoop = etcd
    ? createProbeLoop(
        ETCD_METRICS_EVERY_MS,
        () => ['etcd-metrics'],
        async () => {
          const answers = await Promise.all(
            etcd.endpoints.map((endpoint) => scrapeEtcdMetrics(etcd, endpoint, Math.max(timeoutMs, 5_000), now)),
          );
          if (running()) fold.recordEtcdMetrics(answers);
        },
      )
    : null;

  const loops = [components, etcdLoop, etcdMetricsLoop].filter((loop): loop is ProbeLoop => loop !== null);
  return {
    start() {
      if (state !== 'new') return;
      state = 'running';
      for (const loop of loops) loop.start();
      if (kube) {
        tick();
        // Fine-grained ticks so urgent probes and the interval are kept to within a quarter of it.
        tickTimer = setInterval(tick, Math.max(50, Math.min(250, Math.floor(fastMs / 4))));
      }
    },
    async stop() {
      state = 'stopped';
      for (const loop of loops) loop.stop();
      if (tickTimer) clearInterval(tickTimer);
      tickTimer = null;
      for (const { connection } of held.values()) connection.close();
      held.clear();
      await prober?.close();
    },
    // A new address is due at once (never probed), so a kick is just an early tick.
    kickApiservers: () => tick(),
    kickComponents: () => {
      if (running()) components?.kick();
    },
  };
}
