import {
  mustCreateConfig,
  type CarriedFinding,
  type ClusterState,
  type HawkConfig,
  type SourceName,
  type TimelineEvent,
} from '@hawk/core';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterHub } from './cluster-hub';
import { namedByEnv } from '../clusters/cluster-name';
import { resolveClusters, type ClusterEnv, type ClusterTarget } from '../clusters/resolve-clusters';
import { SERVER_DEFAULTS } from '../defaults';
import type { HawkEnv } from '../env';
import type { SourceStats } from '../sources/supervisor';
import { ClusterRuntime } from './cluster-runtime';
import { createListeners } from '../listeners';
import { childLogger, silentLogger, type Logger } from '../logger';

export interface ClusterHubOptions {
  /**
   * The validated environment (loadEnv): HAWK_CONFIG, HAWK_CONTEXTS, HAWK_PROBE_INTERVAL_MS, HAWK_ETCD_*,
   * HAWK_LEASE_NAMESPACES, KUBECONFIG, HAWK_CLOCK_SKEW_NOTE_MS.
   */
  readonly env: ClusterEnv & Pick<HawkEnv, 'HAWK_CLOCK_SKEW_NOTE_MS'>;
  /** Loaded kubeconfig; default: kubectl's rules (KUBECONFIG with several files, ~/.kube/config, in-cluster). */
  readonly kubeconfig?: KubeConfig;
  /** YAML file choosing contexts and per-cluster options (etcd, probe interval, labels), instead of HAWK_CONFIG. */
  readonly configFile?: string;
  /** Contexts to watch, instead of HAWK_CONTEXTS (else every context). */
  readonly contexts?: readonly string[];
  /** Apiserver and etcd probe interval where the config file sets none, instead of HAWK_PROBE_INTERVAL_MS (ms). */
  readonly probeIntervalMs?: number;
  /** Timeout of one probe request (ms, default SERVER_DEFAULTS.probeTimeoutMs). */
  readonly probeTimeoutMs?: number;
  /** How often each cluster's certificates are read again (ms, default SERVER_DEFAULTS.certificateIntervalMs). */
  readonly certificateIntervalMs?: number;
  /** See SERVER_DEFAULTS.carriedFindingSettleMs (ms, its default). */
  readonly carriedSettleMs?: number;
  /** Thresholds for @hawk/core (default DEFAULT_CONFIG, with clockSkewNoteMs from HAWK_CLOCK_SKEW_NOTE_MS). */
  readonly config?: Partial<HawkConfig>;
  /** hawk's clock (epoch ms); injected by tests. */
  readonly now?: () => number;
  /** pino-compatible, e.g. Fastify's `app.log`. Credentials are never logged. */
  readonly logger?: Logger;
}

/** The hub the server gets: the ClusterHub seam plus counters for metrics. */
export interface SourcesHub extends ClusterHub {
  /** Restarts, relists, stale restarts and last-event age of every watch of every cluster, read at call time. */
  sourceStats(): readonly SourceStats[];
  carryOver(clusterId: string, findings: readonly CarriedFinding[]): void;
}

export type { SourceName, SourceStats };

/**
 * createClusterHub resolves the clusters to watch and prepares one runtime each. It throws only
 * for what stops every cluster (no kubeconfig, an invalid config file, invalid thresholds); an
 * unknown context or an unreachable server is that cluster's own error.
 */
export function createClusterHub(options: ClusterHubOptions): SourcesHub {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  // The skew note reaches screens as each lease's `skewNoted`, judged by core against this threshold.
  const config = mustCreateConfig({ clockSkewNoteMs: options.env.HAWK_CLOCK_SKEW_NOTE_MS, ...options.config });
  // The kubeconfig's warnings (names repeated across files) are logged at the first resolve only, not at every restart.
  const resolve = (resolveLogger: Logger) =>
    resolveClusters({
      env: options.env,
      logger: resolveLogger,
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.configFile ? { configFile: options.configFile } : {}),
      ...(options.contexts ? { contexts: options.contexts } : {}),
      ...(options.probeIntervalMs ? { probeIntervalMs: options.probeIntervalMs } : {}),
    });
  const listenerThrew = (error: unknown) =>
    logger.error({ error: (error as Error).stack ?? String(error) }, 'hub listener threw');
  const stateListeners = createListeners<ClusterState>(listenerThrew);
  const timelineListeners = createListeners<TimelineEvent>(listenerThrew);
  /** One runtime per cluster, each with its own clients: a generation is started once and stopped for good. */
  const generation = (targets: readonly ClusterTarget[]) =>
    targets.map(
      (target) =>
        new ClusterRuntime({
          target,
          config,
          now,
          logger: childLogger(logger, { cluster: target.id }),
          probeTimeoutMs: options.probeTimeoutMs ?? SERVER_DEFAULTS.probeTimeoutMs,
          debounceMs: SERVER_DEFAULTS.judgeDebounceMs,
          tickMs: SERVER_DEFAULTS.judgeTickMs,
          certificateIntervalMs: options.certificateIntervalMs ?? SERVER_DEFAULTS.certificateIntervalMs,
          carriedSettleMs: options.carriedSettleMs ?? SERVER_DEFAULTS.carriedFindingSettleMs,
          onState: stateListeners.emit,
          onTimeline: timelineListeners.emit,
        }),
    );
  const targets = resolve(logger);
  let runtimes = generation(targets);
  let started = false;
  // start and stop run one after the other, so a start during a stop waits for it.
  let lifecycle: Promise<void> = Promise.resolve();
  const serially = (step: () => Promise<void>) => (lifecycle = lifecycle.then(step, step));
  logger.info(
    {
      clusters: targets.map((target) => ({
        id: target.id,
        name: target.name,
        context: target.context,
        server: target.server,
        etcd: target.etcd?.endpoints.length ?? 0,
      })),
    },
    'watching clusters',
  );
  if (options.env.HAWK_CLUSTER_NAME && namedByEnv(targets.map((target) => target.context)) === null) {
    logger.warn(
      { name: options.env.HAWK_CLUSTER_NAME },
      'HAWK_CLUSTER_NAME names the cluster hawk runs in or the only one it watches, neither here: ' +
        'name clusters in HAWK_CONFIG',
    );
  }

  return {
    start: () =>
      serially(async () => {
        if (started) return;
        // After a stop the old runtimes and their clients are gone for good: watch again with new ones.
        if (runtimes.some((runtime) => runtime.stopped)) runtimes = generation(resolve(silentLogger));
        started = true;
        for (const runtime of runtimes) runtime.start();
      }),
    stop: () =>
      serially(async () => {
        started = false;
        await Promise.all(runtimes.map((runtime) => runtime.stop()));
      }),
    list: () => runtimes.map((runtime) => runtime.current()),
    get: (clusterId) => runtimes.find((runtime) => runtime.id === clusterId)?.current(),
    onState: stateListeners.add,
    onTimeline: timelineListeners.add,
    settled: () => runtimes.every((runtime) => runtime.settled()),
    carryOver: (clusterId, findings) => runtimes.find((runtime) => runtime.id === clusterId)?.carryOver(findings),
    sourceStats: () => runtimes.flatMap((runtime) => runtime.sourceStats()),
  };
}
