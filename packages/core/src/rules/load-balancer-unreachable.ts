import { connectionRefused } from '../analysis/derive';
import type { Rule } from './rule';

/** LoadBalancerUnreachable: the load balancer fails while apiservers behind it serve: its own fault. */
export const loadBalancerUnreachable: Rule = {
  id: 'LoadBalancerUnreachable',
  component: 'load-balancer',
  severity: 'critical',
  impact: 'down',
  summary: 'The load balancer in front of the apiservers does not answer while instances serve.',
  evaluate: (input, derived, config, now) => {
    const { frontDoor } = input;
    const probe = frontDoor.health.readyz ?? frontDoor.health.livez;
    // With no instance serving, the load balancer failing is a consequence, said by ApiServerReducedServing.
    if (frontDoor.kind !== 'load-balancer' || probe === null || probe.ok || derived.serving.length === 0) return [];
    // It accepted the connection and relayed a failure: perhaps of an instance its health check has not yet removed,
    // or, when instances have only just begun serving (quorum back, say), not yet re-admitted (HAProxy: rise × inter).
    // The grace runs from its first failure: while all is calm the front door is probed only every other interval,
    // so its last success can be older than the grace at the very first relayed failure (kubeadm chaos, seed 31).
    const refused = connectionRefused(probe);
    const { lastOkAt, failingSince } = frontDoor.health;
    const servingSince = Math.min(...derived.serving.map((instance) => instance.health.okSince ?? now));
    const graceFrom = Math.max(failingSince ?? lastOkAt ?? -Infinity, servingSince);
    if (!refused && now - graceFrom < config.loadBalancerFailureGraceMs) return [];
    return [
      {
        subject: frontDoor.url,
        title:
          `load balancer down: ${frontDoor.url} does not answer while ` +
          `${derived.serving.length}/${input.apiServers.length} apiservers serve`,
        evidence: {
          server: frontDoor.url,
          httpStatus: probe.httpStatus,
          error: probe.error,
          serving: derived.serving.length,
          lastOkAt,
          failingSince: failingSince ?? null,
        },
        remediation:
          'Restart or fail over the load balancer (HAProxy, cloud LB, VIP); clients and kubelets using its ' +
          'address are cut off although the apiservers are fine.',
        commands: [
          `curl -k ${frontDoor.url}/readyz`,
          'kubectl -n default get endpointslices -l kubernetes.io/service-name=kubernetes -o wide',
        ],
      },
    ];
  },
};
