import type { ClusterState } from '@hawk/core';
import type { SourceStats } from '../hub';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { apiServerFamilies } from './apiserver-metrics';
import { clusterFamilies } from './cluster-metrics';
import { etcdFamilies } from './etcd-metrics';
import type { ClusterFamily } from './family';
import { leaseFamilies } from './lease-metrics';

/** Every cluster family hawk exports; the one place that decides what is enabled. */
export const CLUSTER_FAMILIES: readonly ClusterFamily[] = [
  ...leaseFamilies,
  ...apiServerFamilies,
  ...etcdFamilies,
  ...clusterFamilies,
];

/**
 * Every series about a cluster carries `cluster` (its id: the context's slug, stable, as in hawk's URLs)
 * and `cluster_name` (what screens and alerts call it, ClusterIdentity.name), added here in one pass so
 * dashboards and Prometheus' own alerts show the name without a join. The name follows the id one to
 * one: it adds no series, except once when a cluster is renamed (its kubeadm clusterName read at start).
 */
const CLUSTER_NAME_LABEL = 'cluster_name';

function withClusterName(labels: Readonly<Record<string, string>>, name: string): Record<string, string> {
  return { cluster: labels.cluster ?? '', [CLUSTER_NAME_LABEL]: name, ...labels };
}

/** What metrics read of a watch's counters (the hub's SourceStats), if the hub keeps count. */
export type WatchCounters = Pick<SourceStats, 'clusterId' | 'source' | 'restarts'>;

export interface MetricsInputs {
  /** The states to describe, read at every scrape. */
  readonly clusters: () => readonly ClusterState[];
  readonly sourceStats?: () => readonly WatchCounters[];
  readonly socketClients: () => number;
  /** hawk's own leader election: hawk applies to itself what it checks in others. */
  readonly replica: { readonly identity: string; isLeader(): boolean; lockReachable(): boolean; transitions(): number };
  /** The lock the replicas elect on and its holder as this replica last saw it; absent for a lone replica. */
  readonly replicaLock?: { readonly kind: 'lease' | 'redis'; readonly name: string; holder(): string | null };
  readonly now?: () => number;
  /** Node process metrics (process_*, nodejs_*, unprefixed as every exporter names them); off in table tests. */
  readonly processMetrics?: boolean;
}

export interface HawkMetrics {
  readonly registry: Registry;
  /** Feeds the probe latency histogram from a new state (only probes not seen before count). */
  observeState(state: ClusterState): void;
}

const PROBE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Builds hawk's own registry: cluster families are generated from the states on each scrape. */
export function createMetrics(inputs: MetricsInputs): HawkMetrics {
  const registry = new Registry();
  if (inputs.processMetrics) collectDefaultMetrics({ register: registry });
  registerClusterFamilies(registry, inputs.clusters, inputs.now ?? Date.now);
  const clusterNames = () => new Map(inputs.clusters().map((state) => [state.identity.id, state.identity.name]));
  if (inputs.sourceStats) registerWatchMetrics(registry, inputs.sourceStats, clusterNames);
  registerReplicaMetrics(registry, inputs);
  return { registry, observeState: probeDurationObserver(registry) };
}

/** Each cluster family as a gauge or counter whose samples core's states give at scrape time, with `cluster_name`. */
function registerClusterFamilies(registry: Registry, clusters: () => readonly ClusterState[], now: () => number): void {
  for (const family of CLUSTER_FAMILIES) {
    const [first, ...rest] = family.labelNames;
    const labelNames = first === 'cluster' ? [first, CLUSTER_NAME_LABEL, ...rest] : [...family.labelNames];
    const samples = () => {
      const at = now();
      return clusters().flatMap((state) =>
        family
          .generate(state, at)
          .map((sample) => ({ ...sample, labels: withClusterName(sample.labels, state.identity.name) })),
      );
    };
    const configuration = { name: family.name, help: family.help, labelNames, registers: [registry] };
    if (family.type === 'gauge') {
      new Gauge({
        ...configuration,
        collect() {
          this.reset();
          for (const sample of samples()) this.set(sample.labels, sample.value);
        },
      });
    } else {
      new Counter({
        ...configuration,
        collect() {
          this.reset();
          for (const sample of samples()) this.inc(sample.labels, sample.value);
        },
      });
    }
  }
}

