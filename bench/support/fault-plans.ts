/** The faults of docs/scenarios.md as plans: how to inject each, and what hawk must say. */
import type { Lab, LeaderElectedKind } from '@hawk/lab';
import { sleep } from '@hawk/testkit/hawk-process';
import type { ClusterFeed, FindingSighting } from './cluster-feed';
import type { Judgement } from './finding-evidence';

/** mulberry32: a tiny seeded PRNG so a run can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state |= 0;
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let random: () => number = seededRandom(42);
/** Seeds the choices plans make (which apiserver, which etcd member). */
export function seedFaults(seed: number): void {
  random = seededRandom(seed);
}

export interface FaultPlan {
  readonly name: string;
  /** Rules of which at least one must appear for the fault to count as detected. */
  readonly expected: readonly string[];
  /** Rules that may follow from it (consequences, the recovery) without being false alarms. */
  readonly allowed: readonly string[];
  /**
   * Injects and returns the fault time (ms) from the lab's own fault log, and for a fault made of
   * several actions, when the one after which the finding is due was sent (`decisiveAt`: quorum is
   * lost with the second etcd member, flapping needs the third leader change).
   */
  inject(lab: Lab): Promise<{
    at: number;
    decisiveAt?: number;
    decisiveSentAt?: number;
    lease?: LeaderElectedKind;
    oldRenewTime?: number;
  }>;
}

export const LEASE_RULES = ['LeaderElectionRenewOverdue', 'LeaderElectionLeaderLost'];
export const RECOVERY_NOISE = ['LeaderElectionSingleCandidate', 'LeaderElectionFlapping', 'HawkSourceStale'];
/**
 * Findings that stay up for their window by design (flapping counts changes over 10 min): the recovery wait does not
 * wait for them to close.
 */
export const WINDOWED = ['EtcdLeaderFlapping', 'LeaderElectionFlapping'];

function leaderFault(kind: LeaderElectedKind, how: 'kill' | 'freeze'): FaultPlan {
  return {
    name: `${how} the ${kind} leader`,
    expected: LEASE_RULES,
    allowed: [...LEASE_RULES, ...RECOVERY_NOISE],
    async inject(lab) {
      const before = await lab.leaseHolder(kind);
      const record = how === 'kill' ? await lab.fault.killLeader(kind) : await lab.fault.freezeLeader(kind);
      // The old holder's last renewal is read once it can renew no more: read before, a renewal in between
      // made the truth one retry period (2 s) too long.
      const after = await lab.leaseHolder(kind);
      const last = after && after.identity === before?.identity ? after : before;
      return {
        at: Date.parse(record.at),
        lease: kind,
        oldRenewTime: last?.lease.spec.renewTime ? Date.parse(last.lease.spec.renewTime) : Number.NaN,
      };
    },
  };
}

