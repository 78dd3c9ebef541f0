import { describe, expect, it } from 'vitest';
import type { V1Lease } from '@kubernetes/client-node';
import type { LeaderRecord } from '../../src/replication/leader-lock';
import {
  createLeaseLock,
  leaseToRecord,
  parseLeaseRef,
  recordToLeaseSpec,
  type LeaseApi,
} from '../../src/replication/lease-lock';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');

describe('Lease ⇄ record', () => {
  const cases: { name: string; lease: V1Lease; record: LeaderRecord }[] = [
    {
      name: 'a held Lease, MicroTime as the apiserver sends it',
      lease: {
        spec: {
          holderIdentity: 'hawk-a',
          leaseDurationSeconds: 4,
          acquireTime: '2025-01-01T00:00:00.000000Z' as never,
          renewTime: '2025-01-01T00:00:03.250000Z' as never,
          leaseTransitions: 2,
        },
      },
      record: {
        holderIdentity: 'hawk-a',
        leaseDurationMs: 4_000,
        acquireTime: T0,
        renewTime: T0 + 3_250,
        leaseTransitions: 2,
      },
    },
    {
      name: 'an empty Lease reads as vacant, never renewed',
      lease: { metadata: { name: 'hawk' } },
      record: { holderIdentity: '', leaseDurationMs: 0, acquireTime: null, renewTime: null, leaseTransitions: 0 },
    },
  ];
  it.each(cases)('$name', ({ lease, record }) => {
    expect(leaseToRecord(lease)).toEqual(record);
  });

  it('round-trips a record, times as MicroTime with microseconds', () => {
    const record: LeaderRecord = {
      holderIdentity: 'hawk-b',
      leaseDurationMs: 15_000,
      acquireTime: T0 + 1,
      renewTime: T0 + 999,
      leaseTransitions: 7,
    };
    const spec = recordToLeaseSpec(record);
    expect(JSON.parse(JSON.stringify(spec))).toEqual({
      holderIdentity: 'hawk-b',
      leaseDurationSeconds: 15,
      acquireTime: '2025-01-01T00:00:00.001000Z',
      renewTime: '2025-01-01T00:00:00.999000Z',
      leaseTransitions: 7,
    });
    expect(leaseToRecord({ spec })).toEqual(record);
  });

  it('rounds a duration up to whole seconds, never below one', () => {
    expect(
      recordToLeaseSpec({
        holderIdentity: 'x',
        leaseDurationMs: 1_500,
        acquireTime: null,
        renewTime: null,
        leaseTransitions: 0,
      }).leaseDurationSeconds,
    ).toBe(2);
    expect(
      recordToLeaseSpec({
        holderIdentity: '',
        leaseDurationMs: 0,
        acquireTime: null,
        renewTime: null,
        leaseTransitions: 0,
      }).leaseDurationSeconds,
    ).toBe(1);
  });

  it.each([
    ['hawk-system/hawk-leader', { namespace: 'hawk-system', name: 'hawk-leader' }],
    ['hawk/hawk.leader', { namespace: 'hawk', name: 'hawk.leader' }],
    ['hawk', null],
    ['Hawk/leader', null],
    ['a/b/c', null],
  ])('parses %s', (value, expected) => {
    expect(parseLeaseRef(value)).toEqual(expected);
  });
});

/** One Lease in memory with the apiserver's optimistic concurrency. */
function fakeApi() {
  let stored: V1Lease | null = null;
  let version = 0;
  const fail = (code: number) => Object.assign(new Error(`HTTP ${code}`), { code });
  const store = (lease: V1Lease) => {
    version += 1;
    stored = JSON.parse(
      JSON.stringify({ ...lease, metadata: { ...lease.metadata, resourceVersion: String(version) } }),
    ) as V1Lease;
    return structuredClone(stored);
  };
  const api: LeaseApi = {
    readNamespacedLease: (async () => {
      if (!stored) throw fail(404);
      return structuredClone(stored);
    }) as never,
    createNamespacedLease: (async ({ body }: { body: V1Lease }) => {
      if (stored) throw fail(409);
      return store(body);
    }) as never,
    replaceNamespacedLease: (async ({ body }: { body: V1Lease }) => {
      if (!stored) throw fail(404);
      if (body.metadata?.resourceVersion !== stored.metadata?.resourceVersion) throw fail(409);
      return store(body);
    }) as never,
  };
  return {
    api,
    lease: () => stored,
    record: () => (stored ? leaseToRecord(stored) : null),
    tamper: (spec: V1Lease['spec']) => store({ ...stored!, spec }),
  };
}

