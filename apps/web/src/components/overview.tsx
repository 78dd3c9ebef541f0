'use client';

import type { ClusterSummary } from '@hawk/core';
import { useSearchParams } from 'next/navigation';
import { Fragment, type CSSProperties, type ReactNode } from 'react';
import { hrefWith } from '../lib/urls';
import { wallLayout, worstFirst } from '../lib/wall-layout';
import { ClusterTile } from './cluster-tile';
import { ClusterView } from './cluster-view';
import { useHawk, useSubscription } from './hawk-provider';

/** Up to this many clusters each tile also follows its cluster's full state, for the per-tier glance. */
const DETAILED_TILES = 12;

function DetailedTile({ summary, href }: { summary: ClusterSummary; href: string }) {
  useSubscription({ clusterId: summary.id });
  const { view } = useHawk();
  return <ClusterTile summary={summary} href={href} state={view.clusters[summary.id]?.state ?? null} />;
}

/** The wall with one cluster: its whole control plane, not a lone tile. */
function SingleClusterWall({ summary }: { summary: ClusterSummary }) {
  useSubscription({ clusterId: summary.id });
  const { view } = useHawk();
  const state = view.clusters[summary.id]?.state;
  if (!state) return <p className="muted">waiting for {summary.name}…</p>;
  return <ClusterView state={state} />;
}

/** The grid of tiles, sized for the wall by the number of clusters; `tile` renders one (live or a fixture). */
export function ClusterGrid({
  clusters,
  kiosk,
  tile,
}: {
  clusters: readonly ClusterSummary[];
  kiosk: boolean;
  tile: (summary: ClusterSummary) => ReactNode;
}) {
  const layout = wallLayout(clusters.length);
  const style = { '--columns': layout.columns, '--rows': layout.rows } as CSSProperties;
  return (
    <div className="tiles" style={kiosk ? style : undefined}>
      {clusters.map((summary) => (
        <Fragment key={summary.id}>{tile(summary)}</Fragment>
      ))}
    </div>
  );
}

/** Every watched cluster at a glance, worst first. The shell already subscribes to the overview. */
export function Overview() {
  const { view } = useHawk();
  const params = useSearchParams();
  const kiosk = params.get('kiosk') === '1';
  const clusters = view.overview ? worstFirst(view.overview.clusters) : null;
  const density = wallLayout(clusters?.length ?? 0).density;
  return (
    <section className={`overview wall-${density}`} aria-label="clusters" data-testid="overview" data-density={density}>
      {clusters === null && <p className="muted">waiting for hawk&apos;s backend…</p>}
      {clusters?.length === 0 && <p className="muted">hawk watches no clusters: add contexts to its configuration.</p>}
      {kiosk && clusters?.length === 1 ? (
        <SingleClusterWall summary={clusters[0]!} />
      ) : (
        clusters && (
          <ClusterGrid
            clusters={clusters}
            kiosk={kiosk}
            tile={(summary) => {
              const href = hrefWith(`/clusters/${encodeURIComponent(summary.id)}`, params);
              return clusters.length <= DETAILED_TILES ? (
                <DetailedTile summary={summary} href={href} />
              ) : (
                <ClusterTile summary={summary} href={href} />
              );
            }}
          />
        )
      )}
    </section>
  );
}
