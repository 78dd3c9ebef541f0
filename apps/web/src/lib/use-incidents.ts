'use client';

import type { Incident } from '@hawk/core';
import { useEffect, useState } from 'react';
import { fetchHawk } from './hawk-endpoint';
import type { Loaded } from './use-history';

/** An incident as /api/clusters/:id/incidents lists it: core's incident, its first title, its summary once ended. */
export interface ListedIncident extends Omit<Incident, 'clusterId'> {
  readonly title: string;
  /** Markdown written by core when the incident ended; null while it lasts. */
  readonly summary: string | null;
}

/** The cluster's incidents over REST (the backend's default window); `reloadKey` refetches (a finding resolved). */
export function useIncidents(clusterId: string, reloadKey: unknown): Loaded<readonly ListedIncident[]> {
  const [loaded, setLoaded] = useState<Loaded<readonly ListedIncident[]>>({ value: [], loading: true, error: null });
  useEffect(() => {
    const abort = new AbortController();
    fetchHawk<{ incidents?: ListedIncident[] }>(
      `/api/clusters/${encodeURIComponent(clusterId)}/incidents`,
      abort.signal,
    )
      .then((body) => setLoaded({ value: body.incidents ?? [], loading: false, error: null }))
      .catch((error: unknown) => {
        if (!abort.signal.aborted)
          setLoaded((previous) => ({ value: previous.value, loading: false, error: (error as Error).message }));
      });
    return () => abort.abort();
  }, [clusterId, reloadKey]);
  return loaded;
}
