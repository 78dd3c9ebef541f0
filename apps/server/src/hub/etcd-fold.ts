import {
  etcdLeaderByTerm,
  HIDDEN_TOPOLOGY_EVIDENCE,
  observeEtcdLeader,
  smallestEtcdQuota,
  DEFAULT_ETCD_QUOTA_BYTES,
  type EtcdView,
  type Freshness,
} from '@hawk/core';
import type { PodObservation } from '../sources/pods';
import { foldEtcdAnswers, type EtcdEndpointAnswer } from '../probes/etcd-probe';

/** What an etcd round changed beyond the view: endpoints that failed or recovered, and a leader change. */
export interface EtcdRoundOutcome {
  readonly view: EtcdView;
  readonly failed: readonly { readonly endpoint: string; readonly error: string }[];
  readonly recovered: readonly string[];
  readonly leaderChange: EtcdView['leaderChanges'][number] | null;
}

const NOT_CONFIGURED = 'no etcd endpoints configured: judged from the apiservers';

/** etcdUnavailable: the etcd source's freshness when hawk cannot ask etcd itself. */
export function etcdUnavailable(etcdError: string | null): Freshness {
  return { state: 'unavailable', lastEventAt: null, detail: etcdError ?? NOT_CONFIGURED };
}

/** emptyEtcdView: nothing known yet; asked directly when configured, else judged from the apiservers. */
export function emptyEtcdView(configured: boolean, etcdError: string | null): EtcdView {
  return {
    source: configured ? 'etcd-api' : 'none',
    members: [],
    leaderId: null,
    raftTerm: null,
    alarms: [],
    quotaBytes: DEFAULT_ETCD_QUOTA_BYTES,
    topology: 'unknown',
    topologyEvidence: [],
    leaderChanges: [],
    readyzEtcd: null,
    freshness: configured ? { state: 'reconnecting', lastEventAt: null } : etcdUnavailable(etcdError),
  };
}

/** foldEtcdRound folds one round of answers from every configured endpoint into the view. */
export function foldEtcdRound(
  previous: EtcdView,
  answers: readonly EtcdEndpointAnswer[],
  now: number,
  transitionsKept: number,
): EtcdRoundOutcome {
  const members = foldEtcdAnswers(previous.members, answers, now);
  const failed: { endpoint: string; error: string }[] = [];
  const recovered: string[] = [];
  for (const answer of answers) {
    const before = previous.members.find(
      (member) => member.clientURLs.includes(answer.endpoint) || member.id === answer.memberId,
    );
    if (before && before.reachable && answer.error) failed.push({ endpoint: answer.endpoint, error: answer.error });
    if (before && !before.reachable && before.checkedAt !== null && !answer.error) recovered.push(answer.endpoint);
  }
  const leader = etcdLeaderByTerm(members);
  const next: EtcdView = {
    source: 'etcd-api',
    members,
    leaderId: leader?.leaderId ?? null,
    raftTerm: leader?.raftTerm ?? null,
    // Alarms persist in etcd until disarmed: a round that could not read them (no leader to commit the read) keeps the
    // last read.
    alarms: answers.find((answer) => answer.alarms !== null)?.alarms ?? previous.alarms,
    quotaBytes: DEFAULT_ETCD_QUOTA_BYTES,
    topology: 'unknown',
    topologyEvidence: [],
    leaderChanges: previous.leaderChanges,
    readyzEtcd: null,
    // The round finished: the answers, even all failures, are current.
    freshness: { state: 'live', lastEventAt: now },
  };
  const view = observeEtcdLeader(previous, next, now, transitionsKept);
  const moved =
    view.leaderChanges.length > previous.leaderChanges.length ||
    view.leaderChanges.at(-1) !== previous.leaderChanges.at(-1);
  return { view, failed, recovered, leaderChange: moved ? (view.leaderChanges.at(-1) ?? null) : null };
}

/** etcdFromReadyz: without etcd credentials, what the apiservers' /readyz says of etcd is all hawk knows. */
export function etcdFromReadyz(previous: EtcdView, verdicts: readonly (boolean | null)[], probes: Freshness): EtcdView {
  const answered = verdicts.filter((ok): ok is boolean => ok !== null);
  return {
    ...previous,
    source: answered.length > 0 ? 'apiserver-readyz' : 'none',
    members: [],
    leaderId: null,
    raftTerm: null,
    readyzEtcd: { ok: answered.filter(Boolean).length, answered: answered.length },
    freshness: probes,
  };
}

/**
 * etcdAsJudged: the view with what core decided around it: the topology (and its evidence) and the smallest quota the
 * etcd pods set, or nothing of either when the control plane is hidden and etcd is not asked directly.
 */
export function etcdAsJudged(
  view: EtcdView,
  seen: {
    readonly hidden: boolean;
    readonly topology: EtcdView['topology'];
    readonly evidence: EtcdView['topologyEvidence'];
    readonly pods: readonly PodObservation[];
  },
): EtcdView {
  if (seen.hidden && view.source !== 'etcd-api')
    return { ...view, topology: 'managed-hidden', topologyEvidence: [HIDDEN_TOPOLOGY_EVIDENCE] };
  const quotas = seen.pods.filter((pod) => pod.component === 'etcd').map((pod) => pod.quotaBackendBytes);
  return { ...view, topology: seen.topology, topologyEvidence: seen.evidence, quotaBytes: smallestEtcdQuota(quotas) };
}
