import type { Leadership } from './leadership';
import type { LeaderLock } from './leader-lock';

export interface ElectorConfig {
  readonly identity: string;
  /** How long the lock lives without renewal (ms, default 10 000): a dead leader's successor waits at most this. */
  readonly leaseDurationMs?: number;
  /** The leader steps down when it could not renew for this long (ms, default 7 000), before its lock can expire under it. */
  readonly renewDeadlineMs?: number;
  /** How often to try to acquire or renew (ms, default 2 000). */
  readonly retryPeriodMs?: number;
  /** Injected clock, for tests. */
  readonly now?: () => number;
  readonly log?: { warn(details: object, message: string): void };
}

/**
 * createElector runs leader election over a LeaderLock. Throws when the timings contradict each
 * other: leaseDuration > renewDeadline > retryPeriod, or two replicas could lead at once.
 */
export function createElector(lock: LeaderLock, config: ElectorConfig): Leadership {
  const leaseDurationMs = config.leaseDurationMs ?? 10_000;
  const renewDeadlineMs = config.renewDeadlineMs ?? 7_000;
  const retryPeriodMs = config.retryPeriodMs ?? 2_000;
  const now = config.now ?? Date.now;
  if (!(leaseDurationMs > renewDeadlineMs && renewDeadlineMs > retryPeriodMs && retryPeriodMs > 0)) {
    throw new Error(`leader election needs leaseDurationMs (${leaseDurationMs}) > renewDeadlineMs (${renewDeadlineMs}) > retryPeriodMs (${retryPeriodMs}) > 0`);
  }

  let leading = false;
  let holder: string | null = null;
  let lastRenewedAt = 0;
  let transitions = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const listeners = new Set<(leading: boolean) => void>();

  const set = (next: boolean) => {
    if (leading === next) return;
    leading = next;
    transitions += 1;
    for (const listener of listeners) listener(next);
  };

  const tick = async () => {
    try {
      if (leading) {
        // 1. The leader renews; a renewal refused means someone else holds the lock now.
        if (await lock.renew(config.identity, leaseDurationMs)) lastRenewedAt = now();
        else return set(false);
      } else if (await lock.tryAcquire(config.identity, leaseDurationMs)) {
        // 2. A follower takes the lock as soon as it is vacant.
        lastRenewedAt = now();
        holder = config.identity;
        return set(true);
      } else {
        holder = await lock.holder();
      }
    } catch (error) {
      config.log?.warn({ err: error }, 'leader lock unreachable');
    }
    // 3. Unable to renew for renewDeadline: step down while the lock still protects us.
    if (leading && now() - lastRenewedAt > renewDeadlineMs) {
      holder = null;
      set(false);
    }
  };

  const loop = async () => {
    await tick();
    if (running) timer = setTimeout(() => void loop(), retryPeriodMs);
  };

  return {
    identity: config.identity,
    isLeader: () => leading,
    holder: () => holder,
    transitions: () => transitions,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async start() {
      if (running) return;
      running = true;
      await loop();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      if (leading) await lock.release(config.identity).catch(() => undefined);
      holder = null;
      set(false);
    },
  };
}
