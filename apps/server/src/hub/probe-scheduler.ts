import { instanceBase, type KubeClient } from '../clusters/kube-client';
import type { EtcdTransport } from '../clusters/etcd-transport';
import { probeEndpoint } from '../probes/apiserver-probe';
import { createComponentHealthProber, type ComponentHealthProber } from '../probes/component-health';
import { askEndpoint } from '../probes/etcd-probe';
import { createProbeLoop, type ProbeLoop } from '../probes/probe-loop';
import { FRONT_DOOR, type ClusterObservationFold } from './observation-fold';

export interface ProbeSchedulerOptions {
  readonly fold: ClusterObservationFold;
  readonly kube: KubeClient | null;
  readonly etcd: EtcdTransport | null;
  readonly intervalMs: number;
  /** Per-request timeout (ms). */
  readonly timeoutMs: number;
  readonly now: () => number;
}

/**
 * ProbeScheduler runs the three probe loops of one cluster (apiservers and the front door, the
 * components' own /healthz, etcd) and records every answer in the fold. Once stopped it records
 * nothing more, even from a probe still in flight, and it is never started again.
 */
export interface ProbeScheduler {
  start(): void;
  /** Final: stops the loops and releases the component prober's connections. */
  stop(): Promise<void>;
  /** Probe the apiservers, or the components, now rather than at the next tick (one appeared). */
  kickApiservers(): void;
  kickComponents(): void;
}

export function createProbeScheduler(options: ProbeSchedulerOptions): ProbeScheduler {
  const { fold, kube, etcd, timeoutMs, now } = options;
  let state: 'new' | 'running' | 'stopped' = 'new';
  const running = () => state === 'running';
  const prober: ComponentHealthProber | null = kube ? createComponentHealthProber() : null;

  const apiservers = kube
    ? createProbeLoop(
        options.intervalMs,
        () => fold.apiserverTargets(),
        async (key) => {
          const endpoint = fold.endpoint(key);
          const base = key === FRONT_DOOR ? kube.server : endpoint ? instanceBase(endpoint.address, endpoint.port) : null;
          if (base === null) return;
          const result = await probeEndpoint(kube, base, timeoutMs, now);
          if (running()) fold.recordApiserverProbe(key, result, key === FRONT_DOOR ? `front door ${kube.server}` : `apiserver ${key}`);
        },
        () => {
          if (running()) fold.recordApiserverRound();
        },
      )
    : null;

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
            if (running()) fold.recordComponentProbe(name, result, `${pod.component} on ${pod.node ?? host} (${host}:${port}/healthz)`);
          },
        )
      : null;

  const etcdLoop = etcd
    ? createProbeLoop(
        options.intervalMs,
        () => ['etcd'],
        async () => {
          const answers = await Promise.all(etcd.endpoints.map((endpoint) => askEndpoint(etcd, endpoint, timeoutMs)));
          if (running()) fold.recordEtcdRound(answers);
        },
      )
    : null;

  const loops = [apiservers, components, etcdLoop].filter((loop): loop is ProbeLoop => loop !== null);
  return {
    start() {
      if (state !== 'new') return;
      state = 'running';
      for (const loop of loops) loop.start();
    },
    async stop() {
      state = 'stopped';
      for (const loop of loops) loop.stop();
      await prober?.close();
    },
    kickApiservers: () => {
      if (running()) apiservers?.kick();
    },
    kickComponents: () => {
      if (running()) components?.kick();
    },
  };
}
