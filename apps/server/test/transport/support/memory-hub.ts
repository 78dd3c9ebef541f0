import type { ClusterState, TimelineEvent } from '@hawk/core';
import type { ClusterHub } from '../../../src/hub';

/** A ClusterHub driven by hand: the test plays the sources' part of the seam. */
export interface MemoryHub extends ClusterHub {
  push(state: ClusterState): void;
  emitTimeline(event: TimelineEvent): void;
  setSettled(settled: boolean): void;
  readonly started: number;
  readonly running: boolean;
}

export function createMemoryHub(initial: readonly ClusterState[] = []): MemoryHub {
  const states = new Map(initial.map((state) => [state.identity.id, state]));
  const stateListeners = new Set<(state: ClusterState) => void>();
  const timelineListeners = new Set<(event: TimelineEvent) => void>();
  let settled = true;
  let started = 0;
  let running = false;
  return {
    get started() {
      return started;
    },
    get running() {
      return running;
    },
    async start() {
      started += 1;
      running = true;
    },
    async stop() {
      running = false;
    },
    list: () => [...states.values()],
    get: (id) => states.get(id),
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    onTimeline(listener) {
      timelineListeners.add(listener);
      return () => timelineListeners.delete(listener);
    },
    settled: () => settled,
    push(state) {
      states.set(state.identity.id, state);
      // Like the real hub: a hub not started (or closed) watches nothing and says nothing.
      if (running) stateListeners.forEach((listener) => listener(state));
    },
    emitTimeline(event) {
      if (running) timelineListeners.forEach((listener) => listener(event));
    },
    setSettled(value) {
      settled = value;
    },
  };
}
