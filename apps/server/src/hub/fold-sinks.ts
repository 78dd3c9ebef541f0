import { observeRenewal, type Renewable, type Renewed } from '@hawk/core';
import type { WatchSink } from '../sources/registry';

/** mapSink keeps a watch's objects as they are; `after` runs after every change. */
export function mapSink<T>(store: Map<string, T>, after: () => void): WatchSink<T> {
  return {
    replace(items) {
      store.clear();
      for (const [key, value] of items) store.set(key, value);
      after();
    },
    upsert(key, value) {
      store.set(key, value);
      after();
    },
    remove(key) {
      store.delete(key);
      after();
    },
  };
}

/** renewalSink stamps each object with hawk's clock at its observed renewal (core's observeRenewal). */
export function renewalSink<T extends Renewable>(store: Map<string, Renewed<T>>, now: () => number, after: () => void): WatchSink<T> {
  return {
    replace(items) {
      const at = now();
      const next = [...items].map(([key, value]) => [key, observeRenewal(store.get(key), value, at)] as const);
      store.clear();
      for (const [key, value] of next) store.set(key, value);
      after();
    },
    upsert(key, value) {
      store.set(key, observeRenewal(store.get(key), value, now()));
      after();
    },
    remove(key) {
      store.delete(key);
      after();
    },
  };
}
