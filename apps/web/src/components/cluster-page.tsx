'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useMemo, useState } from 'react';
import { parseTime } from '../lib/format';
import { mergeTimeline } from '../lib/selectors';
import { useStateAt, useTimelineHistory } from '../lib/use-history';
import { useIncidents } from '../lib/use-incidents';
import { timelineRange } from '../lib/timeline-range';
import { useNow } from '../lib/use-now';
import { withParams } from '../lib/urls';
import { ClusterView } from './cluster-view';
import { useHawk, useSubscription } from './hawk-provider';
import { IncidentsPanel } from './incidents-panel';
import { TimelinePanel } from './timeline-panel';

const DEFAULT_SPAN_MS = 60 * 60_000;

/** /clusters/[id]: the live state from the socket, or the past from /state-at when `?at=` is set. */
export function ClusterPage({ clusterId }: { clusterId: string }) {
  useSubscription({ clusterId });
  const { view } = useHawk();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const now = useNow();
  const [spanMs, setSpanMs] = useState(DEFAULT_SPAN_MS);

  const pastAt = parseTime(params.get('at'));
  // `now` is 0 on the server and while hydrating (useNow's server snapshot): the range waits for the browser's clock,
  // so the timeline (its times in the browser's zone) is in neither the server's HTML nor the first client render.
  const range =
    now === 0 ? null : timelineRange(parseTime(params.get('from')), parseTime(params.get('to')), spanMs, now);
  const from = range?.from ?? null;
  const to = range?.to ?? null;

  const live = view.clusters[clusterId];
  const past = useStateAt(clusterId, pastAt);
  const history = useTimelineHistory(
    clusterId,
    range?.historyFrom ?? null,
    range?.historyTo ?? null,
    view.connection.since,
  );
  const liveEvents = view.liveTimeline[clusterId];
  const events = useMemo(
    () => (from === null || to === null ? [] : mergeTimeline(history.value, liveEvents ?? [], from, to)),
    [history.value, liveEvents, from, to],
  );

  // An incident ends when a finding resolves: each live event may be one, so the list is read again.
  const incidents = useIncidents(clusterId, `${view.connection.since}:${liveEvents?.length ?? 0}`);

  const scrub = (at: number) =>
    router.replace(withParams(pathname, params, { at: String(Math.min(at, Date.now())) }), { scroll: false });
  const changeSpan = (span: number) => {
    setSpanMs(span);
    if (range?.fixed) router.replace(withParams(pathname, params, { from: null, to: null }), { scroll: false });
  };

  const timeline =
    range === null ? null : (
      <TimelinePanel
        events={events}
        from={range.from}
        to={range.to}
        at={pastAt}
        spanMs={range.fixed ? null : spanMs}
        onScrub={scrub}
        onSpan={changeSpan}
        error={history.error}
      />
    );

  const incidentsPanel = <IncidentsPanel incidents={incidents.value} error={incidents.error} />;
  const timelineAndIncidents = (
    <>
      {timeline}
      {incidentsPanel}
    </>
  );

  if (pastAt !== null) {
    if (past.value)
      return (
        <ClusterView state={past.value} pastAt={pastAt} highlightFinding={params.get('finding')} timeline={timeline} />
      );
    const pastStatus = past.loading
      ? 'loading the state as it was…'
      : `no state for that moment: ${past.error ?? 'unknown'}`;
    return (
      <div className="cluster-view cluster-view-past">
        <div className="past-banner" role="status" data-testid="past-banner">
          <strong>PAST</strong> {pastStatus} Press <kbd>Esc</kbd> for live.
        </div>
        {timeline}
      </div>
    );
  }
  if (!live) {
    const error =
      view.lastError?.code === 'unknown-cluster' ? `hawk does not watch a cluster called "${clusterId}".` : null;
    return <p className="muted">{error ?? `waiting for ${clusterId}…`}</p>;
  }
  return <ClusterView state={live.state} highlightFinding={params.get('finding')} timeline={timelineAndIncidents} />;
}
