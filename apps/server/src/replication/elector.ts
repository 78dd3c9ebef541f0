import { SERVER_DEFAULTS } from '../defaults';
import { createListeners } from '../listeners';
import type { Logger } from '../logger';
import type { Leadership, LeadershipChange, Takeover } from './leadership';
import type { LeaderLock } from './leader-lock';

export interface ElectorConfig {
  readonly identity: string;
  /** How long the lock lives without renewal (ms, default SERVER_DEFAULTS.electorLeaseDurationMs). */
  readonly leaseDurationMs?: number;
  /**
   * The leader steps down when it could not renew for this long (ms, default SERVER_DEFAULTS.electorRenewDeadlineMs),
   * before its lock can expire under it.
   */
  readonly renewDeadlineMs?: number;
  /** How often to try to acquire or renew (ms, default SERVER_DEFAULTS.electorRetryPeriodMs). */
  readonly retryPeriodMs?: number;
  /** Longest wait for one lock call (ms, default renewDeadlineMs / 2): a black-holed store counts as unreachable. */
  readonly callTimeoutMs?: number;
  /** Injected clock, for tests. */
  readonly now?: () => number;
  readonly log?: Pick<Logger, 'warn'>;
}

class LockTimeout extends Error {
  constructor(ms: number) {
    super(`leader lock did not answer within ${ms} ms`);
  }
}

/** Resolves as `call` does, or rejects after `ms`: a hung request must not hold the elector. */
function within<T>(call: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LockTimeout(ms)), ms);
  });
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

/**
 * createElector runs leader election over a LeaderLock. Throws when the timings contradict each
 * other: leaseDuration > renewDeadline > retryPeriod, or two replicas could lead at once.
 *
 * The renew deadline is checked on a timer of its own, not after a lock call returns: a lock call
 * that hangs (a black-holed apiserver) would otherwise keep this replica leading past the point where
 * another may take the expired lock.
 */
export function createElector(lock: LeaderLock, config: ElectorConfig): Leadership {
  const leaseDurationMs = config.leaseDurationMs ?? SERVER_DEFAULTS.electorLeaseDurationMs;
  const renewDeadlineMs = config.renewDeadlineMs ?? SERVER_DEFAULTS.electorRenewDeadlineMs;
  const retryPeriodMs = config.retryPeriodMs ?? SERVER_DEFAULTS.electorRetryPeriodMs;
  const callTimeoutMs = config.callTimeoutMs ?? renewDeadlineMs / 2;
  const now = config.now ?? Date.now;
  if (!(leaseDurationMs > renewDeadlineMs && renewDeadlineMs > retryPeriodMs && retryPeriodMs > 0)) {
    throw new Error(
      `leader election needs leaseDurationMs (${leaseDurationMs}) > renewDeadlineMs (${renewDeadlineMs}) > ` +
        `retryPeriodMs (${retryPeriodMs}) > 0`,
    );
  }

  let leading = false;
  let holder: string | null = null;
  let reachable = true;
  let lastRenewedAt = 0;
  let transitions = 0;
  let timer: NodeJS.Timeout | undefined;
  let deadlineWatch: NodeJS.Timeout | undefined;
  let running = false;
  const changes = createListeners<LeadershipChange>((error) =>
    config.log?.warn({ err: { message: (error as Error).message } }, 'a leadership listener failed'),
  );

  const set = (next: boolean, takeover: Takeover = 'vacant') => {
    if (leading === next) return;
    leading = next;
    transitions += 1;
    changes.emit({ leading: next, takeover });
  };

  const stepDownIfOverdue = () => {
    if (leading && now() - lastRenewedAt > renewDeadlineMs) {
      config.log?.warn({ renewDeadlineMs }, 'leader lock not renewed within the renew deadline: stepping down');
      holder = null;
      set(false);
    }
  };

  const tick = async () => {
    try {
      if (leading) {
        // 1. The leader renews; a renewal refused means someone else holds the lock now.
        const renewed = await within(lock.renew(config.identity, leaseDurationMs), callTimeoutMs);
        reachable = true;
        // The deadline watch may have stepped us down while the call was in flight.
        if (!leading) return;
        if (renewed) lastRenewedAt = now();
        else return set(false);
      } else {
        // 2. A follower takes the lock as soon as it is vacant or its holder's record expired.
        const acquired = await within(lock.tryAcquire(config.identity, leaseDurationMs), callTimeoutMs);
        reachable = true;
        if (acquired) {
          lastRenewedAt = now();
          holder = config.identity;
          return set(true, acquired);
        }
        holder = await within(lock.holder(), callTimeoutMs);
      }
    } catch (error) {
      reachable = false;
      if (!leading) holder = null;
      config.log?.warn({ err: { message: (error as Error).message } }, 'leader lock unreachable');
    }
    // 3. Unable to renew for renewDeadline: step down while the lock still protects us.
    stepDownIfOverdue();
  };

  const loop = async () => {
    await tick();
    if (running) timer = setTimeout(() => void loop(), retryPeriodMs);
  };

  return {
    identity: config.identity,
    isLeader: () => leading,
    lockReachable: () => reachable,
    holder: () => holder,
    transitions: () => transitions,
    onChange: (listener) => changes.add(({ leading, takeover }) => listener(leading, takeover)),
    async start() {
      if (running) return;
      running = true;
      deadlineWatch = setInterval(stepDownIfOverdue, Math.max(50, retryPeriodMs / 4));
      deadlineWatch.unref();
      await loop();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      clearInterval(deadlineWatch);
      if (leading) await within(lock.release(config.identity), callTimeoutMs).catch(() => undefined);
      holder = null;
      set(false);
    },
  };
}
