import type { CarriedFinding, ClusterState, TimelineEvent } from '@hawk/core';
import type { ClusterHub } from '@hawk/server/hub';
import { createListeners } from '@hawk/server/listeners';

/** A ClusterHub driven by hand: the test plays the sources' part of the seam. */
export interface MemoryHub extends ClusterHub {
  push(state: ClusterState): void;
  emitTimeline(event: TimelineEvent): void;
  setSettled(settled: boolean): void;
  readonly started: number;
  readonly running: boolean;
  /** What the server handed each cluster of what its stored timeline left open (ClusterHub.carryOver). */
  readonly carriedOver: ReadonlyMap<string, readonly CarriedFinding[]>;
}

export function createMemoryHub(initial: readonly ClusterState[] = []): MemoryHub {
  const states = new Map(initial.map((state) => [state.identity.id, state]));
  // A listener that throws fails the test that pushed.
  const rethrow = (error: unknown) => {
    throw error;
  };
  const stateListeners = createListeners<ClusterState>(rethrow);
  const timelineListeners = createListeners<TimelineEvent>(rethrow);
  let settled = true;
  let started = 0;
  let running = false;
  const carriedOver = new Map<string, readonly CarriedFinding[]>();
  return {
    carriedOver,
    carryOver(clusterId, findings) {
      carriedOver.set(clusterId, findings);
    },
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
    onState: stateListeners.add,
    onTimeline: timelineListeners.add,
    settled: () => settled,
    push(state) {
      states.set(state.identity.id, state);
      // Like the real hub: a hub not started (or closed) watches nothing and says nothing.
      if (running) stateListeners.emit(state);
    },
    emitTimeline(event) {
      if (running) timelineListeners.emit(event);
    },
    setSettled(value) {
      settled = value;
    },
  };
}
