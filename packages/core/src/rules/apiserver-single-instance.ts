import type { Rule } from './rule';

/** ApiServerSingleInstance: only one kube-apiserver exists, so its restart is an outage. */
export const apiServerSingleInstance: Rule = {
  id: 'ApiServerSingleInstance',
  component: 'apiserver',
  severity: 'warning',
  impact: 'spof',
  summary: 'Only one kube-apiserver instance exists.',
  evaluate: (input) =>
    input.apiServers.length !== 1
      ? []
      : [
          {
            subject: input.apiServers[0]!.id,
            title: 'one apiserver: a single point of failure',
            evidence: { instances: 1, instance: input.apiServers[0]!.id },
            remediation:
              'Run at least three control-plane nodes with kube-apiserver behind a load balancer, so one can ' +
              'restart or fail without an outage.',
            commands: [
              'kubectl -n default get endpointslices -l kubernetes.io/service-name=kubernetes -o wide',
              'kubectl -n kube-system get pods -l component=kube-apiserver -o wide',
            ],
          },
        ],
};
