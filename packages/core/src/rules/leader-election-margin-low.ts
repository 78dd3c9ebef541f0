import { nodeOfInstance } from '../analysis/placement';
import { isLeftoverLease } from '../distribution/detect';
import { holderNode } from '../lease/candidates';
import { findingComponentForLease } from '../lease/lease-kind';
import type { ApiServerInstance } from '../model/apiserver';
import type { ClusterInput } from '../model/cluster';
import type { LeaderMargin, LeaseView } from '../model/lease';
import type { HawkConfig } from '../config';
import { leaseCommands, leaseSubject } from './lease-commands';
import type { Rule } from './rule';

/**
 * LeaderElectionMarginLow: a run of the holder's renewals came late against its elector's renew deadline (see
 * lease/margin.ts): the leader still holds, but a little more delay and it gives leadership up, and its component
 * stops while a standby takes over. An expected finding; it names what hawk sees slow on the holder's path.
 */
export const leaderElectionMarginLow: Rule = {
  id: 'LeaderElectionMarginLow',
  component: 'leader-election',
  severity: 'warning',
  impact: 'none',
  kind: 'expected',
  summary:
    "leaderMarginLateCount of a holder's last leaderMarginWindow renewal intervals came at or past " +
    'leaderMarginLateRatio of its renew deadline.',
  evaluate: (input, derived, config) =>
    derived.leases.flatMap((lease) => {
      const margin = lease.margin;
      // Held or overdue (a late renewal is on its way): it still leads. Lost, released or unseen is for other rules.
      const leading = lease.status === 'held' || lease.status === 'renew-overdue';
      if (!margin?.low || !leading || isLeftoverLease(input.distribution, lease)) return [];
      const cause = likelyCause(input, lease, config);
      const holder = lease.record?.holderIdentity ?? 'holder';
      return [
        {
          subject: leaseSubject(lease),
          component: findingComponentForLease(lease.component),
          title:
            `${lease.name} leader running out of margin: ${margin.late} of its last ${margin.intervalsMs.length} ` +
            `renewals ${seconds(lateAfter(margin, config))} s or more apart, ` +
            `on a ${seconds(margin.renewDeadlineMs)} s renew deadline${cause ? ` (${cause.short})` : ''}`,
          evidence: {
            holder,
            renewDeadlineMs: margin.renewDeadlineMs,
            deadlineBasis: margin.deadlineBasis,
            lateIntervals: margin.late,
            recentIntervalsMs: margin.intervalsMs.map((ms) => Math.round(ms)).join(', '),
            marginMs: margin.marginMs === null ? null : Math.round(margin.marginMs),
            likelyCause: cause?.evidence ?? null,
          },
          remediation:
            `If one renewal takes longer than ${seconds(margin.renewDeadlineMs)} s the leader gives up and ` +
            `${lease.component} stops until a standby takes over. ` +
            (cause?.advice ??
              'hawk sees nothing slow around it (its apiserver answers, etcd is reachable): look at the holder ' +
                'itself, CPU throttling of its pod or node, a paused or swapping process.'),
          commands: [
            ...leaseCommands(lease),
            'kubectl get --raw /metrics | grep -E "^apiserver_request_duration_seconds_(sum|count)" ' +
              '| sort -k2 -n | tail',
          ],
        },
      ];
    }),
};

const seconds = (ms: number) => Math.round(ms / 100) / 10;
const lateAfter = (margin: LeaderMargin, config: HawkConfig) => margin.renewDeadlineMs * config.leaderMarginLateRatio;

interface Cause {
  readonly short: string;
  readonly evidence: string;
  readonly advice: string;
}

/**
 * What hawk can see on the holder's path: the apiserver on its node (kubeadm points the controller-manager and the
 * scheduler at their node's apiserver) answering slowly or not ready, else another apiserver answering slowly, then
 * etcd members unreachable or apiservers failing their etcd check. null when none is visible.
 */
function likelyCause(input: ClusterInput, lease: LeaseView, config: HawkConfig): Cause | null {
  const node = holderNode(lease);
  const slow = (instance: ApiServerInstance) =>
    (instance.health.readyz?.latencyMs ?? 0) >= config.leaderMarginSlowApiServerMs;
  const local = input.apiServers.find(
    (instance) =>
      node !== null &&
      nodeOfInstance(instance, input.nodes) === node &&
      instance.health.readyz !== null &&
      (!instance.health.readyz.ok || slow(instance)),
  );
  // Another node's instance is in the holder's path only through a load balancer, which takes a failing one out of
  // rotation: only a slow one that still answers ready is named.
  const apiserver = local ?? input.apiServers.find((instance) => instance.health.readyz?.ok === true && slow(instance));
  if (apiserver) {
    const probe = apiserver.health.readyz!;
    const how = probe.ok ? `answers /readyz in ${probe.latencyMs} ms` : 'fails /readyz';
    return {
      short: `apiserver ${apiserver.id} ${how}`,
      evidence: `apiserver ${apiserver.id}${local ? ` on the holder's node ${node}` : ''} ${how}`,
      advice:
        `The apiserver ${local ? "on the holder's node" : 'hawk probes'} (${apiserver.id}) is slow: ` +
        'look at its load, its requests in flight and its etcd latency.',
    };
  }
  const unreachable = input.etcd.members.filter((m) => !m.isLearner && !m.reachable);
  const readyz = input.etcd.readyzEtcd;
  if (unreachable.length > 0 || (readyz !== null && readyz.ok < readyz.answered)) {
    const what =
      unreachable.length > 0
        ? `etcd ${unreachable.map((m) => m.name).join(', ')} unreachable`
        : `${readyz!.answered - readyz!.ok} of ${readyz!.answered} apiservers fail their etcd check`;
    return {
      short: what,
      evidence: what,
      advice: 'etcd is struggling, and every renewal is an etcd write: look at its members, disks and network.',
    };
  }
  return null;
}