describe('Lease lock over a fake apiserver', () => {
  const ref = { namespace: 'hawk-system', name: 'hawk' };

  it('creates the Lease when absent; a second replica is refused while it is fresh', async () => {
    const fake = fakeApi();
    let clock = T0;
    const a = createLeaseLock(fake.api, { ...ref, now: () => clock });
    const b = createLeaseLock(fake.api, { ...ref, now: () => clock });
    expect(await a.tryAcquire('a', 4_000)).toBe('vacant');
    expect(fake.record()).toMatchObject({
      holderIdentity: 'a',
      leaseDurationMs: 4_000,
      acquireTime: T0,
      renewTime: T0,
      leaseTransitions: 0,
    });
    expect(await b.tryAcquire('b', 4_000)).toBe(false);
    expect(await b.holder()).toBe('a');
    clock += 1_000;
    expect(await a.renew('a', 4_000)).toBe(true);
    expect(await b.renew('b', 4_000)).toBe(false);
  });

  it('judges expiry from when it observed the record change, not from the holder renewTime', async () => {
    const fake = fakeApi();
    let clock = T0;
    const a = createLeaseLock(fake.api, { ...ref, now: () => clock });
    expect(await a.tryAcquire('a', 4_000)).toBe('vacant');
    // The holder's clock is an hour behind: by its renewTime the record expired long ago.
    fake.tamper({ ...fake.lease()!.spec, renewTime: new Date(T0 - 3_600_000) as never });
    const b = createLeaseLock(fake.api, { ...ref, now: () => clock });
    clock += 500;
    expect(await b.tryAcquire('b', 4_000)).toBe(false); // first sight: stamped now
    clock += 3_999;
    expect(await b.tryAcquire('b', 4_000)).toBe(false);
    clock += 1;
    expect(await b.tryAcquire('b', 4_000)).toBe('expired');
    expect(fake.record()).toMatchObject({ holderIdentity: 'b', acquireTime: clock, leaseTransitions: 1 });
    // The old holder may no longer renew.
    expect(await a.renew('a', 4_000)).toBe(false);
  });

  it('restarts the wait whenever the record changes', async () => {
    const fake = fakeApi();
    let clock = T0;
    const a = createLeaseLock(fake.api, { ...ref, now: () => clock });
    const b = createLeaseLock(fake.api, { ...ref, now: () => clock });
    await a.tryAcquire('a', 4_000);
    expect(await b.tryAcquire('b', 4_000)).toBe(false);
    clock += 3_000;
    await a.renew('a', 4_000);
    clock += 3_000;
    expect(await b.tryAcquire('b', 4_000)).toBe(false); // changed at +3 s, seen at +6 s: valid until +10 s
    clock += 3_999;
    expect(await b.tryAcquire('b', 4_000)).toBe(false);
    clock += 1;
    expect(await b.tryAcquire('b', 4_000)).toBe('expired');
  });

  it('release leaves an empty holder that another replica takes at once', async () => {
    const fake = fakeApi();
    const a = createLeaseLock(fake.api, ref);
    const b = createLeaseLock(fake.api, ref);
    await a.tryAcquire('a', 4_000);
    expect(await b.tryAcquire('b', 4_000)).toBe(false);
    await b.release('b'); // not the holder: nothing happens
    expect(fake.record()?.holderIdentity).toBe('a');
    await a.release('a');
    expect(fake.record()).toMatchObject({ holderIdentity: '', leaseDurationMs: 1_000, leaseTransitions: 0 });
    expect(await b.tryAcquire('b', 4_000)).toBe('vacant');
    expect(fake.record()).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('a write that loses the resourceVersion race returns false', async () => {
    const fake = fakeApi();
    const a = createLeaseLock(fake.api, ref);
    await a.tryAcquire('a', 4_000);
    const racing: LeaseApi = {
      ...fake.api,
      readNamespacedLease: (async (params: { name: string; namespace: string }) => {
        const lease = await fake.api.readNamespacedLease(params);
        fake.tamper({ ...fake.lease()!.spec }); // someone else writes between our read and our replace
        return lease;
      }) as never,
    };
    expect(await createLeaseLock(racing, ref).renew('a', 4_000)).toBe(false);
  });
});
