import type { FastifyBaseLogger } from 'fastify';
import type { KubeConfig } from '@kubernetes/client-node';
import type { HawkEnv } from '../env';
import type { HistoryRepository } from '../history/history-repository';
import type { ClusterHub } from '../hub/cluster-hub';
import type { ElectorConfig } from '../replication/elector';

/** What every hawk plugin is registered with: the validated environment and what tests inject. */
export interface AppOptions {
  readonly env: HawkEnv;
  /** The clusters' sources (or a factory given the app's logger); every replica runs its own from start to close. */
  readonly hub: ClusterHub | ((logger: FastifyBaseLogger) => ClusterHub);
  /** Defaults to the PostgreSQL database at HAWK_DATABASE_URL, else the SQLite file at HAWK_DB. */
  readonly history?: HistoryRepository;
  /** Leader election timings when HAWK_REDIS_URL or HAWK_LEADER_LEASE is set (tests shorten them). */
  readonly election?: Omit<ElectorConfig, 'identity' | 'log'>;
  /** Bounds on what one socket may ask for (defaults in socket-server.ts). */
  readonly socketLimits?: { readonly maxSubscriptions?: number; readonly maxFrameBytes?: number };
  /** Where logs go (default stdout); tests read them back to check that no secret is logged. */
  readonly logStream?: NodeJS.WritableStream;
  /**
   * Credentials for HAWK_LEADER_LEASE (default: the pod's ServiceAccount in a cluster, else KUBECONFIG or
   * ~/.kube/config).
   */
  readonly leaseKubeConfig?: KubeConfig;
  /** Redis key prefix shared by the replicas of one installation (default "hawk"). */
  readonly redisPrefix?: string;
  /** How often a firing alert is re-sent to Alertmanager (ms, default 60 s); tests shorten it. */
  readonly alertRepeatMs?: number;
}