export const FAULTS: readonly FaultPlan[] = [
  leaderFault('kube-controller-manager', 'kill'),
  leaderFault('kube-scheduler', 'kill'),
  leaderFault('kube-controller-manager', 'freeze'),
  leaderFault('kube-scheduler', 'freeze'),
  {
    name: 'stop one apiserver',
    expected: ['ApiServerInstanceNotReady', 'ApiServerReducedServing'],
    allowed: ['ApiServerInstanceNotReady', 'ApiServerReducedServing', ...RECOVERY_NOISE, ...LEASE_RULES],
    async inject(lab) {
      return { at: Date.parse((await lab.fault.stop('kube-apiserver', 1 + Math.floor(random() * 3))).at) };
    },
  },
  {
    name: 'stop the load balancer',
    expected: ['LoadBalancerUnreachable'],
    allowed: ['LoadBalancerUnreachable', ...RECOVERY_NOISE, ...LEASE_RULES],
    async inject(lab) {
      return { at: Date.parse((await lab.fault.stopLoadBalancer()).at) };
    },
  },
  {
    name: 'stop one etcd member',
    expected: ['EtcdOneFailureFromQuorumLoss'],
    allowed: [
      'EtcdOneFailureFromQuorumLoss',
      'EtcdNoLeader',
      'EtcdLeaderFlapping',
      'ApiServerInstanceNotReady',
      'ApiServerReducedServing',
      ...RECOVERY_NOISE,
      ...LEASE_RULES,
    ],
    async inject(lab) {
      return { at: Date.parse((await lab.fault.stop('etcd', 1 + Math.floor(random() * 3))).at) };
    },
  },
  {
    name: 'stop two etcd members',
    expected: ['EtcdQuorumLost'],
    // LeaderElectionNoHolder is true here, not noise: a kube-scheduler leader whose renew deadline (10 s) passes
    // without quorum releases its Lease on the way out (client-go ReleaseOnCancel). When quorum is back before that
    // release gives up, etcd holds the Lease with an empty holder until a standby acquires it, 2-4 s later
    // (bench/quorum-release.ts reproduces it; bench/results/quorum-release-freeze-12s.md has etcd's record).
    allowed: [
      'EtcdQuorumLost',
      'EtcdNoLeader',
      'EtcdOneFailureFromQuorumLoss',
      'EtcdLeaderFlapping',
      'ApiServerInstanceNotReady',
      'ApiServerReducedServing',
      'LoadBalancerUnreachable',
      'TopologyNodeDown',
      'ClusterUnreachable',
      'LeaderElectionNoHolder',
      ...RECOVERY_NOISE,
      ...LEASE_RULES,
    ],
    async inject(lab) {
      const first = 1 + Math.floor(random() * 3);
      const record = await lab.fault.stop('etcd', first);
      // Quorum goes when the second member has stopped, not when it was asked to: etcd drains its clients first
      // (7 s on the kubeadm lab, where an apiserver's watches go to its own member only) and takes part in raft till
      // then.
      const decisiveSentAt = Date.now();
      const second = await lab.fault.stop('etcd', (first % 3) + 1);
      return { at: Date.parse(record.at), decisiveAt: Date.parse(second.at), decisiveSentAt };
    },
  },
  {
    name: 'restart the etcd leader 3 times',
    expected: ['EtcdLeaderFlapping'],
    allowed: [
      'EtcdLeaderFlapping',
      'EtcdNoLeader',
      'EtcdOneFailureFromQuorumLoss',
      'ApiServerInstanceNotReady',
      'ApiServerReducedServing',
      ...RECOVERY_NOISE,
      ...LEASE_RULES,
    ],
    async inject(lab) {
      const first = await lab.fault.restartEtcdLeader();
      let decisiveAt = Date.now();
      for (let i = 0; i < 2; i++) {
        await sleep(4000);
        decisiveAt = Date.now();
        await lab.fault.restartEtcdLeader();
      }
      return { at: Date.parse(first.at), decisiveAt };
    },
  },
];

export interface FaultResult {
  readonly fault: string;
  readonly injectedAt: number;
  readonly detected: boolean;
  /**
   * An expected finding was already on screen when the fault began (a windowed one, e.g. flapping): detected, with no
   * latency to measure.
   */
  readonly alreadyShown: boolean;
  readonly detectionMs: number | null;
  readonly firstRule: string | null;
  readonly gapTruthMs: number | null;
  readonly gapHawkMs: number | null;
  readonly falseAlarms: readonly string[];
  /** Findings judged by the lab's record rather than the allow-list (finding-evidence.ts), with the evidence. */
  readonly judged: readonly Judgement[];
}

export const significant = (s: FindingSighting) => s.severity !== 'info';

/**
 * Runs one fault and scores it. With `judge`, a finding the lab's record can settle is a false alarm only when the
 * record does not show it, whatever the plan allows; every other one is held to the plan's allow-list.
 */
