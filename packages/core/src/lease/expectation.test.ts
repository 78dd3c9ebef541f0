/**
 * Any elector's timing, at every moment hawk's view of a lease starts afresh: renewals arriving within the elector's
 * own timing are never called overdue, and a renewal that is clearly missed is called within one interval plus slack.
 * A seeded simulation: the holder renews every retry period (± jitter), hawk observes each write a few tens of ms
 * later, and judges every 50 ms, as the server's deadline timer and tick do.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { Freshness } from '../model/freshness';
import type { LeaseRecord, LeaseStatus, LeaseTrack } from '../model/lease';
import { expectRenewal } from './expectation';
import { judgeLease } from './status';
import { observeLease, resumeLeaseTrack } from './tracker';

interface Timing {
  readonly name: string;
  readonly leaseSeconds: number;
  readonly retryMs: number;
  /** Each interval is retryMs × (1 ± jitter), uniformly. */
  readonly jitter: number;
}

const TIMINGS: readonly Timing[] = [
  { name: 'kube default 15/10/2', leaseSeconds: 15, retryMs: 2000, jitter: 0 },
  { name: 'OpenShift 137/107/26', leaseSeconds: 137, retryMs: 26_000, jitter: 0 },
  { name: 'operators 60/40/15', leaseSeconds: 60, retryMs: 15_000, jitter: 0 },
  { name: 'kube-vip 5/3/1', leaseSeconds: 5, retryMs: 1000, jitter: 0 },
  { name: '15/10/2 renewing with ±30 % jitter', leaseSeconds: 15, retryMs: 2000, jitter: 0.3 },
];

type Moment = 'first sight' | 'hawk restarted' | 'handover' | 'hawk paused and resumed';
const MOMENTS: readonly Moment[] = ['first sight', 'hawk restarted', 'handover', 'hawk paused and resumed'];

const T0 = Date.UTC(2026, 11, 6);
const live: Freshness = { state: 'live', lastEventAt: T0 };
const JUDGE_EVERY_MS = 50;
const NOT_RENEWING: readonly LeaseStatus[] = ['renew-overdue', 'expired'];

/** mulberry32: a small seeded generator, so a failure replays. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function record(timing: Timing, holder: string, acquiredAt: number, renewedAt: number): LeaseRecord {
  return {
    namespace: 'kube-system',
    name: 'kube-controller-manager',
    holderIdentity: holder,
    acquireTime: new Date(acquiredAt).toISOString(),
    renewTime: new Date(renewedAt).toISOString(),
    leaseDurationSeconds: timing.leaseSeconds,
    leaseTransitions: 0,
    resourceVersion: String(renewedAt),
    strategy: null,
  };
}

/** One write of the lease: when the holder wrote it and when hawk's watch delivered it. */
interface Write {
  readonly writtenAt: number;
  readonly observedAt: number;
  readonly record: LeaseRecord;
}

/** A holder acquiring at `from`, renewing right after (as client-go does) and then every retry period ± jitter. */
function tenure(timing: Timing, holder: string, from: number, renewals: number, random: () => number): Write[] {
  const writes: Write[] = [];
  const delay = () => 5 + random() * 75;
  writes.push({ writtenAt: from, observedAt: from + delay(), record: record(timing, holder, from, from) });
  let at = from + 3;
  for (let i = 0; i < renewals; i++) {
    writes.push({ writtenAt: at, observedAt: at + delay(), record: record(timing, holder, from, at) });
    at += timing.retryMs * (1 + timing.jitter * (2 * random() - 1));
  }
  return writes;
}

interface Run {
  /** Statuses judged while the holder kept to its timing, after hawk started looking. */
  readonly whileRenewing: LeaseStatus[];
  /** How long after the last observed renewal hawk first said "not renewing". */
  readonly detectedAfterMs: number;
  readonly track: LeaseTrack;
}

