'use client';

import type { Subscription } from '@hawk/core';
import { createContext, useContext, useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { INITIAL_VIEW } from '../lib/fold-message';
import { useHawkSocket, type HawkConnection, type HawkStore } from '../lib/use-hawk-socket';

const HawkContext = createContext<HawkStore | null>(null);

/** Mounts the page's one socket and shares its store. */
export function HawkProvider({ children }: { children: ReactNode }) {
  const store = useHawkSocket();
  return <HawkContext.Provider value={store}>{children}</HawkContext.Provider>;
}

const serverView = () => INITIAL_VIEW;

/**
 * The folded view and the socket's controls. Each reader takes the view from the store with the server's snapshot
 * (nothing received) while it hydrates: a part of the page hydrating after the first messages arrived (its code
 * still loading) matches the server's HTML, then catches up; a context carrying the view would hand it the new one.
 */
export function useHawk(): HawkConnection {
  const store = useContext(HawkContext);
  if (!store) throw new Error('useHawk needs a <HawkProvider> above it');
  const view = useSyncExternalStore(store.listen, store.getView, serverView);
  return { view, subscribe: store.subscribe, reconnect: store.reconnect };
}

/** Keeps a server subscription for as long as the caller is mounted. */
export function useSubscription(subscription: Subscription | null): void {
  const { subscribe } = useHawk();
  const key = subscription === null ? null : 'clusterId' in subscription ? subscription.clusterId : '*overview*';
  useEffect(() => {
    if (key === null) return;
    return subscribe(key === '*overview*' ? { overview: true } : { clusterId: key });
  }, [key, subscribe]);
}