export async function runFault(
  lab: Lab,
  feed: ClusterFeed,
  plan: FaultPlan,
  judge?: (sighting: FindingSighting) => Judgement | null,
): Promise<FaultResult> {
  const sightingsBefore = feed.sightings().length;
  const timelineBefore = feed.timeline().length;
  // The fault starts when the action is sent: a graceful stop takes seconds and its log record is written after.
  const startedAt = Date.now();
  const shownBefore = feed.state()?.findings.find((f) => plan.expected.includes(f.ruleId));
  const injected = await plan.inject(lab);
  let detectionMs: number | null = null;
  let firstRule: string | null = shownBefore ? `${shownBefore.ruleId} (already shown)` : null;
  if (!shownBefore) {
    try {
      // A finding opened after the fault began: one still open from before would read as 0 ms.
      const newSighting = () =>
        feed
          .sightings()
          .slice(sightingsBefore)
          .find((s) => plan.expected.includes(s.ruleId));
      await feed.waitFor(() => newSighting() !== undefined, 60_000);
      const sighting = newSighting()!;
      // From the decisive action when there is one; a finding already raised before it (earlier changes in the window)
      // counts from the start.
      // One seen between the decisive action's sending and its effect (a process still exiting) counts as 0 ms.
      const decisive =
        injected.decisiveAt !== undefined && sighting.openedAt >= (injected.decisiveSentAt ?? injected.decisiveAt);
      detectionMs = Math.max(0, sighting.openedAt - (decisive ? injected.decisiveAt! : startedAt));
      firstRule = sighting.ruleId;
    } catch {
      /* not detected within a minute: counts against recall */
    }
  }

  let gapTruthMs: number | null = null;
  let gapHawkMs: number | null = null;
  if (injected.lease) {
    // Truth: the old holder's last renewTime to the new holder's acquireTime, both written by the
    // components on this machine's clock and read with the lab's own client.
    const kind = injected.lease;
    const oldIdentity = (await lab.leaseHolder(kind))?.identity;
    const next = await lab
      .waitFor(
        async () => {
          const h = await lab.leaseHolder(kind);
          return h && h.identity !== oldIdentity && h.lease.spec.acquireTime ? h : undefined;
        },
        60_000,
        { description: `a new ${kind} holder` },
      )
      .catch(() => undefined);
    if (next?.lease.spec.acquireTime && Number.isFinite(injected.oldRenewTime))
      gapTruthMs = Date.parse(next.lease.spec.acquireTime) - injected.oldRenewTime!;
    await sleep(2000);
    const transition = feed
      .timeline()
      .slice(timelineBefore)
      .find((event) => event.kind === 'leader-transition' && event.transition.lease.endsWith(kind));
    gapHawkMs = transition?.kind === 'leader-transition' ? transition.transition.leaderlessMs : null;
  }

  await sleep(5000);
  await lab.fault.heal();
  // Let findings resolve: every significant finding must close before the next fault.
  await feed
    .waitFor(
      (state) =>
        !state.findings.some(
          (f) => f.severity !== 'info' && !RECOVERY_NOISE.includes(f.ruleId) && !WINDOWED.includes(f.ruleId),
        ),
      180_000,
    )
    .catch(() => undefined);
  await sleep(3000);
  const judged: Judgement[] = [];
  const falseAlarms: string[] = [];
  for (const sighting of feed.sightings().slice(sightingsBefore).filter(significant)) {
    const judgement = judge?.(sighting) ?? null;
    if (judgement) judged.push(judgement);
    if (judgement ? judgement.verdict === 'false' : !plan.allowed.includes(sighting.ruleId))
      falseAlarms.push(sighting.ruleId);
  }
  return {
    fault: plan.name,
    injectedAt: startedAt,
    detected: shownBefore !== undefined || detectionMs !== null,
    alreadyShown: shownBefore !== undefined,
    detectionMs,
    firstRule,
    gapTruthMs,
    gapHawkMs,
    falseAlarms,
    judged,
  };
}
