'use client';

import { MODEL_VERSION, type ClusterState, type TimelineEvent } from '@hawk/core';
import { useEffect, useState } from 'react';
import { fetchHawk } from './hawk-endpoint';

/** The backend may wrap lists and states in an envelope; accept both shapes. */
function unwrapEvents(body: unknown): readonly TimelineEvent[] {
  if (Array.isArray(body)) return body as TimelineEvent[];
  const events = (body as { events?: unknown } | null)?.events;
  return Array.isArray(events) ? (events as TimelineEvent[]) : [];
}

function unwrapState(body: unknown): ClusterState | null {
  if (!body || typeof body !== 'object') return null;
  if ('identity' in body) return body as ClusterState;
  const state = (body as { state?: unknown }).state;
  return state && typeof state === 'object' ? (state as ClusterState) : null;
}

export interface Loaded<T> {
  readonly value: T;
  readonly loading: boolean;
  readonly error: string | null;
}

/**
 * The timeline history of [from, to] over REST, nothing while the range is not known; `reloadKey` refetches (after a
 * reconnect).
 */
export function useTimelineHistory(
  clusterId: string,
  from: number | null,
  to: number | null,
  reloadKey: unknown,
): Loaded<readonly TimelineEvent[]> {
  const [loaded, setLoaded] = useState<Loaded<readonly TimelineEvent[]>>({ value: [], loading: true, error: null });
  useEffect(() => {
    if (from === null || to === null) return;
    const abort = new AbortController();
    setLoaded((previous) => ({ ...previous, loading: true }));
    fetchHawk<unknown>(`/api/clusters/${encodeURIComponent(clusterId)}/timeline?from=${from}&to=${to}`, abort.signal)
      .then((body) => setLoaded({ value: unwrapEvents(body), loading: false, error: null }))
      .catch((error: unknown) => {
        if (!abort.signal.aborted)
          setLoaded((previous) => ({ value: previous.value, loading: false, error: (error as Error).message }));
      });
    return () => abort.abort();
  }, [clusterId, from, to, reloadKey]);
  return loaded;
}

/** The cluster as it was at `at`, from the backend's history; null `at` means live, nothing to load. */
export function useStateAt(clusterId: string, at: number | null): Loaded<ClusterState | null> {
  const [loaded, setLoaded] = useState<Loaded<ClusterState | null>>({ value: null, loading: false, error: null });
  useEffect(() => {
    if (at === null) {
      setLoaded({ value: null, loading: false, error: null });
      return;
    }
    const abort = new AbortController();
    setLoaded((previous) => ({ ...previous, loading: true }));
    fetchHawk<unknown>(`/api/clusters/${encodeURIComponent(clusterId)}/state-at?t=${at}`, abort.signal)
      .then((body) => {
        const state = unwrapState(body);
        if (!state) setLoaded({ value: null, loading: false, error: 'no state recorded at that moment' });
        // History outlives upgrades: a state of another shape (a count where a list is now) is refused, not misread.
        else if (state.modelVersion !== MODEL_VERSION)
          setLoaded({
            value: null,
            loading: false,
            error:
              `recorded by a hawk of another state model (${state.modelVersion}; this page reads ` +
              `${MODEL_VERSION})`,
          });
        else setLoaded({ value: state, loading: false, error: null });
      })
      .catch((error: unknown) => {
        if (!abort.signal.aborted) setLoaded({ value: null, loading: false, error: (error as Error).message });
      });
    return () => abort.abort();
  }, [clusterId, at]);
  return loaded;
}