interface RunOptions {
  readonly pause?: { readonly from: number; readonly to: number };
  /** Statuses before this are not the holder's timing (a dead holder before a handover). */
  readonly judgeFrom?: number;
}

/**
 * Feeds `writes` (time-ordered) to the tracker from `watchFrom` on, judging every 50 ms; a pause, when given, holds
 * back every judgement and delivery within it and resumes hawk's view at its end, as the server does on a thaw.
 */
function run(writes: readonly Write[], watchFrom: number, options: RunOptions = {}): Run {
  const { pause, judgeFrom = watchFrom } = options;
  const config = DEFAULT_CONFIG;
  const lastObservedAt = writes.at(-1)!.observedAt;
  const visible = writes.filter((write) => write.observedAt >= watchFrom);
  // A first sight reads the lease as it is: the latest write before the watch starts.
  const before = writes.filter((write) => write.observedAt < watchFrom).at(-1);
  let track: LeaseTrack | undefined = before
    ? observeLease(undefined, before.record, watchFrom, config).track
    : undefined;
  const whileRenewing: LeaseStatus[] = [];
  let detectedAfterMs = Number.POSITIVE_INFINITY;
  let next = 0;
  for (let now = watchFrom; now <= lastObservedAt + timingBound(writes) * 3; now += JUDGE_EVERY_MS) {
    if (pause && now >= pause.from && now < pause.to) continue;
    if (pause && now >= pause.to && now - JUDGE_EVERY_MS < pause.to && track) track = resumeLeaseTrack(track, now);
    while (next < visible.length && visible[next]!.observedAt <= now) {
      track = observeLease(track, visible[next]!.record, now, config).track;
      next++;
    }
    if (!track) continue;
    const status = judgeLease(track, now, live, config).status;
    if (now <= lastObservedAt) {
      if (now >= judgeFrom) whileRenewing.push(status);
    } else if (NOT_RENEWING.includes(status)) {
      // From hawk's stamp of the last renewal, which is when it saw it (on this 50 ms grid). Nothing is judged after
      // the first call: the rest of the silence would only cost time (minutes of 50 ms steps for OpenShift's lease).
      detectedAfterMs = now - track.observedRenewAt!;
      break;
    }
  }
  return { whileRenewing, detectedAfterMs, track: track! };
}

function timingBound(writes: readonly Write[]): number {
  return (writes[0]!.record.leaseDurationSeconds ?? 15) * 1000;
}

/**
 * "Clearly missed": one interval as long as the elector's longest, plus the slack hawk may take: half a second or
 * 35 % of the interval, whichever is more (and one judging step).
 */
function clearlyMissedBy(timing: Timing): number {
  const longest = timing.retryMs * (1 + timing.jitter);
  return longest + Math.max(1000, 0.35 * longest) + JUDGE_EVERY_MS;
}

function scenario(timing: Timing, moment: Moment, seed: number): Run {
  const random = seeded(seed);
  const start = T0 + Math.floor(random() * 1000);
  const phase = random() * timing.retryMs;
  switch (moment) {
    case 'first sight':
      // hawk starts as the holder acquires: it sees the acquire and the renewal client-go writes right after it.
      return run(tenure(timing, 'cp-1_a', start, 12, random), start);
    case 'hawk restarted':
      // A new process mid-tenure, at any phase of the cadence, with nothing learned.
      return run(tenure(timing, 'cp-1_a', start, 20, random), start + 7 * timing.retryMs + phase);
    case 'handover': {
      const first = tenure(timing, 'cp-1_a', start, 10, random);
      const takeoverAt = first.at(-1)!.writtenAt + timing.leaseSeconds * 1000 + random() * timing.retryMs;
      const second = tenure(timing, 'cp-2_b', takeoverAt, 12, random);
      // The first holder's death is a real silence: judged only from the new holder's acquire on.
      return run([...first, ...second], start + phase, { judgeFrom: second[0]!.observedAt });
    }
    case 'hawk paused and resumed': {
      const writes = tenure(timing, 'cp-1_a', start, 20, random);
      const pauseFrom = start + 6 * timing.retryMs + phase;
      return run(writes, start + phase, { pause: { from: pauseFrom, to: pauseFrom + 2.5 * timing.retryMs } });
    }
  }
}

