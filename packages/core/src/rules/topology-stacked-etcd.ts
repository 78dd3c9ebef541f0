import type { Rule } from './rule';

/**
 * TopologyStackedEtcd: etcd shares nodes with the apiservers; losing a node costs both. Normal for kubeadm, so info.
 */
export const topologyStackedEtcd: Rule = {
  id: 'TopologyStackedEtcd',
  component: 'topology',
  severity: 'info',
  impact: 'none',
  summary: 'etcd runs stacked on the control-plane nodes.',
  evaluate: (input) =>
    input.etcd.topology !== 'stacked'
      ? []
      : [
          {
            subject: null,
            title: 'stacked etcd: each control-plane node failure costs an apiserver and an etcd member together',
            evidence: { topology: 'stacked', evidence: input.etcd.topologyEvidence.join('; ') },
            remediation:
              'Fine with three or more nodes; for larger clusters consider external etcd so the failure ' +
              'domains decouple.',
            commands: ['kubectl -n kube-system get pods -l component=etcd -o wide'],
          },
        ],
};
