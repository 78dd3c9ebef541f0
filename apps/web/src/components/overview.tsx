'use client';

import { useSearchParams } from 'next/navigation';
import { hrefWith } from '../lib/urls';
import { ClusterTile } from './cluster-tile';
import { useHawk } from './hawk-provider';

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
        {clusters?.map((summary) => (
          <ClusterTile key={summary.id} summary={summary} href={hrefWith(`/clusters/${encodeURIComponent(summary.id)}`, params)} />
        ))}
      </div>
    </section>
  );
}
