import type { ClusterInfoSignals, LeaseRecord, ControlPlaneNode, SourceName } from '@hawk/core';
import type { KubeClient } from '../clusters/kube-client';
import type { Logger } from '../logger';
import { clusterInfoSession } from './cluster-info';
import { KUBERNETES_ENDPOINT_SLICES, mapEndpointSlice, type EndpointSliceObservation } from './endpoint-slice';
import { discoverLeaseCandidates, mapLeaseCandidate, type LeaseCandidateObservation } from './lease-candidates';
import {
  IDENTITY_LEASES,
  leaderLeasesIn,
  mapIdentityLease,
  mapLeaderLease,
  type IdentityLeaseObservation,
} from './leases';
import { runListWatch, type WatchSpec } from './list-watch';
import { CONTROL_PLANE_NODES, mapControlPlaneNode } from './nodes';
import { CONTROL_PLANE_PODS, mapControlPlanePod, type PodObservation } from './pods';
import type { Mapped } from './raw';
import type { Session, SessionReport } from './supervisor';
import { SERVER_DEFAULTS } from '../defaults';

/** Where a watch delivers: the full set after each list, then single changes. */
export interface WatchSink<T> {
  replace(items: ReadonlyMap<string, T>): void;
  upsert(key: string, value: T): void;
  remove(key: string): void;
}

/** One watched resource: what to watch, how to read it, and how long its silence is normal. */
export interface WatchSource<T> {
  readonly name: SourceName;
  readonly spec: WatchSpec;
  readonly map: (raw: unknown) => Mapped<T>;
  /** Silence after which the watch is presumed dead (ms), asked on every check. */
  readonly staleAfterMs: () => number;
  /** Most objects kept (per namespace for leases); beyond it new ones are dropped and a warning says how many. */
  readonly maxObjects?: number;
}

/**
 * Leader-election Leases kept per namespace: kube-system holds a dozen or two, an operator's namespace a few. A
 * namespace with thousands (a misbehaving controller, or someone filling it) must not make hawk hold, push and
 * record them all.
 */
export const MAX_LEASES_PER_NAMESPACE = 100;

export interface Observations {
  readonly leases: WatchSink<LeaseRecord>;
  readonly identityLeases: WatchSink<IdentityLeaseObservation>;
  readonly leaseCandidates: WatchSink<LeaseCandidateObservation>;
  readonly endpointSlices: WatchSink<EndpointSliceObservation>;
  readonly pods: WatchSink<PodObservation>;
  readonly nodes: WatchSink<ControlPlaneNode>;
  /** /version, the API groups and kubeadm-config, read now and then for distribution detection. */
  readonly clusterInfo: (info: ClusterInfoSignals) => void;
}

/**
 * watchSession lists and watches one source into its sink. A malformed object is logged and
 * skipped (leases excepted: their mapper keeps them so they are shown as malformed).
 */
export function watchSession<T>(
  client: KubeClient,
  source: WatchSource<T>,
  sink: WatchSink<T>,
  logger: Logger,
): Session {
  const keyed = new Map<string, string>();
  const maxObjects = source.maxObjects ?? Number.POSITIVE_INFINITY;
  let warnedDropped = -1;
  /** Said once per change in the count, not per event: a flood of objects must not become a flood of lines. */
  const reportDropped = (report: SessionReport, dropped: number) => {
    if (dropped === warnedDropped) return;
    warnedDropped = dropped;
    report.dropped(source.spec.path, maxObjects, dropped);
    if (dropped > 0)
      logger.warn(
        { source: source.name, path: source.spec.path, kept: maxObjects, dropped },
        `more than ${maxObjects} objects: ${dropped} dropped`,
      );
  };
  let dropped = 0;
  const read = (raw: unknown): Mapped<T> => {
    const mapped = source.map(raw);
    if ('error' in mapped) logger.debug({ source: source.name, reason: mapped.error }, 'skipped an object');
    return mapped;
  };
  return async (signal, report) => {
    await runListWatch(
      client,
      source.spec,
      {
        onList(items) {
          const next = new Map<string, T>();
          keyed.clear();
          dropped = 0;
          for (const raw of items) {
            const mapped = read(raw);
            if ('error' in mapped) continue;
            if (next.size >= maxObjects && !next.has(mapped.key)) {
              dropped += 1;
              continue;
            }
            next.set(mapped.key, mapped.value);
            keyed.set(uidOf(raw), mapped.key);
          }
          reportDropped(report, dropped);
          sink.replace(next);
          report.synced();
        },
        onEvent(type, raw) {
          report.activity();
          const mapped = read(raw);
          if (type === 'DELETED') {
            const key = keyed.get(uidOf(raw));
            // Not kept: one of the dropped ones (a freed slot is filled at the next list).
            if (key === undefined) return dropped > 0 ? reportDropped(report, (dropped -= 1)) : undefined;
            sink.remove(key);
            keyed.delete(uidOf(raw));
            return;
          }
          if ('error' in mapped) return;
          if (!keyed.has(uidOf(raw)) && keyed.size >= maxObjects) {
            reportDropped(report, (dropped += 1));
            return;
          }
          keyed.set(uidOf(raw), mapped.key);
          sink.upsert(mapped.key, mapped.value);
        },
        onActivity: report.activity,
      },
      signal,
    );
  };
}

