import { readFile, rename, writeFile } from 'node:fs/promises';
import type { LabOptions } from './options';

/** LabState is what survives between CLI invocations: the options the lab was built from and each process's pid. */
export interface LabState {
  readonly version: 1;
  readonly options: LabOptions;
  readonly createdAt: string;
  /** HAWK_LAB_OWNER of the process that created the lab (a test run's id), else `pid <n>`: who may take it down. */
  readonly createdBy?: string;
  readonly readyAt?: string;
  /** Time from `up` starting to the cluster being ready, in ms, for the README figures. */
  readonly readyAfterMs?: number;
  readonly pids: Readonly<Record<string, number>>;
}

export async function readState(path: string): Promise<LabState | undefined> {
  try {
    const state = JSON.parse(await readFile(path, 'utf8')) as LabState;
    if (state.version !== 1) return undefined;
    // Labs from before profiles were all hand-made.
    return { ...state, options: { ...state.options, profile: state.options.profile ?? 'hand-made' } };
  } catch {
    return undefined;
  }
}

/** writeState replaces the file atomically, so a reader never sees half a state. */
export async function writeState(path: string, state: LabState): Promise<void> {
  await writeFile(`${path}.tmp`, JSON.stringify(state, null, 2));
  await rename(`${path}.tmp`, path);
}
