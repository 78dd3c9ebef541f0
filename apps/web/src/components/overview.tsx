'use client';

import type { ClusterSummary } from '@hawk/core';
import { useSearchParams } from 'next/navigation';
import { hrefWith } from '../lib/urls';
import { ClusterTile } from './cluster-tile';
import { useHawk, useSubscription } from './hawk-provider';

/** Up to this many clusters each tile also follows its cluster's full state, for the per-tier glance. */
const DETAILED_TILES = 8;

function DetailedTile({ summary, href }: { summary: ClusterSummary; href: string }) {
  useSubscription({ clusterId: summary.id });
  const { view } = useHawk();
  return <ClusterTile summary={summary} href={href} state={view.clusters[summary.id]?.state ?? null} />;
}

/** Every watched cluster at a glance. The shell already subscribes to the overview. */
export function Overview() {
  const { view } = useHawk();
  const params = useSearchParams();
  const clusters = view.overview?.clusters ?? null;
  return (
    <section className="overview" aria-label="clusters">
      {clusters === null && <p className="muted">waiting for hawk&apos;s backend…</p>}
      {clusters?.length === 0 && <p className="muted">hawk watches no clusters: add contexts to its configuration.</p>}
      <div className="tiles">
        {clusters?.map((summary) => {
          const href = hrefWith(`/clusters/${encodeURIComponent(summary.id)}`, params);
          return clusters.length <= DETAILED_TILES ? <DetailedTile key={summary.id} summary={summary} href={href} /> : <ClusterTile key={summary.id} summary={summary} href={href} />;
        })}
      </div>
    </section>
  );
}
