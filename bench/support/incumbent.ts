/**
 * The incumbent path: the standard Prometheus alerts (kubernetes-mixin, etcd-mixin, kube-prometheus)
 * for the same faults, and how long they need at the earliest: their `for:` plus one 30 s scrape.
 * `null` means no standard alert fires at all for that fault (e.g. KubeControllerManagerDown needs
 * every instance gone, so losing the leader of three is invisible to it).
 */
export interface IncumbentAlert {
  readonly alert: string | null;
  readonly forSeconds: number | null;
  readonly note: string;
}

const SCRAPE_SECONDS = 30;

export const INCUMBENT: Readonly<Record<string, IncumbentAlert>> = {
  'kill the kube-controller-manager leader': {
    alert: null,
    forSeconds: null,
    note:
      'KubeControllerManagerDown (for 15m) fires only when every instance is down: ' +
      'a lost leader among three is never alerted',
  },
  'kill the kube-scheduler leader': {
    alert: null,
    forSeconds: null,
    note: 'KubeSchedulerDown (for 15m) fires only when every instance is down',
  },
  'freeze the kube-controller-manager leader': {
    alert: null,
    forSeconds: null,
    note: 'a frozen process still answers nothing, but two others are up: KubeControllerManagerDown never fires',
  },
  'freeze the kube-scheduler leader': { alert: null, forSeconds: null, note: 'as above for KubeSchedulerDown' },
  'stop one apiserver': {
    alert: 'TargetDown',
    forSeconds: 600,
    note: 'KubeAPIDown (for 15m) needs every apiserver down; kube-prometheus TargetDown (for 10m) catches one of three',
  },
  'stop the load balancer': {
    alert: null,
    forSeconds: null,
    note: 'no standard alert probes the load balancer; scrapes go to instances directly',
  },
  'stop one etcd member': { alert: 'etcdMembersDown', forSeconds: 600, note: 'etcd-mixin etcdMembersDown, for 10m' },
  'stop two etcd members': {
    alert: 'etcdInsufficientMembers',
    forSeconds: 180,
    note: 'etcd-mixin etcdInsufficientMembers, for 3m (etcdNoLeader, for 1m, needs the stopped members scraped)',
  },
  'restart the etcd leader 3 times': {
    alert: 'etcdHighNumberOfLeaderChanges',
    forSeconds: 300,
    note: 'etcd-mixin etcdHighNumberOfLeaderChanges, 4 changes in 15m, for 5m',
  },
};

/**
 * Earliest time (ms) the incumbent alert could fire, or null if none would. Derived from the rule's
 * `for:` and the scrape interval, not measured: no Prometheus runs against the lab for it.
 */
export function incumbentLatencyMs(fault: string): number | null {
  const entry = INCUMBENT[fault];
  if (!entry || entry.forSeconds === null) return null;
  return (entry.forSeconds + SCRAPE_SECONDS) * 1000;
}
