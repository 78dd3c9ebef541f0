import type { ClusterState } from '@hawk/core';

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * One metric family as data: name, help, type and a pure generator from a cluster's state. A value
 * the state does not have yields no sample, never a made-up zero.
 */
export interface ClusterFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly labelNames: readonly string[];
  readonly generate: (state: ClusterState, now: number) => readonly Sample[];
}

/** Prometheus booleans: 1 or 0. */
export const bit = (value: boolean): number => (value ? 1 : 0);
