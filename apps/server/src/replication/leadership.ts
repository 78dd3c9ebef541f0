import { createListeners } from '../listeners';

/**
 * Leadership decides which replica performs the side effects that must happen once: writes to a
 * shared history database and webhook notifications. It never decides who observes: every replica
 * watches, probes and judges by itself (the Prometheus HA-pair model), so losing, regaining or being
 * unable to reach the lock never blinds a replica. The elector (timing) is apart from the lock
 * (storage), as in client-go: this file holds the neutral interface and the single-instance case;
 * the locks are in leader-lock.ts, redis-lock.ts and lease-lock.ts.
 */
export interface Leadership {
  /** This replica's identity, as written in the lock. */
  readonly identity: string;
  isLeader(): boolean;
  /**
   * False while the lock's store (Redis, the apiserver holding the Lease) does not answer: nobody can
   * be known to lead then, so side effects fall back to every replica rather than to none.
   */
  lockReachable(): boolean;
  /** The current holder as last observed (null when unknown or vacant). */
  holder(): string | null;
  /** How many times this replica gained or lost leadership. */
  transitions(): number;
  /**
   * `takeover` is 'expired' when this replica took a lock whose holder stopped renewing (it may have died mid-work).
   */
  onChange(listener: (leading: boolean, takeover: Takeover) => void): () => void;
  start(): Promise<void>;
  /** Releases the lock if held, so a successor need not wait for its expiry. */
  stop(): Promise<void>;
}

/** How leadership was gained: from a vacant or released lock, or by waiting out a silent holder. */
export type Takeover = 'vacant' | 'expired';

/** One change of leadership, as the locks' listener sets carry it. */
export interface LeadershipChange {
  readonly leading: boolean;
  readonly takeover: Takeover;
}

/**
 * mustActAlone: this replica performs an elected side effect now. The leader does; when the lock
 * cannot be reached nobody is known to lead, and a duplicate is better than a silence during the
 * very outage hawk watches.
 */
export function mustActAlone(leadership: Pick<Leadership, 'isLeader' | 'lockReachable'>): boolean {
  return leadership.isLeader() || !leadership.lockReachable();
}

/** The only replica leads: no lock to take. */
export function createSoloLeadership(identity: string): Leadership {
  let leading = false;
  let transitions = 0;
  // Only hawk's own code listens here: a throw is a bug, so it surfaces in start()/stop() rather than in a log.
  const changes = createListeners<LeadershipChange>((error) => {
    throw error;
  });
  const set = (next: boolean) => {
    if (leading === next) return;
    leading = next;
    transitions += 1;
    changes.emit({ leading: next, takeover: 'vacant' });
  };
  return {
    identity,
    isLeader: () => leading,
    lockReachable: () => true,
    holder: () => (leading ? identity : null),
    transitions: () => transitions,
    onChange: (listener) => changes.add(({ leading, takeover }) => listener(leading, takeover)),
    start: async () => set(true),
    stop: async () => set(false),
  };
}
