import type { Rule } from './rule';

/**
 * TopologySingleZone: every control-plane node sits in one zone; a zone outage takes them all. Often by design, hence
 * info.
 */
export const topologySingleZone: Rule = {
  id: 'TopologySingleZone',
  component: 'topology',
  severity: 'info',
  impact: 'none',
  summary: 'All control-plane nodes are labelled with the same zone.',
  evaluate: (input) => {
    const zones = new Set(input.nodes.map((node) => node.zone));
    const zone = [...zones][0];
    if (input.nodes.length < 2 || zones.size !== 1 || zone === null || zone === undefined) return [];
    return [
      {
        subject: zone,
        title: `all ${input.nodes.length} control-plane nodes in zone ${zone}`,
        evidence: { zone, nodes: input.nodes.length },
        remediation:
          'Place control-plane nodes in three zones if the platform offers them, so a zone outage keeps etcd quorum.',
        commands: ['kubectl get nodes -l node-role.kubernetes.io/control-plane -L topology.kubernetes.io/zone'],
      },
    ];
  },
};
