/**
 * hawk's own Lease lock against the real lab apiserver: one leader among contenders, a quick handover
 * on release, and, when the leader is SIGKILLed, a takeover only once the lease duration has passed
 * since the record was last seen to change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { ensureLab } from '@hawk/lab';
import type { LeaderRecord } from '../../src/replication/leader-lock';
import { createElector } from '../../src/replication/elector';
import type { Leadership } from '../../src/replication/leadership';
import { createLeaseLockFromKubeConfig, leaseToRecord } from '../../src/replication/lease-lock';
import { clusterState } from '@hawk/testkit/cluster-state';
import { startHawkServer, type RunningHawk } from '@hawk/testkit/hawk-server';
import { createMemoryHub, type MemoryHub } from '@hawk/testkit/memory-hub';
import { spawnScript, type Child } from './support/child-process';

// hawk's own namespace, as in a cluster; kept between runs (a deleted namespace lingers terminating).
const NAMESPACE = 'hawk-system';
const election = { leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 1_000 };
// Three apiserver round trips (read, observe, write) may add to the bound; they take milliseconds here.
const REQUEST_SLACK_MS = 250;

let kubeconfigPath: string;
let admin: KubeConfig;
let leases: CoordinationV1Api;
const electors: Leadership[] = [];
const children: Child[] = [];
const names: string[] = [];

const leaseName = (test: string) => {
  const name = `hawk-leader-${test}-${Date.now().toString(36)}`;
  names.push(name);
  return name;
};

function elector(name: string, identity: string): Leadership {
  const leadership = createElector(createLeaseLockFromKubeConfig(admin, { namespace: NAMESPACE, name }), {
    ...election,
    identity,
  });
  electors.push(leadership);
  return leadership;
}

const record = async (name: string): Promise<LeaderRecord> =>
  leaseToRecord(await leases.readNamespacedLease({ name, namespace: NAMESPACE }));

/** Resolves with the time (epoch ms) `leadership` next starts leading. */
const leadingAt = (leadership: Leadership, timeoutMs = 20_000) =>
  new Promise<number>((resolve, reject) => {
    if (leadership.isLeader()) return resolve(Date.now());
    const timer = setTimeout(
      () => reject(new Error(`${leadership.identity} did not lead within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const off = leadership.onChange((leading) => {
      if (!leading) return;
      clearTimeout(timer);
      off();
      resolve(Date.now());
    });
  });

describe('Lease lock on the lab apiserver', () => {
  beforeAll(async () => {
    const lab = await ensureLab();
    kubeconfigPath = lab.env().KUBECONFIG!;
    admin = new KubeConfig();
    admin.loadFromFile(kubeconfigPath);
    leases = admin.makeApiClient(CoordinationV1Api);
    await admin
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: NAMESPACE } } })
      .catch((error: { code?: number }) => {
        if (error.code !== 409) throw error;
      });
  });

  afterAll(async () => {
    for (const child of children) await child.kill9().catch(() => undefined);
    for (const leadership of electors) await leadership.stop().catch(() => undefined);
    for (const name of names) await leases.deleteNamespacedLease({ name, namespace: NAMESPACE }).catch(() => undefined);
  });

  it('elects exactly one of two contenders, and the Lease names it', async () => {
    const name = leaseName('two');
    const [a, b] = [elector(name, 'hawk-a'), elector(name, 'hawk-b')];
    await Promise.all([a.start(), b.start()]);
    // Whoever lost the create race is now a follower that sees the winner.
    await new Promise((resolve) => setTimeout(resolve, election.retryPeriodMs + 200));
    expect([a, b].filter((leadership) => leadership.isLeader())).toHaveLength(1);
    const leader = a.isLeader() ? a : b;
    const follower = leader === a ? b : a;
    expect(await record(name)).toMatchObject({
      holderIdentity: leader.identity,
      leaseDurationMs: 4_000,
      leaseTransitions: 0,
    });
    expect(follower.holder()).toBe(leader.identity);

    // A clean stop releases the Lease: the follower takes it at its next retry, not after expiry.
    const stoppedAt = Date.now();
    const takeover = leadingAt(follower);
    await leader.stop();
    const handover = (await takeover) - stoppedAt;
    console.log(`[lease-lock] release → takeover: ${handover} ms (retry period ${election.retryPeriodMs} ms)`);
    expect(handover).toBeLessThanOrEqual(election.retryPeriodMs + REQUEST_SLACK_MS);
    expect(await record(name)).toMatchObject({ holderIdentity: follower.identity, leaseTransitions: 1 });
  });

  it('after a SIGKILL, the other replica takes over only once the lease has run out since it last changed', async () => {
    const name = leaseName('kill');
    const victim = spawnScript('./lease-elector.ts', {
      KUBECONFIG: kubeconfigPath,
      LEASE_NAMESPACE: NAMESPACE,
      LEASE_NAME: name,
      IDENTITY: 'hawk-victim',
      ELECTION: JSON.stringify(election),
    });
    children.push(victim);
    await victim.line((message) => message.leading === true);
    const survivor = elector(name, 'hawk-survivor');
    await survivor.start();
    expect(survivor.isLeader()).toBe(false);

    // Watch the record as the apiserver holds it: the victim's last renewTime is when it last changed.
    let last: LeaderRecord | undefined;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const current = await record(name).catch(() => undefined);
        if (current?.holderIdentity === 'hawk-victim') last = current;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // a few renewals seen
    const transitionsBefore = last!.leaseTransitions;

    const takeover = leadingAt(survivor);
    const killedAt = await victim.kill9();
    const tookOverAt = await takeover;
    polling = false;
    await poll;

    const sinceLastChange = tookOverAt - last!.renewTime!;
    console.log(
      `[lease-lock] SIGKILL → takeover: ${tookOverAt - killedAt} ms; last renewal → takeover: ` +
        `${sinceLastChange} ms (lease ${election.leaseDurationMs} ms, retry ${election.retryPeriodMs} ms)`,
    );
    expect(sinceLastChange).toBeGreaterThanOrEqual(election.leaseDurationMs);
    expect(sinceLastChange).toBeLessThanOrEqual(
      election.leaseDurationMs + 2 * election.retryPeriodMs + REQUEST_SLACK_MS,
    );
    expect(await record(name)).toMatchObject({
      holderIdentity: 'hawk-survivor',
      leaseTransitions: transitionsBefore + 1,
    });
  });

  it('HAWK_LEADER_LEASE: two hawk replicas elect on the Lease while both observe, metrics name the lock', async () => {
    const name = leaseName('app');
    const replicas: { name: string; hub: MemoryHub; hawk: RunningHawk }[] = [];
    try {
      for (const replica of ['hawk-a', 'hawk-b']) {
        const hub = createMemoryHub([clusterState('lab')]);
        const hawk = await startHawkServer(
          hub,
          { HAWK_REPLICA_ID: replica, HAWK_LEADER_LEASE: `${NAMESPACE}/${name}` },
          { election, leaseKubeConfig: admin },
        );
        replicas.push({ name: replica, hub, hawk });
      }
      await expect
        .poll(() => replicas.filter((replica) => replica.hawk.app.hawk.leadership.isLeader()).length, {
          timeout: 5_000,
        })
        .toBe(1);
      const leader = replicas.find((replica) => replica.hawk.app.hawk.leadership.isLeader())!;
      // Leadership elects side effects only: both hubs watch, each started once.
      expect(replicas.map((replica) => [replica.hub.running, replica.hub.started])).toEqual([
        [true, 1],
        [true, 1],
      ]);
      expect((await record(name)).holderIdentity).toBe(leader.name);
      await expect
        .poll(
          async () =>
            /hawk_replica_leader_lock_info\{[^}]*\} 1/.exec(
              await (await fetch(`${replicas[0]!.hawk.url}/metrics`)).text(),
            )?.[0],
          { timeout: 3_000 },
        )
        .toBe(
          `hawk_replica_leader_lock_info{replica="hawk-a",lock="lease",name="${NAMESPACE}/${name}",` +
            `holder="${leader.name}"} 1`,
        );
    } finally {
      for (const replica of replicas) await replica.hawk.close().catch(() => undefined);
    }
  });
});
