import { nodeOfInstance, nodeOfMember } from '../analysis/placement';
import type { Rule } from './rule';

/** TopologySingleNode: every control-plane component runs on one node, so that node is the cluster. */
export const topologySingleNode: Rule = {
  id: 'TopologySingleNode',
  component: 'topology',
  severity: 'warning',
  impact: 'spof',
  summary: 'All control-plane components run on one node.',
  evaluate: (input) => {
    // Placement is only judged from known nodes: instances on one host without Node objects (a lab on loopback) say
    // nothing.
    if (input.nodes.length === 0) return [];
    const used = new Set<string>(
      [
        ...input.pods.map((pod) => pod.node),
        ...input.apiServers.map((instance) => nodeOfInstance(instance, input.nodes)),
        ...input.etcd.members.map((member) => nodeOfMember(member, input.nodes)),
      ].filter((node): node is string => node !== null),
    );
    const nodes = used.size > 0 ? [...used] : input.nodes.map((node) => node.name);
    if (nodes.length !== 1) return [];
    return [
      {
        subject: nodes[0]!,
        title: `whole control plane on one node: ${nodes[0]!}`,
        evidence: { node: nodes[0]!, controlPlaneNodes: input.nodes.length },
        remediation:
          'Spread apiserver, etcd, controller-manager and scheduler over at least three control-plane nodes ' +
          '(kubeadm join --control-plane).',
        commands: [
          'kubectl get nodes -l node-role.kubernetes.io/control-plane -o wide',
          'kubectl -n kube-system get pods -l tier=control-plane -o wide',
        ],
      },
    ];
  },
};