describe('renewal expectation: any elector timing, from the first renewal seen', () => {
  const cases = TIMINGS.flatMap((timing) => MOMENTS.map((moment) => [timing.name, moment, timing] as const));

  it.each(cases)('%s, %s: never overdue while renewing; a missed renewal called in time', (_name, moment, timing) => {
    for (let seed = 1; seed <= 25; seed++) {
      const { whileRenewing, detectedAfterMs } = scenario(timing, moment, seed);
      expect(whileRenewing.length, `seed ${seed}: judged while renewing`).toBeGreaterThan(0);
      expect(
        whileRenewing.filter((status) => status !== 'held'),
        `seed ${seed}`,
      ).toEqual([]);
      expect(detectedAfterMs, `seed ${seed}: not renewing called after the last renewal`).toBeLessThanOrEqual(
        clearlyMissedBy(timing),
      );
    }
  });

  it('kube defaults once learned: "not renewing" within 2.5 s of the last renewal', () => {
    const timing = TIMINGS[0]!;
    for (let seed = 1; seed <= 25; seed++) {
      const random = seeded(seed);
      const { detectedAfterMs, track } = run(tenure(timing, 'cp-1_a', T0, 20, random), T0 + random() * 2000);
      expect(track.learnedCadenceMs).not.toBeNull();
      // The deadline itself (the server arms a timer on it), and as judged every 50 ms here.
      const { overdueAt } = judgeLease(track, track.observedRenewAt!, live, DEFAULT_CONFIG);
      expect(overdueAt! - track.observedRenewAt!).toBeLessThanOrEqual(2500);
      expect(detectedAfterMs).toBeLessThanOrEqual(2500 + JUDGE_EVERY_MS);
    }
  });

  it.each([
    ['kube default before any interval: the known elector', 15, [], { cadenceMs: 2000, basis: 'known-elector' }],
    ['OpenShift before any interval: the known elector', 137, [], { cadenceMs: 26_000, basis: 'known-elector' }],
    ['an unknown duration: a quarter of the lease', 60, [], { cadenceMs: 15_000, basis: 'lease-ratio' }],
    ['one short early interval does not shorten the guess', 15, [900], { cadenceMs: 2000, basis: 'known-elector' }],
    ['one longer interval widens it at once', 15, [3000], { cadenceMs: 3000, basis: 'learned' }],
    [
      'enough intervals: learned alone',
      15,
      [1000, 1010, 990, 1000, 1000, 1005, 995, 1000],
      { cadenceMs: 1000, basis: 'learned' },
    ],
    [
      'a disrupted interval (a stalled apiserver: 8 s among 2 s) does not slow the next call',
      15,
      [2000, 2010, 1990, 8000, 2000, 2005, 1995, 2000],
      { cadenceMs: 2000, overdueAfterMs: 2410, basis: 'learned' },
    ],
  ] as const)('%s', (_name, leaseSeconds, intervals, expected) => {
    const timing = { name: '', leaseSeconds, retryMs: 1000, jitter: 0 };
    const track = observeLease(undefined, record(timing, 'a', T0, T0), T0, DEFAULT_CONFIG).track;
    expect(expectRenewal({ ...track, recentIntervalsMs: intervals }, DEFAULT_CONFIG)).toMatchObject(expected);
  });

  it('a lease without a duration has no expectation', () => {
    const timing = { name: '', leaseSeconds: 0, retryMs: 1000, jitter: 0 };
    const track = observeLease(undefined, record(timing, 'a', T0, T0), T0, DEFAULT_CONFIG).track;
    expect(expectRenewal(track, DEFAULT_CONFIG)).toBeNull();
  });
});
