import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EtcdTransport } from '../../src/clusters/etcd-transport';
import { SERVER_DEFAULTS } from '../../src/defaults';
import type { ClusterObservationFold } from '../../src/hub/observation-fold';
import { ProbeScheduler } from '../../src/hub/probe-scheduler';

const ENDPOINT = 'https://10.0.0.11:2379';
const INTERVAL_MS = 2_000;

/**
 * An etcd member that answers every request `answerMs` after it is asked (503: no quorum), and a fold that only notes
 * when each etcd round and metrics read was recorded. No kube client: the scheduler drives etcd's two kinds alone.
 */
function etcdOnly(answerMs: number) {
  const asked: number[] = [];
  const scraped: number[] = [];
  const rounds: number[] = [];
  const metrics: number[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const answer = () =>
    new Promise<{ status: number; text: string }>((resolve) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        resolve({ status: 503, text: 'etcdserver: no leader' });
      }, answerMs);
    });
  const transport: EtcdTransport = {
    endpoints: [ENDPOINT],
    post: (_endpoint, path) => {
      if (path === '/v3/maintenance/status') asked.push(Date.now());
      return answer();
    },
    get: () => {
      scraped.push(Date.now());
      return answer();
    },
    servingCertificate: () => Promise.resolve(null),
    close: () => Promise.resolve(),
  };
  const fold = {
    apiserverTargets: () => [],
    recordEtcdRound: () => rounds.push(Date.now()),
    recordEtcdMetrics: () => metrics.push(Date.now()),
  } as unknown as ClusterObservationFold;
  const scheduler = new ProbeScheduler({
    fold,
    kube: null,
    etcd: transport,
    intervalMs: INTERVAL_MS,
    timeoutMs: 1_500,
    now: () => Date.now(),
  });
  return { scheduler, asked, scraped, rounds, metrics, mostInFlight: () => mostInFlight };
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe('probe scheduler: one tick drives every kind of probe through its cadence', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('etcd is asked at start and every interval; its metrics at start and every etcdMetricsEveryMs', async () => {
    const { scheduler, asked, scraped, rounds, metrics } = etcdOnly(20);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(30_000 - 1);
    await scheduler.stop();
    expect(asked[0]).toBe(0);
    expect(gaps(asked).every((gap) => gap === INTERVAL_MS)).toBe(true);
    expect(asked).toHaveLength(15);
    expect(rounds).toHaveLength(15);
    expect(scraped).toEqual([0, 10_000, 20_000]);
    expect(metrics).toHaveLength(3);
    expect(SERVER_DEFAULTS.etcdMetricsEveryMs).toBe(10_000);
  });

  it('a slow etcd is never asked twice at once: a round waits for the last one to end', async () => {
    // Each answer takes 1.5 intervals: the old round is still in flight when the next is due.
    const { scheduler, asked, rounds, mostInFlight } = etcdOnly(3_000);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(20_000);
    await scheduler.stop();
    // One status, one member list and one alarm read per round, and only one round: never a second beside it.
    expect(mostInFlight()).toBeLessThanOrEqual(3 + 1);
    expect(gaps(asked).every((gap) => gap >= 3_000)).toBe(true);
    expect(rounds.length).toBeGreaterThanOrEqual(5);
  });

  it('once stopped records nothing, even from a round still in flight, and never starts again', async () => {
    const { scheduler, asked, rounds, metrics } = etcdOnly(1_000);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(asked).toEqual([0]);
    await scheduler.stop();
    scheduler.start();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(asked).toEqual([0]);
    expect(rounds).toEqual([]);
    expect(metrics).toEqual([]);
  });
});
