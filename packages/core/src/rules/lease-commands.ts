import type { LeaseView } from '../model/lease';

/** Commands to look at a leader-election lease and the component behind it. */
export function leaseCommands(lease: LeaseView): string[] {
  return [
    `kubectl -n ${lease.namespace} get lease ${lease.name} -o yaml`,
    `kubectl -n ${lease.namespace} get leasecandidates`,
    `kubectl -n ${lease.namespace} get pods -l component=${lease.component} -o wide`,
  ];
}

export function leaseSubject(lease: LeaseView): string {
  return `${lease.namespace}/${lease.name}`;
}
