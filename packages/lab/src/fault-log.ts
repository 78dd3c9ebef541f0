import { appendFile, readFile } from 'node:fs/promises';

/** FaultRecord is one line of ground truth: what the lab did to itself, and when. */
export interface FaultRecord {
  /** ISO-8601 with milliseconds, taken right after the action took effect. */
  readonly at: string;
  readonly action: string;
  /** Instance id (kube-apiserver-cp-2), host name for network faults, or 'lab'. */
  readonly target: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export async function appendFault(path: string, record: FaultRecord): Promise<void> {
  await appendFile(path, `${JSON.stringify(record)}\n`);
}

export async function readFaults(path: string): Promise<FaultRecord[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FaultRecord);
}
