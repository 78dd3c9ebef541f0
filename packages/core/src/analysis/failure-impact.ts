import { holderNode, liveCandidates } from '../lease/candidates';
import type { ClusterInput, FailureImpact } from '../model/cluster';
import type { Derived } from './derive';
import { nodeOfInstance, nodeOfMember } from './placement';

/**
 * failureImpacts is the N-1 analysis: for each control-plane node and each zone, what losing it now
 * would leave, from what serves now (an instance already down is not counted twice). Candidates on
 * an unknown node are assumed to survive: hawk does not cry wolf over what it cannot place.
 */
export function failureImpacts(input: ClusterInput, derived: Derived): FailureImpact[] {
  const zones = [...new Set(input.nodes.map((n) => n.zone).filter((z): z is string => z !== null))].sort();
  return [
    ...input.nodes.map((node) => impactOf('node', node.name, new Set([node.name]), input, derived)),
    ...zones.map((zone) =>
      impactOf('zone', zone, new Set(input.nodes.filter((n) => n.zone === zone).map((n) => n.name)), input, derived),
    ),
  ];
}

function impactOf(
  kind: FailureImpact['kind'],
  name: string,
  lost: ReadonlySet<string>,
  input: ClusterInput,
  derived: Derived,
): FailureImpact {
  const survives = (node: string | null) => node === null || !lost.has(node);
  const apiServersLeft = derived.serving.filter((i) => survives(nodeOfInstance(i, input.nodes))).length;
  const apiServersTotal = input.apiServers.length;
  const leasesWithoutCandidate = derived.leases
    .filter((lease) => {
      // A candidate already down is not counted on to survive the loss of another node.
      const placed =
        lease.candidates.length > 0
          ? liveCandidates(lease).map((c) => c.node)
          : lease.record?.holderIdentity
            ? [holderNode(lease)]
            : [];
      return placed.length > 0 && placed.every((node) => !survives(node));
    })
    .map((lease) => lease.name);
  const { quorum } = derived;
  const etcd =
    quorum.voters === 0 || !derived.etcdLive
      ? null
      : (() => {
          const healthyLeft = input.etcd.members.filter(
            (m) => !m.isLearner && m.reachable && survives(nodeOfMember(m, input.nodes)),
          ).length;
          return { healthyLeft, voters: quorum.voters, quorumKept: healthyLeft >= quorum.quorum };
        })();

  const losses: string[] = [];
  const kept: string[] = [];
  if (etcd)
    (etcd.quorumKept ? kept : losses).push(
      `etcd at ${etcd.healthyLeft}/${etcd.voters}: quorum ${etcd.quorumKept ? 'kept' : 'lost'}`,
    );
  if (apiServersTotal > 0)
    (apiServersLeft > 0 ? kept : losses).push(`${apiServersLeft}/${apiServersTotal} apiservers serving`);
  if (leasesWithoutCandidate.length > 0) losses.push(`no candidate left for ${leasesWithoutCandidate.join(', ')}`);
  const survivable = losses.length === 0;
  const subject = kind === 'node' ? name : `zone ${name}`;
  return {
    kind,
    name,
    apiServersLeft,
    apiServersTotal,
    leasesWithoutCandidate,
    etcd,
    summary: `losing ${subject} now would leave ${[...losses, ...kept].join(', ') || 'nothing hawk can judge'}`,
    survivable,
  };
}
