import { afterAll, beforeAll } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterState, Finding, TimelineEvent } from '@hawk/core';
import { ensureLab, type Lab } from '@hawk/lab';
import { loadEnv } from '@hawk/server/env';
import { createClusterHub, type ClusterHubOptions, type SourcesHub } from '@hawk/server/hub';
import { setUpStep } from './set-up-step';

/** A hub watching the lab, with the helpers the scenario tests read like. */
export interface LabHub {
  readonly lab: Lab;
  readonly hub: SourcesHub;
  readonly clusterId: string;
  readonly timeline: TimelineEvent[];
  /** When the hub was started (epoch ms). */
  readonly startedAt: number;
  state(clusterId?: string): ClusterState;
  /** Polls the judged state every 50 ms until `predicate` holds; returns when it did (epoch ms). */
  until(
    description: string,
    predicate: (state: ClusterState) => boolean,
    timeoutMs?: number,
    clusterId?: string,
  ): Promise<number>;
  /** Logs the time from `faultAt` to `at` in the agreed format and returns it. */
  measure(scenario: string, faultAt: number, at: number): number;
  /**
   * Starts waiting for `predicate` before injecting the fault (the lab's fault call returns only once
   * the fault took effect, which for a graceful stop takes seconds), then logs fault → finding.
   */
  faultUntil(
    scenario: string,
    fault: () => Promise<unknown>,
    predicate: (state: ClusterState) => boolean,
    timeoutMs?: number,
  ): Promise<{ faultAt: number; at: number }>;
  /** When the timeline first said `ruleId` opened at or after `since` (epoch ms), undefined if not yet. */
  openedAt(ruleId: string, since: number): number | undefined;
  stop(): Promise<void>;
}

export const finding = (
  state: ClusterState,
  ruleId: string,
  subject?: (subject: string | null) => boolean,
): Finding | undefined =>
  state.findings.find((f) => f.ruleId === ruleId && (subject === undefined || subject(f.subject)));

export const aboveInfo = (state: ClusterState) => state.findings.filter((f) => f.severity !== 'info');

/** labKubeConfig loads the lab's admin kubeconfig, optionally pointing it elsewhere or adding a context. */
export function labKubeConfig(
  lab: Lab,
  change: { server?: string; extraContext?: { name: string; server: string } } = {},
): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(lab.kubeconfigPath);
  const clusters = kubeConfig
    .getClusters()
    .map((cluster) => (change.server ? { ...cluster, server: change.server } : cluster));
  const contexts = [...kubeConfig.getContexts()];
  const users = [...kubeConfig.getUsers()];
  if (change.extraContext) {
    const base = clusters[0]!;
    clusters.push({ ...base, name: change.extraContext.name, server: change.extraContext.server });
    contexts.push({ name: change.extraContext.name, cluster: change.extraContext.name, user: contexts[0]!.user });
  }
  const result = new KubeConfig();
  result.loadFromOptions({ clusters, contexts, users, currentContext: kubeConfig.getCurrentContext() });
  return result;
}

