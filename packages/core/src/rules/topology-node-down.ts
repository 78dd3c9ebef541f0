import { isServing } from '../analysis/derive';
import { nodeOfInstance, nodeOfMember } from '../analysis/placement';
import type { Rule } from './rule';

/**
 * TopologyNodeDown: a control-plane node is NotReady, or every component on it is unreachable: the root of their
 * findings.
 */
export const topologyNodeDown: Rule = {
  id: 'TopologyNodeDown',
  component: 'topology',
  severity: 'warning',
  impact: 'degraded',
  summary: 'A control-plane node is down with the components on it.',
  evaluate: (input, derived, config, now) =>
    input.nodes.flatMap((node) => {
      // Down means no answer at all; an instance answering 500 (say, etcd failing), or live but blocked (its /readyz
      // unanswered while its connection answers), is alive on a live node.
      const instances = derived.probesLive
        ? input.apiServers.filter((i) => nodeOfInstance(i, input.nodes) === node.name)
        : [];
      const members = derived.etcdLive
        ? input.etcd.members.filter((m) => nodeOfMember(m, input.nodes) === node.name)
        : [];
      const instancesDown = instances.every(
        (i) =>
          !isServing(i, config, now) && (i.health.readyz?.httpStatus ?? null) === null && i.health.livez?.ok !== true,
      );
      const membersDown = members.every((m) => !m.reachable);
      const allDown = instances.length + members.length > 0 && instancesDown && membersDown;
      if (node.ready !== false && !allDown) return [];
      return [
        {
          subject: node.name,
          title:
            `control-plane node ${node.name} down` +
            (instances.length + members.length > 0
              ? ` with ${instances.length} apiserver(s) and ${members.length} etcd member(s)`
              : ''),
          evidence: {
            node: node.name,
            ready: node.ready,
            apiservers: instances.length,
            etcdMembers: members.length,
            zone: node.zone,
          },
          remediation:
            'Recover the node (power, kubelet, network); the findings grouped under this one follow from it.',
          commands: [
            `kubectl describe node ${node.name}`,
            `kubectl get pods -A --field-selector spec.nodeName=${node.name} -o wide`,
          ],
        },
      ];
    }),
};
