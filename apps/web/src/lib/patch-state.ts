import type { ClusterState } from '@hawk/core';

/** Replaces the top-level parts a patch carries; the server always sends a part whole. */
export function patchState(state: ClusterState, parts: Partial<ClusterState>): ClusterState {
  return { ...state, ...parts };
}