export async function startLabHub(options: Partial<ClusterHubOptions> & { lab?: Lab } = {}): Promise<LabHub> {
  const lab = options.lab ?? (await setUpStep('bring the lab up', () => ensureLab()));
  const env = loadEnv({ ...lab.env(), HAWK_CONFIG: '', HAWK_CONTEXTS: '' });
  const kubeconfig = options.kubeconfig ?? labKubeConfig(lab);
  const hub = createClusterHub({
    env,
    kubeconfig,
    probeIntervalMs: 1000,
    ...options,
    logger: options.logger ?? quietLogger(),
  });
  const timeline: TimelineEvent[] = [];
  hub.onTimeline((event) => timeline.push(event));
  const startedAt = Date.now();
  const server = kubeconfig.getCurrentCluster()?.server ?? 'no server in the kubeconfig';
  await setUpStep(`start a hub on the lab (${server})`, () => hub.start());
  const first = hub.list()[0];
  if (!first) throw new Error(`set-up failed: the hub on the lab (${server}) lists no cluster after its start`);
  const clusterId = first.identity.id;
  const state = (id = clusterId) => hub.get(id)!;
  const until = async (
    description: string,
    predicate: (state: ClusterState) => boolean,
    timeoutMs = 60_000,
    id = clusterId,
  ) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = state(id);
      if (predicate(current)) return Date.now();
      if (Date.now() > deadline) {
        const apiservers = current.apiServers.instances
          .map((i) => `${i.id} readyz ${i.health.readyz?.ok ?? '-'} ${i.health.readyz?.error ?? ''}`)
          .join('; ');
        const findings = current.findings.map((f) => `${f.id}${f.causedBy ? ` (under ${f.causedBy})` : ''}`);
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${description}; findings: ${findings.join(', ') || 'none'}; ` +
            `apiservers: ${apiservers}; sources: ${JSON.stringify(current.sources)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return {
    lab,
    hub,
    clusterId,
    timeline,
    startedAt,
    state,
    until,
    measure(scenario, faultAt, at) {
      const ms = at - faultAt;
      console.log(`[fault→finding] scenario ${scenario}: ${ms} ms`);
      return ms;
    },
    async faultUntil(scenario, fault, predicate, timeoutMs = 60_000) {
      const faultAt = Date.now();
      const seen = until(scenario, predicate, timeoutMs);
      seen.catch(() => undefined);
      await fault();
      const faultDoneAt = Date.now();
      const at = await seen;
      console.log(
        `[fault→finding] scenario ${scenario}: ${at - faultAt} ms (the fault call itself took ` +
          `${faultDoneAt - faultAt} ms)`,
      );
      return { faultAt, at };
    },
    openedAt: (ruleId, since) =>
      timeline.find((e) => e.kind === 'finding-opened' && e.finding.ruleId === ruleId && e.at >= since)?.at,
    stop: () => hub.stop(),
  };
}

/** Warnings and errors only, so a failing test shows what the hub complained about. */
function quietLogger() {
  const noop = () => undefined;
  const print = (level: string) => (object: object, message: string) =>
    console.log(`[hub ${level}] ${message} ${JSON.stringify(object)}`);
  return { debug: noop, info: noop, warn: print('warn'), error: print('error') };
}

/** Steady: full HA, everything live and nothing above info. */
export const steady = (state: ClusterState) =>
  state.reachability.state === 'reachable' &&
  state.apiServers.serving === 3 &&
  state.etcd.quorum.healthy === 3 &&
  state.leases.filter((lease) => lease.status === 'held').length >= 2 &&
  aboveInfo(state).length === 0;

/**
 * Registers the set-up every lab scenario file shares: the lab healed, a hub on it that reached
 * `ready`, and after the file the hub stopped and the lab healed again. Returns the hub as a handle
 * to use inside hooks and tests (each member reads the hub started by then). `options` go to the hub
 * (a probe interval, say).
 */
export function useLabHub(
  ready: (state: ClusterState) => boolean = steady,
  description = 'steady state',
  options: Partial<ClusterHubOptions> = {},
): LabHub {
  let hub: LabHub | undefined;
  beforeAll(async () => {
    const lab = await setUpStep('bring the lab up', () => ensureLab());
    await setUpStep('heal the lab', () => lab.fault.heal());
    hub = await startLabHub({ ...options, lab });
    await hub.until(description, ready, 60_000);
  });
  afterAll(async () => {
    await hub?.stop();
    await hub?.lab.fault.heal();
  });
  // A describe block runs before its beforeAll: the handle resolves the hub at each use, not at this call.
  return new Proxy({} as LabHub, {
    get(_target, member) {
      if (!hub) throw new Error('the lab hub is not started yet: use it inside a hook or a test');
      return Reflect.get(hub, member);
    },
  });
}
