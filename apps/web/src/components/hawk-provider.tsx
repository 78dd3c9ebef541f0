'use client';

import type { Subscription } from '@hawk/core';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useHawkSocket, type HawkConnection } from '../lib/use-hawk-socket';

const HawkContext = createContext<HawkConnection | null>(null);

/** Mounts the page's one socket and shares its folded view. */
export function HawkProvider({ children }: { children: ReactNode }) {
  const hawk = useHawkSocket();
  return <HawkContext.Provider value={hawk}>{children}</HawkContext.Provider>;
}

export function useHawk(): HawkConnection {
  const hawk = useContext(HawkContext);
  if (!hawk) throw new Error('useHawk needs a <HawkProvider> above it');
  return hawk;
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
