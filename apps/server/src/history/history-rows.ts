import { diffStates, type ClusterState } from '@hawk/core';

/**
 * What both backends store: timeline events, and each cluster's states as a chain of rows, a full
 * snapshot now and then and the changed parts between. The SQL dialect differs; the model does not.
 */

/** The words of one SQL dialect that the history tables are written in. */
export interface HistoryDialect {
  /** Before every table and index name (a shared database may hold others' tables). */
  readonly prefix: string;
  readonly rowId: string;
  readonly epochMs: string;
  /** The column saying a state row is a full snapshot (FULL is a keyword in PostgreSQL). */
  readonly fullColumn: string;
  readonly boolean: string;
  readonly json: string;
}

export const historySchema = ({ prefix, rowId, epochMs, fullColumn, boolean, json }: HistoryDialect) => `
  CREATE TABLE IF NOT EXISTS ${prefix}timeline (
    id ${rowId}, cluster_id TEXT NOT NULL, at ${epochMs} NOT NULL, kind TEXT NOT NULL, body ${json} NOT NULL);
  CREATE INDEX IF NOT EXISTS ${prefix}timeline_by_cluster_time ON ${prefix}timeline (cluster_id, at);
  CREATE TABLE IF NOT EXISTS ${prefix}states (
    id ${rowId}, cluster_id TEXT NOT NULL, at ${epochMs} NOT NULL, ${fullColumn} ${boolean} NOT NULL,
    body ${json} NOT NULL);
  CREATE INDEX IF NOT EXISTS ${prefix}states_by_cluster_time ON ${prefix}states (cluster_id, at);
`;

/** The last state row written for a cluster: the next row may be a patch on it. */
export interface ChainTail {
  readonly state: ClusterState;
  readonly at: number;
  readonly sinceFull: number;
}

/** A state row to write, and the tail it makes. */
export interface StateRow {
  readonly at: number;
  readonly full: boolean;
  readonly body: string;
  readonly tail: ChainTail;
}

/**
 * nextStateRow: a full snapshot when there is no tail to patch or every `snapshotEvery` rows, else the parts that
 * changed since the tail; undefined when nothing did. `notBefore`: the time of the cluster's last row, when no tail is
 * known.
 */
export function nextStateRow(
  tail: ChainTail | undefined,
  state: ClusterState,
  snapshotEvery: number,
  notBefore = 0,
): StateRow | undefined {
  // Times kept non-decreasing per cluster, so "every row up to t" is a prefix of the rows.
  const at = Math.max(state.observedAt, tail?.at ?? notBefore);
  if (!tail || tail.sinceFull + 1 >= snapshotEvery)
    return { at, full: true, body: JSON.stringify(state), tail: { state, at, sinceFull: 0 } };
  const parts = diffStates(tail.state, state);
  if (Object.keys(parts).length === 0) return undefined;
  return { at, full: false, body: JSON.stringify(parts), tail: { state, at, sinceFull: tail.sinceFull + 1 } };
}
