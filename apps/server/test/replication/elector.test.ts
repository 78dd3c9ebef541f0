/**
 * The elector's timing over an in-memory lock whose store can be black-holed per replica (its calls
 * never answer, as with a partitioned apiserver). Short real timings: the point is what happens on
 * the elector's own timers while a lock call hangs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createElector, type ElectorConfig } from '../../src/replication/elector';
import type { LeaderLock } from '../../src/replication/leader-lock';
import type { Leadership, Takeover } from '../../src/replication/leadership';

const TIMINGS = { leaseDurationMs: 1_000, renewDeadlineMs: 600, retryPeriodMs: 100 } as const;
// The deadline watch runs every max(50, retry / 4) ms; the slack is event-loop delay on a busy CI machine,
// still far below the 3 s call timeout that would otherwise be what ends a hung renewal.
const WATCH_MS = 50;
const SLACK_MS = 300;

/** One lock store with a TTL judged on its own clock, as Redis does; replicas can be cut off from it. */
function createMemoryStore() {
  let record: { holder: string; expiresAt: number } | null = null;
  const blackholed = new Set<string>();
  const renewedAt = new Map<string, number>();
  const live = () => (record && record.expiresAt > Date.now() ? record : null);
  const never = new Promise<never>(() => undefined);
  const answer = async <T>(identity: string, act: () => T): Promise<T> => (blackholed.has(identity) ? never : act());
  return {
    blackholed,
    /** When the store last renewed or granted this identity's hold (epoch ms). */
    renewedAt,
    /** Someone outside the test's electors holds the lock (a replica that then dies). */
    seize(holder: string, ttlMs: number) {
      record = { holder, expiresAt: Date.now() + ttlMs };
    },
    lockFor(identity: string): LeaderLock {
      return {
        tryAcquire: (id, ttlMs) =>
          answer(identity, () => {
            const held = live();
            if (held && held.holder !== id) return false;
            // A record still there but no longer live was left by a holder that went silent.
            const takeover = record !== null && !held ? 'expired' : 'vacant';
            record = { holder: id, expiresAt: Date.now() + ttlMs };
            renewedAt.set(id, Date.now());
            return takeover;
          }),
        renew: (id, ttlMs) =>
          answer(identity, () => {
            if (live()?.holder !== id) return false;
            record = { holder: id, expiresAt: Date.now() + ttlMs };
            renewedAt.set(id, Date.now());
            return true;
          }),
        release: (id) =>
          answer(identity, () => {
            if (live()?.holder === id) record = null;
          }),
        holder: () => answer(identity, () => live()?.holder ?? null),
      };
    },
  };
}

type Change = { leading: boolean; takeover: Takeover; at: number };

const electors: Leadership[] = [];
function elector(store: ReturnType<typeof createMemoryStore>, identity: string, config: Partial<ElectorConfig> = {}) {
  const leadership = createElector(store.lockFor(identity), { ...TIMINGS, identity, ...config });
  const changes: Change[] = [];
  leadership.onChange((leading, takeover) => changes.push({ leading, takeover, at: Date.now() }));
  electors.push(leadership);
  return { leadership, changes };
}

