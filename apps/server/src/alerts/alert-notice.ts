import type { Finding } from '@hawk/core';

/** One finding opening or resolving in one cluster: what every sink formats its own way. */
export interface AlertNotice {
  readonly clusterId: string;
  readonly state: 'firing' | 'resolved';
  readonly finding: Finding;
  /** When the finding resolved (epoch ms); null while firing. */
  readonly resolvedAt: number | null;
}

/** A destination for notices. `send` rejects on delivery failure so the dispatcher can count and retry. */
export interface AlertSink {
  readonly name: string;
  send(notices: readonly AlertNotice[]): Promise<void>;
}
