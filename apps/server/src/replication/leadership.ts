/**
 * Leadership decides which replica watches the clusters and writes history. The elector (timing)
 * is apart from the lock (storage), as in client-go: this file holds the neutral interface and the
 * single-instance case; the locks are in leader-lock.ts, redis-lock.ts and lease-lock.ts.
 */
export interface Leadership {
  /** This replica's identity, as written in the lock. */
  readonly identity: string;
  isLeader(): boolean;
  /** The current holder as last observed (null when unknown or vacant). */
  holder(): string | null;
  /** How many times this replica gained or lost leadership. */
  transitions(): number;
  onChange(listener: (leading: boolean) => void): () => void;
  start(): Promise<void>;
  /** Releases the lock if held, so a successor need not wait for its expiry. */
  stop(): Promise<void>;
}

/** The only replica leads: no lock to take. */
export function createSoloLeadership(identity: string): Leadership {
  let leading = false;
  let transitions = 0;
  const listeners = new Set<(leading: boolean) => void>();
  const set = (next: boolean) => {
    if (leading === next) return;
    leading = next;
    transitions += 1;
    for (const listener of listeners) listener(next);
  };
  return {
    identity,
    isLeader: () => leading,
    holder: () => (leading ? identity : null),
    transitions: () => transitions,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start: async () => set(true),
    stop: async () => set(false),
  };
}