async function until(what: string, condition: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let store: ReturnType<typeof createMemoryStore> | undefined;
afterEach(async () => {
  store?.blackholed.clear();
  await Promise.all(electors.splice(0).map((leadership) => leadership.stop()));
});

describe('elector', () => {
  it('a renewal that hangs forever: the renew-deadline watch steps the leader down on time', async () => {
    store = createMemoryStore();
    // The call timeout is longer than the deadline: only the elector's own timer can step it down.
    const a = elector(store, 'a', { callTimeoutMs: 3_000 });
    void a.leadership.start();
    await until('a to lead', () => a.leadership.isLeader());
    await new Promise((resolve) => setTimeout(resolve, 3 * TIMINGS.retryPeriodMs)); // a few renewals

    store.blackholed.add('a');
    await until('a to step down', () => !a.leadership.isLeader());
    const lastRenewal = store.renewedAt.get('a')!;
    const steppedDown = a.changes.at(-1)!;
    expect(steppedDown.leading).toBe(false);
    const afterRenewal = steppedDown.at - lastRenewal;
    console.log(
      `[elector] hung renewal: stepped down ${afterRenewal} ms after the last renewal (renew deadline ` +
        `${TIMINGS.renewDeadlineMs} ms)`,
    );
    expect(afterRenewal).toBeGreaterThanOrEqual(TIMINGS.renewDeadlineMs);
    expect(afterRenewal).toBeLessThanOrEqual(TIMINGS.renewDeadlineMs + WATCH_MS + SLACK_MS);
    expect(a.leadership.holder()).toBeNull();
  });

  it('lock calls that never answer time out: the lock is reported unreachable, then reachable and led again', async () => {
    store = createMemoryStore();
    const a = elector(store, 'a'); // call timeout: renewDeadline / 2
    void a.leadership.start();
    await until('a to lead', () => a.leadership.isLeader());
    expect(a.leadership.lockReachable()).toBe(true);

    const cutAt = Date.now();
    store.blackholed.add('a');
    await until('the lock to be unreachable', () => !a.leadership.lockReachable());
    await until('a to step down', () => !a.leadership.isLeader());
    expect(a.changes.at(-1)!.at - cutAt).toBeLessThanOrEqual(TIMINGS.renewDeadlineMs + WATCH_MS + SLACK_MS);
    expect(a.leadership.holder()).toBeNull();

    store.blackholed.delete('a');
    await until(
      'the lock to be reachable and held again',
      () => a.leadership.lockReachable() && a.leadership.isLeader(),
    );
    expect(a.leadership.holder()).toBe('a');
  });

  it('a black-holed leader steps down before the lock expires, so the other takes it (expired) without two leaders', async () => {
    store = createMemoryStore();
    const a = elector(store, 'a', { callTimeoutMs: 3_000 });
    const b = elector(store, 'b');
    void a.leadership.start();
    await until('a to lead', () => a.leadership.isLeader());
    void b.leadership.start();
    await until('b to see a hold the lock', () => b.leadership.holder() === 'a');

    store.blackholed.add('a');
    await until('b to lead', () => b.leadership.isLeader());
    const aDown = a.changes.find((change) => !change.leading)!;
    const bUp = b.changes.find((change) => change.leading)!;
    console.log(`[elector] black-holed leader: a stepped down ${bUp.at - aDown.at} ms before b took over`);
    expect(aDown).toBeDefined();
    expect(aDown.at).toBeLessThan(bUp.at);
    // b saw a hold it, then took it only by waiting out a's silence: a may have died mid-work.
    expect(bUp.takeover).toBe('expired');
    expect(a.leadership.isLeader()).toBe(false);
  });

  it('a lock found vacant is taken as vacant; one whose silent holder expired is taken as expired', async () => {
    store = createMemoryStore();
    const first = elector(store, 'first');
    void first.leadership.start();
    await until('first to lead', () => first.leadership.isLeader());
    expect(first.changes).toEqual([expect.objectContaining({ leading: true, takeover: 'vacant' })]);

    const other = createMemoryStore();
    store = other;
    other.seize('ghost', TIMINGS.leaseDurationMs);
    const heir = elector(other, 'heir');
    void heir.leadership.start();
    await until('heir to see the ghost', () => heir.leadership.holder() === 'ghost');
    expect(heir.leadership.isLeader()).toBe(false);
    await until('heir to lead', () => heir.leadership.isLeader());
    expect(heir.changes).toEqual([expect.objectContaining({ leading: true, takeover: 'expired' })]);
  });

  it('a holder that stops gracefully (releases) hands over as vacant, not expired', async () => {
    store = createMemoryStore();
    const a = elector(store, 'a');
    await a.leadership.start();
    await until('a to lead', () => a.leadership.isLeader());
    const b = elector(store, 'b');
    void b.leadership.start();
    await until('b to see a', () => b.leadership.holder() === 'a');
    await a.leadership.stop();
    await until('b to lead', () => b.leadership.isLeader());
    expect(b.changes).toEqual([expect.objectContaining({ leading: true, takeover: 'vacant' })]);
  });
});