/** The watches' sessions and restarts, per cluster and source, from the hub's counters. */
function registerWatchMetrics(
  registry: Registry,
  sourceStats: () => readonly WatchCounters[],
  clusterNames: () => Map<string, string>,
): void {
  const labelsOf = (stat: WatchCounters, names: Map<string, string>) => ({
    cluster: stat.clusterId,
    cluster_name: names.get(stat.clusterId) ?? stat.clusterId,
    source: stat.source,
  });
  new Gauge({
    name: 'hawk_watch_sessions',
    help: 'Watch sessions running per cluster and source: exactly 1 when healthy; more means duplicated watches.',
    labelNames: ['cluster', CLUSTER_NAME_LABEL, 'source'],
    registers: [registry],
    collect() {
      this.reset();
      const names = clusterNames();
      for (const stat of sourceStats()) this.inc(labelsOf(stat, names), 1);
    },
  });
  new Counter({
    name: 'hawk_watch_restarts_total',
    help: 'Times a watch was restarted (error, 410 Gone, relist).',
    labelNames: ['cluster', CLUSTER_NAME_LABEL, 'source'],
    registers: [registry],
    collect() {
      this.reset();
      const names = clusterNames();
      for (const stat of sourceStats()) this.inc(labelsOf(stat, names), stat.restarts);
    },
  });
}

/** hawk's own side: socket clients, and this replica's leadership, lock and transitions. */
function registerReplicaMetrics(registry: Registry, inputs: MetricsInputs): void {
  new Gauge({
    name: 'hawk_socket_clients',
    help: 'socket.io clients connected to this replica.',
    registers: [registry],
    collect() {
      this.set(inputs.socketClients());
    },
  });
  new Gauge({
    name: 'hawk_replica_leader',
    help:
      'Whether this hawk replica holds the leader lock (writes shared history, sends webhook notifications); ' +
      'every replica observes.',
    labelNames: ['replica'],
    registers: [registry],
    collect() {
      this.reset();
      this.set({ replica: inputs.replica.identity }, inputs.replica.isLeader() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'hawk_replica_leader_lock_reachable',
    help:
      "Whether this replica's last call to the leader lock's store (Redis, or the apiserver holding hawk's " +
      'Lease) answered; 0 means elected side effects fall back to every replica.',
    labelNames: ['replica'],
    registers: [registry],
    collect() {
      this.reset();
      this.set({ replica: inputs.replica.identity }, inputs.replica.lockReachable() ? 1 : 0);
    },
  });
  if (inputs.replicaLock) {
    const lock = inputs.replicaLock;
    new Gauge({
      name: 'hawk_replica_leader_lock_info',
      help:
        'The leader lock hawk replicas elect on (a Lease or a Redis key) and its holder as this replica last ' +
        'observed it.',
      labelNames: ['replica', 'lock', 'name', 'holder'],
      registers: [registry],
      collect() {
        this.reset();
        this.set(
          { replica: inputs.replica.identity, lock: lock.kind, name: lock.name, holder: lock.holder() ?? '' },
          1,
        );
      },
    });
  }
  new Counter({
    name: 'hawk_replica_leadership_transitions_total',
    help: 'Times this replica gained or lost leadership.',
    labelNames: ['replica'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ replica: inputs.replica.identity }, inputs.replica.transitions());
    },
  });
}

/** The probe latency histogram, fed from each new state (only probes not seen before count). */
function probeDurationObserver(registry: Registry): HawkMetrics['observeState'] {
  const probeDuration = new Histogram({
    name: 'hawk_apiserver_probe_duration_seconds',
    help: "Latency of hawk's readiness probes of each apiserver instance.",
    labelNames: ['cluster', CLUSTER_NAME_LABEL, 'apiserver'],
    buckets: PROBE_BUCKETS,
    registers: [registry],
  });
  const lastProbeAt = new Map<string, number>();
  return (state) => {
    for (const instance of state.apiServers.instances) {
      const probe = instance.health.readyz;
      const key = `${state.identity.id}\u0000${instance.id}`;
      if (!probe || probe.latencyMs === null || lastProbeAt.get(key) === probe.at) continue;
      lastProbeAt.set(key, probe.at);
      probeDuration.observe(
        { cluster: state.identity.id, cluster_name: state.identity.name, apiserver: instance.id },
        probe.latencyMs / 1000,
      );
    }
  };
}
