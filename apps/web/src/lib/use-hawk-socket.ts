'use client';

import type { ClientToServerEvents, ServerToClientEvents, Subscription } from '@hawk/core';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { io, type Socket } from 'socket.io-client';
import { foldMessage, INITIAL_VIEW, type HawkMessage, type HawkView } from './fold-message';
import { hawkApiBase, readToken } from './hawk-endpoint';

type HawkSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface HawkConnection {
  readonly view: HawkView;
  /** Subscribes while the caller is mounted; returns the unsubscribe for an effect's cleanup. */
  readonly subscribe: (subscription: Subscription) => () => void;
  /** Reconnects, e.g. after a token was entered. */
  readonly reconnect: () => void;
}

/**
 * The socket's folded view as a store, the same object for the page's life: each reader takes the view with
 * useSyncExternalStore (see useHawk), never through a context value that changes with every message.
 */
export interface HawkStore extends Omit<HawkConnection, 'view'> {
  readonly getView: () => HawkView;
  /** Calls `listener` after every fold; returns the way to stop. */
  readonly listen: (listener: () => void) => () => void;
}

const keyOf = (subscription: Subscription): string =>
  'clusterId' in subscription ? `cluster:${subscription.clusterId}` : 'overview';

/**
 * The one owner of the socket. Every server message goes through `foldMessage`; this hook only
 * wires events in, runs the fold's commands, and re-subscribes after each (re)connect so the
 * server answers with fresh snapshots and the page catches up by itself.
 */
export function useHawkSocket(): HawkStore {
  const viewRef = useRef<HawkView>(INITIAL_VIEW);
  const listenersRef = useRef(new Set<() => void>());
  const socketRef = useRef<HawkSocket | null>(null);
  // Reference counts: two components asking for one cluster share one server subscription.
  const subscriptionsRef = useRef(new Map<string, { subscription: Subscription; count: number }>());

  const dispatch = useCallback((message: HawkMessage) => {
    const { view, commands } = foldMessage(viewRef.current, message);
    viewRef.current = view;
    for (const command of commands) socketRef.current?.emit('resync', { clusterId: command.clusterId });
    for (const listener of listenersRef.current) listener();
  }, []);

  useEffect(() => {
    const socket: HawkSocket = io(hawkApiBase(), {
      transports: ['websocket', 'polling'],
      // Read on every attempt, so a token entered after a refusal is used by the next one.
      auth: (callback) => {
        const token = readToken();
        callback(token ? { token } : {});
      },
      reconnectionDelayMax: 5000,
    });
    socketRef.current = socket;
    socket.on('connect', () => {
      dispatch({ type: 'connected', at: Date.now() });
      for (const { subscription } of subscriptionsRef.current.values()) socket.emit('subscribe', subscription);
    });
    socket.on('connect_error', (error) => dispatch({ type: 'connect-failed', at: Date.now(), error: error.message }));
    socket.on('disconnect', (reason) => {
      dispatch({ type: 'disconnected', at: Date.now() });
      // socket.io retries by itself except when the server closed the socket (a backend shutting down): retry then too.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('snapshot', (message) => dispatch({ type: 'snapshot', at: Date.now(), message }));
    socket.on('patch', (message) => dispatch({ type: 'patch', at: Date.now(), message }));
    socket.on('overview', (message) => dispatch({ type: 'overview', at: Date.now(), message }));
    socket.on('timeline', (event) => dispatch({ type: 'timeline', at: Date.now(), event }));
    socket.on('hawk-error', (message) => dispatch({ type: 'hawk-error', at: Date.now(), message }));
    return () => {
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [dispatch]);

  const subscribe = useCallback((subscription: Subscription) => {
    const key = keyOf(subscription);
    const existing = subscriptionsRef.current.get(key);
    if (existing) existing.count += 1;
    else {
      subscriptionsRef.current.set(key, { subscription, count: 1 });
      if (socketRef.current?.connected) socketRef.current.emit('subscribe', subscription);
    }
    return () => {
      const entry = subscriptionsRef.current.get(key);
      if (!entry) return;
      entry.count -= 1;
      if (entry.count > 0) return;
      subscriptionsRef.current.delete(key);
      if (socketRef.current?.connected) socketRef.current.emit('unsubscribe', subscription);
    };
  }, []);

  const reconnect = useCallback(() => {
    socketRef.current?.disconnect().connect();
  }, []);

  const getView = useCallback(() => viewRef.current, []);
  const listen = useCallback((listener: () => void) => {
    listenersRef.current.add(listener);
    return () => {
      listenersRef.current.delete(listener);
    };
  }, []);
  return useMemo(() => ({ getView, listen, subscribe, reconnect }), [getView, listen, subscribe, reconnect]);
}
