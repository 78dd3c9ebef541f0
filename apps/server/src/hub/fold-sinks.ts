import {
  observeLease,
  observeRenewal,
  type HawkConfig,
  type LeaderTransition,
  type LeaseRecord,
  type LeaseTrack,
  type Renewable,
  type Renewed,
} from '@hawk/core';
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
export function renewalSink<T extends Renewable>(
  store: Map<string, Renewed<T>>,
  now: () => number,
  after: () => void,
): WatchSink<T> {
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

/** Components whose lease, once deleted, is still shown (as having no holder) until a relist. */
const COMPONENTS_WORTH_A_DELETED_LEASE = new Set([
  'kube-controller-manager',
  'kube-scheduler',
  'cloud-controller-manager',
]);

/** leaseSink folds leader-election leases with core's tracker; a holder change is passed to `transitioned`. */
export function leaseSink(
  leases: Map<string, LeaseTrack>,
  config: HawkConfig,
  now: () => number,
  transitioned: (transition: LeaderTransition) => void,
  after: () => void,
): WatchSink<LeaseRecord> {
  const observe = (key: string, record: LeaseRecord | null) => {
    const previous = leases.get(key);
    if (previous === undefined && record === null) return;
    const { track, transition } = observeLease(previous, record, now(), config);
    // A deleted lease that was never held again is dropped rather than judged forever.
    if (record === null && previous?.record === null) leases.delete(key);
    else leases.set(key, track);
    if (transition) transitioned(transition);
  };
  return {
    replace(items) {
      for (const key of leases.keys()) if (!items.has(key)) observe(key, null);
      for (const [key, record] of items) observe(key, record);
      after();
    },
    upsert(key, record) {
      observe(key, record);
      after();
    },
    remove(key) {
      // A deleted lease of a control-plane component is shown (nothing elects it any more); any
      // other lease deleted is simply gone, as kubectl would show it, not a warning kept until a relist.
      if (COMPONENTS_WORTH_A_DELETED_LEASE.has(leases.get(key)?.component ?? '')) observe(key, null);
      else leases.delete(key);
      after();
    },
  };
}
