import { describe, expect, it } from 'vitest';
import type { EndpointHealth, ProbeResult } from '@hawk/core';
import { SERVER_DEFAULTS } from '../../src/defaults';
import { judgeReachability, type ReachabilitySeen } from '../../src/hub/reachability';

const T0 = Date.parse('2026-12-07T09:00:00Z');
const AFTER_FIRST_LOOK = T0 + SERVER_DEFAULTS.firstLookMs + 1_000;

const timedOut: ProbeResult = {
  at: AFTER_FIRST_LOOK,
  ok: false,
  httpStatus: null,
  latencyMs: null,
  failedChecks: [],
  error: 'timed out after 1500 ms',
};

/** One apiserver's health as the probe scheduler records it; `alive`: its held connection still answers PINGs. */
const health = (readyz: ProbeResult, alive: boolean): EndpointHealth => ({
  readyz,
  livez: alive ? { ...readyz, ok: true, error: null } : readyz,
  lastOkAt: T0,
  okSince: null,
  failingSince: T0 + 5_000,
});

/** Three apiservers probed many rounds, every watch gone quiet (stale), as without etcd quorum. */
const seen = (each: EndpointHealth): ReachabilitySeen => ({
  error: null,
  startedAt: T0,
  freshness: { leases: { state: 'stale', lastEventAt: T0 }, endpointslice: { state: 'stale', lastEventAt: T0 } },
  health: new Map(['front-door', 'a', 'b', 'c'].map((key) => [key, each])),
  endpoints: ['a', 'b', 'c'],
  rounds: 20,
});

describe('reachability', () => {
  it("apiservers blocked on etcd (/readyz timed out, PINGs answered) are reached: the cause is etcd's, not the network's", () => {
    const judged = judgeReachability(seen(health(timedOut, true)), AFTER_FIRST_LOOK, null);
    expect(judged.reachability).toEqual({ state: 'reachable' });
  });

  it('no answer and no PING from any apiserver, no watch live: unreachable, with the front door error and since when', () => {
    const first = judgeReachability(seen(health(timedOut, false)), AFTER_FIRST_LOOK, null);
    expect(first.reachability).toEqual({
      state: 'unreachable',
      error: 'timed out after 1500 ms',
      since: AFTER_FIRST_LOOK,
    });
    const later = judgeReachability(seen(health(timedOut, false)), AFTER_FIRST_LOOK + 5_000, first.unreachableSince);
    expect(later.reachability).toMatchObject({ state: 'unreachable', since: AFTER_FIRST_LOOK });
  });

  it('an HTTP error status is an answer: reachable', () => {
    const failed: ProbeResult = {
      ...timedOut,
      httpStatus: 500,
      error: 'HTTP 500: etcd failed',
      failedChecks: ['etcd'],
    };
    expect(judgeReachability(seen(health(failed, false)), AFTER_FIRST_LOOK, null).reachability.state).toBe('reachable');
  });
});
