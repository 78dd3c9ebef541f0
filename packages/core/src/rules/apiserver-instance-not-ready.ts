import { isServing } from '../analysis/derive';
import type { ApiServerInstance } from '../model/apiserver';
import type { Rule } from './rule';

/** ApiServerInstanceNotReady: one named instance fails its probes, with the checks it fails. */
export const apiServerInstanceNotReady: Rule = {
  id: 'ApiServerInstanceNotReady',
  component: 'apiserver',
  severity: 'warning',
  impact: 'degraded',
  summary: 'A kube-apiserver instance fails /readyz or /livez, or stopped renewing its identity lease.',
  evaluate: (input, derived, config, now) =>
    !derived.probesLive
      ? []
      : input.apiServers
          .filter((instance) => !isServing(instance, config, now))
          .map((instance) => ({
            subject: instance.id,
            title: `apiserver ${instance.host ?? instance.id} not ready: ${reasonOf(instance)}`,
            evidence: {
              instance: instance.id,
              node: instance.node,
              failedChecks: instance.health.readyz?.failedChecks.join(', ') ?? null,
              httpStatus: instance.health.readyz?.httpStatus ?? null,
              error: instance.health.readyz?.error ?? instance.health.livez?.error ?? null,
              lastOkAt: instance.health.lastOkAt,
            },
            remediation:
              'Check the instance\'s logs and its failing checks; an "etcd" check failing points at etcd, ' +
              'not at this apiserver.',
            commands: instance.address
              ? [
                  `kubectl get --raw='/readyz?verbose' --server=https://${instance.address}:${instance.port ?? 6443}`,
                  'kubectl -n kube-system get pods -l component=kube-apiserver -o wide',
                ]
              : ['kubectl -n kube-system get leases -l apiserver.kubernetes.io/identity -o wide'],
          })),
};

function reasonOf(instance: ApiServerInstance): string {
  if (instance.address === null) return 'identity lease not renewed';
  const probe =
    instance.health.readyz?.ok === false
      ? instance.health.readyz
      : instance.health.livez?.ok === false
        ? instance.health.livez
        : null;
  if (probe === null) return 'not probed yet';
  if (probe.failedChecks.length > 0) return `failing ${probe.failedChecks.join(', ')}`;
  if (probe.httpStatus !== null) return `HTTP ${probe.httpStatus}`;
  return probe.error ?? 'no answer';
}
