import type { Rule } from './rule';

/** ClusterControlPlaneNotVisible: a managed control plane hides itself; hawk says so and judges nothing. */
export const clusterControlPlaneNotVisible: Rule = {
  id: 'ClusterControlPlaneNotVisible',
  component: 'cluster',
  severity: 'info',
  impact: 'none',
  summary: 'The control plane is managed and not visible from the API.',
  evaluate: (input) =>
    !input.controlPlaneHidden
      ? []
      : [
          {
            subject: null,
            title: 'managed control plane: not visible, neither healthy nor broken',
            evidence: {
              apiserverPods: input.pods.filter((p) => p.component === 'kube-apiserver').length,
              leaderLeases: Object.keys(input.leases).length,
            },
            remediation:
              "The provider runs the control plane; its HA is theirs to report (check the provider's status " +
              'page and SLA).',
            commands: ["kubectl get --raw='/readyz?verbose'", 'kubectl -n kube-system get leases'],
          },
        ],
};
