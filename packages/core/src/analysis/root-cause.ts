import { holderNode } from '../lease/candidates';
import type { ApiServerInstance } from '../model/apiserver';
import type { ClusterInput } from '../model/cluster';
import type { Finding } from '../model/finding';
import type { Derived } from './derive';
import { nodeOfInstance, nodeOfMember } from './placement';

const LEASE_FAILURES = new Set(['LeaderElectionRenewOverdue', 'LeaderElectionLeaderLost', 'LeaderElectionNoHolder']);

/**
 * groupRootCauses sets `causedBy` on findings that follow from another, so the screen shows one
 * root with its consequences instead of a flood:
 * - etcd quorum lost → apiservers failing their etcd check, leases not renewing, etcd without leader;
 * - a control-plane node down → the apiservers, etcd members and lease holders on it;
 * - no apiserver serving → hawk's watches going stale (it watches through them).
 * Chains are flattened: causedBy always names a root. Expected findings stand apart (causedBy null, never a root).
 */
export function groupRootCauses(findings: readonly Finding[], input: ClusterInput, derived: Derived): Finding[] {
  const byRule = (ruleId: string) => findings.filter((f) => f.ruleId === ruleId);
  const quorumRoot = byRule('EtcdQuorumLost')[0]?.id ?? null;
  const nodeRoots = new Map(byRule('TopologyNodeDown').map((f) => [f.subject, f.id]));
  const noneServing = byRule('ApiServerReducedServing').find(() => derived.serving.length === 0)?.id ?? null;

  const instanceRoot = (instance: ApiServerInstance): string | null => {
    const onDownNode = nodeRoots.get(nodeOfInstance(instance, input.nodes));
    if (onDownNode) return onDownNode;
    return quorumRoot !== null && (failsEtcdCheck(instance) || stalledWhileAlive(instance)) ? quorumRoot : null;
  };
  const sameRoot = (roots: readonly (string | null)[]): string | null =>
    roots.length > 0 && roots.every((root) => root !== null && root === roots[0]) ? roots[0]! : null;

  const causeOf = (finding: Finding): string | null => {
    switch (finding.ruleId) {
      case 'ApiServerInstanceNotReady': {
        const instance = input.apiServers.find((i) => i.id === finding.subject);
        return instance ? instanceRoot(instance) : null;
      }
      case 'ApiServerReducedServing':
        return sameRoot(input.apiServers.filter((i) => !derived.serving.includes(i)).map(instanceRoot));
      // The load balancer relays one apiserver's /readyz: without quorum it relays that apiserver's
      // etcd failure (or its stall) while another instance's last probe still said ready.
      case 'LoadBalancerUnreachable':
        return quorumRoot !== null && (failsEtcdCheck(input.frontDoor) || stalledWhileAlive(input.frontDoor))
          ? quorumRoot
          : null;
      case 'EtcdNoLeader':
        return quorumRoot;
      case 'EtcdOneFailureFromQuorumLoss':
        return sameRoot(
          input.etcd.members
            .filter((m) => !m.isLearner && !m.reachable)
            .map((m) => nodeRoots.get(nodeOfMember(m, input.nodes)) ?? null),
        );
      case 'HawkSourceStale':
        return noneServing;
      default: {
        if (!LEASE_FAILURES.has(finding.ruleId)) return null;
        if (quorumRoot !== null) return quorumRoot;
        const lease = derived.leases.find((l) => `${l.namespace}/${l.name}` === finding.subject);
        return (lease && nodeRoots.get(holderNode(lease))) ?? null;
      }
    }
  };

  // An expected finding foresees a failure, it is not one: it neither roots nor joins an incident.
  const direct = new Map(findings.filter((f) => f.kind !== 'expected').map((f) => [f.id, causeOf(f)]));
  const rootOf = (id: string, seen = new Set<string>()): string => {
    const cause = direct.get(id) ?? null;
    if (cause === null || seen.has(cause) || !direct.has(cause)) return id;
    seen.add(id);
    return rootOf(cause, seen);
  };
  return findings.map((f) => {
    const root = rootOf(f.id);
    return { ...f, causedBy: root === f.id ? null : root };
  });
}

/**
 * failsEtcdCheck: the instance (or the load balancer relaying it) answers but reports its etcd checks failing ("etcd",
 * "etcd-readiness").
 */
export function failsEtcdCheck(endpoint: Pick<ApiServerInstance, 'health'>): boolean {
  const probe = endpoint.health.readyz;
  return (
    probe !== null &&
    !probe.ok &&
    probe.failedChecks.some((check) => check === 'etcd' || check.startsWith('etcd-') || check.startsWith('etcd/'))
  );
}

/**
 * stalledWhileAlive: the instance is not ready, but its process is there: it answered a probe, or a
 * probe timed out rather than being refused. Without quorum an apiserver's /readyz often blocks on
 * its etcd check past the probe timeout instead of naming the check, and that is the quorum's doing,
 * not the instance's; a refused connection means the process is gone, a cause of its own.
 */
export function stalledWhileAlive(endpoint: Pick<ApiServerInstance, 'health'>): boolean {
  const { livez, readyz } = endpoint.health;
  if (readyz === null || readyz.ok) return false;
  const reached = (probe: typeof readyz | null) =>
    probe !== null && (probe.httpStatus !== null || /time|abort/i.test(probe.error ?? ''));
  return reached(livez) || reached(readyz);
}
