import { describe, expect, it } from 'vitest';
import { createProbeCadence, type ProbeCadence } from '../../src/probes/probe-cadence';

const TARGETS = ['front-door', 'a', 'b', 'c'];

/**
 * Drives a cadence on a fake clock as the scheduler does: a tick every `tickMs`, each probe taking
 * `probeMs`. Returns when each target was probed.
 */
function run(
  cadence: ProbeCadence,
  fromMs: number,
  toMs: number,
  calm: (now: number) => boolean,
  options: { tickMs?: number; probeMs?: number; targets?: string[]; urge?: Map<number, string> } = {},
) {
  const { tickMs = 250, probeMs = 20, targets = TARGETS, urge = new Map() } = options;
  const probes: { target: string; at: number }[] = [];
  const finishing: { target: string; at: number }[] = [];
  for (let now = fromMs; now < toMs; now += tickMs) {
    for (const done of finishing.filter((f) => f.at <= now)) cadence.finished(done.target);
    finishing.splice(0, finishing.length, ...finishing.filter((f) => f.at > now));
    const urged = urge.get(now);
    if (urged) cadence.urge(urged);
    for (const target of cadence.due(targets, now, calm(now))) {
      cadence.started(target, now);
      probes.push({ target, at: now });
      finishing.push({ target, at: now + probeMs });
    }
  }
  return probes;
}

const perTarget = (probes: { target: string; at: number }[], target: string) =>
  probes.filter((p) => p.target === target).map((p) => p.at);
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe('probe cadence', () => {
  it('fast: every target every interval, as before', () => {
    const probes = run(createProbeCadence(2000), 0, 20_000, () => false);
    for (const target of TARGETS)
      expect(
        gaps(perTarget(probes, target)).every((gap) => gap === 2000),
        target,
      ).toBe(true);
    expect(probes).toHaveLength(40);
  });

  it('calm: one target per interval, the front door every other time and the instances in turn', () => {
    const cadence = createProbeCadence(2000, 'front-door');
    // The first look at every target is at once, whatever the mode.
    const probes = run(cadence, 0, 60_000, () => true);
    expect(
      probes
        .filter((p) => p.at === 0)
        .map((p) => p.target)
        .sort(),
    ).toEqual([...TARGETS].sort());
    const later = probes.filter((p) => p.at > 0);
    // One probe per 2 s for the whole cluster: 30 a minute instead of 120.
    expect(gaps(later.map((p) => p.at)).every((gap) => gap === 2000)).toBe(true);
    // The front door's last answer is never more than two intervals old (its rule's grace counts from it).
    expect(gaps(perTarget(later, 'front-door')).every((gap) => gap === 4000)).toBe(true);
    for (const target of ['a', 'b', 'c']) {
      const times = perTarget(later, target);
      expect(
        gaps(times).every((gap) => gap === 12_000),
        `${target}: ${times.join(',')}`,
      ).toBe(true);
    }
    expect(probes.length).toBeLessThanOrEqual(4 + 30);
  });

  it('calm without a preferred target: plain round-robin, each of n targets every n intervals', () => {
    const probes = run(createProbeCadence(2000), 0, 60_000, () => true).filter((p) => p.at > 0);
    for (const target of TARGETS)
      expect(
        gaps(perTarget(probes, target)).every((gap) => gap === 8000),
        target,
      ).toBe(true);
  });

  it('calm → fast the moment anything is amiss: every target not asked within the interval is asked at the next tick', () => {
    const cadence = createProbeCadence(2000, 'front-door');
    const troubleAt = 30_000;
    const probes = run(cadence, 0, 40_000, (now) => now < troubleAt);
    const atTrouble = probes.filter((p) => p.at === troubleAt).map((p) => p.target);
    // The one asked in the last interval waits out its interval; the others go at once.
    expect(atTrouble.length).toBeGreaterThanOrEqual(TARGETS.length - 1);
    for (const target of TARGETS) {
      const after = perTarget(probes, target).filter((at) => at >= troubleAt);
      expect(after[0]! - troubleAt, target).toBeLessThan(2000);
      expect(
        gaps(after).every((gap) => gap === 2000),
        target,
      ).toBe(true);
    }
  });

  it(
    'an urged target (its connection lost) is asked at the next tick even in calm mode, and right after its last ' +
      'probe',
    () => {
      const cadence = createProbeCadence(2000, 'front-door');
      const probes = run(cadence, 0, 20_000, () => true, { urge: new Map([[10_250, 'b']]) });
      const b = perTarget(probes, 'b');
      expect(b).toContain(10_250);
      // The round-robin goes on around it: still one calm pick per interval.
      expect(probes.filter((p) => p.at > 0 && p.at !== 10_250).every((p) => p.at % 2000 === 0)).toBe(true);
    },
  );

  it('recovering: a target whose /readyz failed is asked every recovering interval until one passes', () => {
    const cadence = createProbeCadence(2000, 'front-door', 500);
    const asked: number[] = [];
    // 'a' fails its probes until 3 s, then passes; each probe takes 100 ms.
    for (let now = 0; now < 10_000; now += 250) {
      if (!cadence.due(['front-door', 'a'], now, false).includes('a')) continue;
      cadence.started('a', now);
      asked.push(now);
      cadence.finished('a', now >= 3_000);
    }
    expect(asked.filter((at) => at < 3_000)).toEqual([0, 500, 1000, 1500, 2000, 2500]);
    // The first pass (3 s) puts it back on the interval: 5 s, 7 s, 9 s.
    expect(asked.filter((at) => at >= 3_000)).toEqual([3000, 5000, 7000, 9000]);
  });

  it('never two probes of one target at once: an urge while one is in flight waits for it to finish', () => {
    const cadence = createProbeCadence(2000);
    cadence.started('a', 0);
    cadence.urge('a');
    expect(cadence.due(['a'], 100, false)).toEqual([]);
    cadence.finished('a');
    expect(cadence.due(['a'], 200, true)).toEqual(['a']);
  });

  it('a new target is asked at once, and a target that left is forgotten', () => {
    const cadence = createProbeCadence(2000);
    const first = run(cadence, 0, 10_000, () => true, { targets: ['front-door', 'a'] });
    expect(first.filter((p) => p.at === 0)).toHaveLength(2);
    expect(cadence.due(['front-door', 'a', 'd'], 10_100, true)).toContain('d');
    cadence.started('d', 10_100);
    cadence.finished('d');
    // 'a' left and came back: it is new again.
    cadence.due(['front-door', 'd'], 10_200, true);
    expect(cadence.due(['front-door', 'd', 'a'], 10_300, true)).toContain('a');
  });

  it('steady-state load: calm asks a cluster with an LB and 3 apiservers 30 times a minute, fast 120', () => {
    const minute = (calm: boolean) =>
      run(createProbeCadence(2000, 'front-door'), 0, 60_000 * 3, () => calm).filter(
        (p) => p.at >= 60_000 && p.at < 120_000,
      ).length;
    expect(minute(false)).toBe(120);
    expect(minute(true)).toBe(30);
  });
});
