import type { Rule } from './rule';

/** ClusterUnreachable: hawk cannot reach the cluster's API at all. */
export const clusterUnreachable: Rule = {
  id: 'ClusterUnreachable',
  component: 'cluster',
  severity: 'critical',
  impact: 'unknown',
  summary: "The cluster's API cannot be reached.",
  evaluate: (input) =>
    input.reachability.state !== 'unreachable'
      ? []
      : [
          {
            subject: null,
            title: `cluster unreachable: ${input.reachability.error}`,
            evidence: {
              server: input.identity.server,
              error: input.reachability.error,
              since: input.reachability.since,
            },
            remediation:
              'Check the network path to the server in kubeconfig, the load balancer and the credentials; ' +
              'hawk shows nothing it cannot see.',
            commands: [
              `kubectl --context ${input.identity.context} get --raw='/readyz?verbose'`,
              `kubectl --context ${input.identity.context} cluster-info`,
            ],
          },
        ],
};
