import { clusterState, oneEtcdMemberDown, T0 } from '@hawk/testkit/cluster-state';
import { pause, startHawkServer, type HawkClient, type RunningHawk } from '@hawk/testkit/hawk-server';
import { createMemoryHub, type MemoryHub } from '@hawk/testkit/memory-hub';
import type { AppOptions } from '../../../src/app';

/** Timings shortened so a failover takes about two seconds rather than ten. */
export const FAST_ELECTION = { leaseDurationMs: 1_500, renewDeadlineMs: 1_000, retryPeriodMs: 200 } as const;

/** One in-process hawk replica with a hub the test drives by hand. */
export interface TestReplica {
  readonly name: string;
  readonly hub: MemoryHub;
  readonly hawk: RunningHawk;
  client?: HawkClient;
}

export interface Readiness {
  readonly status: number;
  readonly ready: boolean;
  readonly leader: boolean;
  readonly leaderIdentity: string | null;
  readonly leaderLockReachable: boolean;
}

export async function startReplica(
  name: string,
  env: Record<string, string>,
  extra: Partial<AppOptions> = {},
): Promise<TestReplica> {
  // Every replica's hub sees the same cluster, as two replicas watching one cluster would.
  const hub = createMemoryHub([clusterState('lab')]);
  const hawk = await startHawkServer(hub, { HAWK_REPLICA_ID: name, ...env }, { election: FAST_ELECTION, ...extra });
  return { name, hub, hawk };
}

export async function readiness(replica: TestReplica): Promise<Readiness> {
  const response = await fetch(`${replica.hawk.url}/readyz`);
  return { status: response.status, ...((await response.json()) as Omit<Readiness, 'status'>) };
}

/** The value of one of this replica's own gauges, e.g. `hawk_replica_leader`. */
export async function replicaGauge(replica: TestReplica, name: string): Promise<string | undefined> {
  const text = await (await fetch(`${replica.hawk.url}/metrics`)).text();
  return new RegExp(`^${name}\\{replica="${replica.name}"\\} (\\S+)$`, 'm').exec(text)?.[1];
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`,
      );
    await pause(50);
  }
}

/** Waits until exactly one replica leads and every replica names it; returns the leader. */
export async function oneLeader(replicas: readonly TestReplica[], timeoutMs = 10_000): Promise<TestReplica> {
  return waitFor(
    'exactly one leader, named by every replica',
    async () => {
      const all = await Promise.all(replicas.map(readiness));
      const leaders = all.flatMap((state, index) => (state.leader ? [replicas[index]!] : []));
      if (leaders.length !== 1) return undefined;
      return all.every((state) => state.leaderIdentity === leaders[0]!.name && state.leaderLockReachable)
        ? leaders[0]
        : undefined;
    },
    timeoutMs,
  );
}

/** The lab with etcd member 3 down (or all up) at `at`, as core judges it: a change in etcd and the verdict. */
export const changed = (at: number, down: boolean) =>
  clusterState('lab', { at, ...(down ? { fault: oneEtcdMemberDown } : {}) });

export { T0 };

/**
 * oneLeader, held for `windowMs` by the same replica with the lock reachable throughout: a test that
 * counts who writes must not start while a freshly connected Redis client may still drop a call.
 */
export async function steadyLeader(
  replicas: readonly TestReplica[],
  windowMs = 600,
  timeoutMs = 15_000,
): Promise<TestReplica> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leader = await oneLeader(replicas, Math.max(0, deadline - Date.now()));
    const until = Date.now() + windowMs;
    let steady = true;
    while (steady && Date.now() < until) {
      await pause(50);
      steady = (await oneLeader(replicas, 0).catch(() => undefined)) === leader;
    }
    if (steady) return leader;
  }
}
