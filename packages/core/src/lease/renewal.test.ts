import { describe, expect, it } from 'vitest';
import { observeRenewal, resumeObservation } from './renewal';

describe('observeRenewal', () => {
  const read = (renewTime: string | null, holderIdentity?: string | null) => ({
    name: 'x',
    renewTime,
    ...(holderIdentity === undefined ? {} : { holderIdentity }),
  });
  it("stamps a first sight with hawk's clock", () =>
    expect(observeRenewal(undefined, read('t1'), 100).observedRenewAt).toBe(100));
  it.each([
    ['the same read again (a resync): the old stamp', read('t1', 'a'), 100],
    ['a new renewTime: renewed now', read('t2', 'a'), 200],
    ['another holder, same renewTime: renewed now', read('t1', 'b'), 200],
  ])('%s', (_, next, stamp) =>
    expect(observeRenewal({ ...read('t1', 'a'), observedRenewAt: 100 }, next, 200).observedRenewAt).toBe(stamp),
  );
  it("never reads the writer's time against hawk's clock", () =>
    expect(
      observeRenewal({ ...read('2000-01-01T00:00:00Z'), observedRenewAt: 5 }, read('2099-01-01T00:00:00Z'), 6)
        .observedRenewAt,
    ).toBe(6));
});

describe('resumeObservation', () => {
  it("restarts a stamp older than hawk's resume, keeps a newer one and a missing one", () => {
    expect(resumeObservation({ observedRenewAt: 100 }, 500).observedRenewAt).toBe(500);
    expect(resumeObservation({ observedRenewAt: 600 }, 500).observedRenewAt).toBe(600);
    expect(resumeObservation({ observedRenewAt: null }, 500).observedRenewAt).toBeNull();
  });
});
