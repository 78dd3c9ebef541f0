import type { TimelineEvent } from '@hawk/core';
import type { Logger } from '../logger';

/** logTimeline: what the log says of what a cluster's observations saw happen (probes, leaders). */
export function logTimeline(log: Logger, cluster: string, event: TimelineEvent): void {
  if (event.kind === 'probe-failed') log.warn({ cluster, target: event.target, error: event.error }, 'probe failed');
  else if (event.kind === 'probe-recovered') log.info({ cluster, target: event.target }, 'probe recovered');
  else if (event.kind === 'leader-transition')
    log.info(
      {
        cluster,
        lease: event.transition.lease,
        from: event.transition.from,
        to: event.transition.to,
        leaderlessMs: event.transition.leaderlessMs,
      },
      'leader transition',
    );
  else if (event.kind === 'etcd-leader-change')
    log.info({ cluster, from: event.from, to: event.to }, 'etcd leader change');
}
