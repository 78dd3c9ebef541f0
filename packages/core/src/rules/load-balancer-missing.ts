import type { Rule } from './rule';

/** LoadBalancerMissing: kubeconfig points straight at one apiserver, so clients die with it. */
export const loadBalancerMissing: Rule = {
  id: 'LoadBalancerMissing',
  component: 'load-balancer',
  severity: 'warning',
  impact: 'spof',
  summary: 'kubeconfig points at a single apiserver instance instead of a load balancer.',
  evaluate: (input) =>
    input.frontDoor.kind !== 'instance'
      ? []
      : [
          {
            subject: input.frontDoor.url,
            title: 'no load balancer: kubeconfig points at a single apiserver instance',
            evidence: { server: input.frontDoor.url, instances: input.apiServers.length },
            remediation:
              'Put the apiservers behind a load balancer (or kube-vip/keepalived VIP) and point kubeconfig ' +
              'and kubelets at it (kubeadm: --control-plane-endpoint); other instances do not help clients ' +
              'that cannot reach them.',
            commands: [
              "kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}'",
              'kubectl -n default get endpointslices -l kubernetes.io/service-name=kubernetes -o wide',
            ],
          },
        ],
};