function uidOf(raw: unknown): string {
  const metadata = (raw as { metadata?: { uid?: string; name?: string } } | null)?.metadata;
  return metadata?.uid ?? metadata?.name ?? '';
}

/**
 * leaderLeaseSession watches the leader leases of kube-system and of the opted-in namespaces as one
 * source (one sink, one freshness): a list in one namespace replaces only that namespace's leases.
 * A watch that fails stops the others and restarts them all after the supervisor's backoff, its error
 * naming the namespace: a namespace hawk may not read shows as the leases source's error.
 */
function leaderLeaseSession(
  client: KubeClient,
  perNamespace: readonly WatchSource<LeaseRecord>[],
  sink: WatchSink<LeaseRecord>,
  logger: Logger,
): Session {
  const [only] = perNamespace;
  if (perNamespace.length === 1 && only) return watchSession(client, only, sink, logger);
  return async (signal, report) => {
    // Until every namespace has listed, nothing is passed on: a partial set would read as deleted leases.
    const known = new Map<number, Map<string, LeaseRecord>>();
    const complete = () => known.size === perNamespace.length;
    const union = () => new Map([...known.values()].flatMap((items) => [...items]));
    const synced = new Set<number>();
    const together = new AbortController();
    const stop = () => together.abort(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    const run = async (source: WatchSource<LeaseRecord>, index: number) => {
      const partSink: WatchSink<LeaseRecord> = {
        replace(items) {
          known.set(index, new Map(items));
          if (complete()) sink.replace(union());
        },
        upsert(key, value) {
          known.get(index)?.set(key, value);
          if (complete()) sink.upsert(key, value);
        },
        remove(key) {
          known.get(index)?.delete(key);
          if (complete()) sink.remove(key);
        },
      };
      const partReport: SessionReport = {
        activity: report.activity,
        unavailable: report.unavailable,
        dropped: report.dropped,
        synced() {
          synced.add(index);
          if (synced.size === perNamespace.length) report.synced();
        },
      };
      try {
        await watchSession(client, source, partSink, logger)(together.signal, partReport);
      } catch (error) {
        // The error keeps its class (a 410 Gone still means relist) and says where.
        if (error instanceof Error && index > 0) error.message = `${source.spec.path}: ${error.message}`;
        together.abort(error);
        throw error;
      }
    };
    try {
      await Promise.all(perNamespace.map(run));
    } finally {
      signal.removeEventListener('abort', stop);
      together.abort();
    }
  };
}

/** A randomised server-side watch timeout spreads the clusters' resumes apart (s). */
const jitteredSeconds = (base: number) => Math.round(base * (0.8 + Math.random() * 0.4));

/**
 * leaseWatchStaleAfterMs: with leases held, the watch is restarted a second before the soonest renewal falls
 * overdue, so a dead watch is relisted before hawk would blame a holder for its silence; never sooner than 10 s.
 */
export function leaseWatchStaleAfterMs(silenceBudgetMs: number | null): number {
  if (silenceBudgetMs === null) return SERVER_DEFAULTS.quietWatchStaleMs;
  return Math.max(SERVER_DEFAULTS.renewingLeasesStaleMs, silenceBudgetMs - 1000);
}

export interface SourceSessions {
  readonly name: SourceName;
  readonly session: Session;
  readonly staleAfterMs: () => number;
}

/** A list-watch spec for a source whose watch may be quiet: the apiserver ends it after a jittered few minutes. */
const quietWatch = <S extends Omit<WatchSpec, 'watchTimeoutSeconds'>>(spec: S) => ({
  ...spec,
  watchTimeoutSeconds: jitteredSeconds(SERVER_DEFAULTS.quietWatchSeconds),
});

/**
 * createWatchSessions is the registry: every resource hawk watches in one cluster.
 * `leaseSilenceBudgetMs` says how long the leases watch may be silent while leader leases are held (null when none
 * is): silence beyond it, and beyond 10 s, is a sign of a dead watch rather than of a quiet cluster.
 */
export function createWatchSessions(
  client: KubeClient,
  sinks: Observations,
  leaseSilenceBudgetMs: () => number | null,
  logger: Logger,
  leaseNamespaces: readonly string[] = [],
): SourceSessions[] {
  const quiet = () => SERVER_DEFAULTS.quietWatchStaleMs;
  const leases = (namespace: string): WatchSource<LeaseRecord> => ({
    name: 'leases',
    spec: quietWatch(leaderLeasesIn(namespace)),
    map: mapLeaderLease,
    maxObjects: MAX_LEASES_PER_NAMESPACE,
    staleAfterMs: () => leaseWatchStaleAfterMs(leaseSilenceBudgetMs()),
  });
  const session = <T>(source: WatchSource<T>, sink: WatchSink<T>): SourceSessions => ({
    name: source.name,
    session: watchSession(client, source, sink, logger),
    staleAfterMs: source.staleAfterMs,
  });
  return [
    {
      name: 'leases',
      session: leaderLeaseSession(client, ['kube-system', ...leaseNamespaces].map(leases), sinks.leases, logger),
      staleAfterMs: leases('kube-system').staleAfterMs,
    },
    // Identity leases renew every 10 s per apiserver; with one apiserver left, 30 s of silence is still not normal.
    session(
      { name: 'identity-leases', spec: quietWatch(IDENTITY_LEASES), map: mapIdentityLease, staleAfterMs: quiet },
      sinks.identityLeases,
    ),
    session(
      {
        name: 'endpointslice',
        spec: quietWatch(KUBERNETES_ENDPOINT_SLICES),
        map: mapEndpointSlice,
        staleAfterMs: quiet,
      },
      sinks.endpointSlices,
    ),
    session(
      { name: 'pods', spec: quietWatch(CONTROL_PLANE_PODS), map: mapControlPlanePod, staleAfterMs: quiet },
      sinks.pods,
    ),
    session(
      { name: 'nodes', spec: quietWatch(CONTROL_PLANE_NODES), map: mapControlPlaneNode, staleAfterMs: quiet },
      sinks.nodes,
    ),
    // Read every 10 minutes; silence up to a period plus a minute is normal.
    {
      name: 'cluster-info',
      session: clusterInfoSession(client, sinks.clusterInfo),
      staleAfterMs: () => SERVER_DEFAULTS.clusterInfoEveryMs + 60_000,
    },
    {
      name: 'lease-candidates',
      staleAfterMs: quiet,
      session: leaseCandidatesSession(client, sinks.leaseCandidates, logger, quiet),
    },
  ];
}

/**
 * leaseCandidatesSession watches LeaseCandidates at the version discovery names; where they are not served it says
 * so (candidates then come from pods) and asks discovery again after a while.
 */
function leaseCandidatesSession(
  client: KubeClient,
  sink: WatchSink<LeaseCandidateObservation>,
  logger: Logger,
  staleAfterMs: () => number,
): Session {
  return async (signal, report) => {
    const version = await discoverLeaseCandidates(client, signal);
    if (version === null) {
      report.unavailable(
        'LeaseCandidate is not served (coordinated leader election is off); candidates come from pods',
      );
      sink.replace(new Map());
      // Discovery is asked again after a while: the feature may be turned on by an upgrade.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, SERVER_DEFAULTS.leaseCandidateRecheckMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (!signal.aborted) throw new Error('re-checking LeaseCandidate discovery');
      return;
    }
    const spec = quietWatch({ path: `/apis/coordination.k8s.io/${version}/namespaces/kube-system/leasecandidates` });
    await watchSession(
      client,
      { name: 'lease-candidates', spec, map: mapLeaseCandidate, staleAfterMs },
      sink,
      logger,
    )(signal, report);
  };
}
