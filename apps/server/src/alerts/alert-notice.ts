import type { Finding } from '@hawk/core';

/** One finding opening or resolving in one cluster: what every sink formats its own way. */
export interface AlertNotice {
  readonly clusterId: string;
  /** The cluster's name when the finding opened (ClusterIdentity.name): its resolve carries the same labels. */
  readonly clusterName: string;
  readonly state: 'firing' | 'resolved';
  readonly finding: Finding;
  /** When the finding resolved (epoch ms); null while firing. */
  readonly resolvedAt: number | null;
}

/** A destination for notices. `send` rejects on delivery failure so the dispatcher can count and retry. */
export interface AlertSink {
  readonly name: string;
  /**
   * The receiver cannot deduplicate (a chat webhook): only the replica elected for side effects
   * sends to it. Alertmanager deduplicates by labels, so every replica sends there and losing any
   * one replica loses no alert.
   */
  readonly elected: boolean;
  send(notices: readonly AlertNotice[]): Promise<void>;
}
