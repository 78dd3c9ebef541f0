import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KubeSession } from '../../src/clusters/kube-client';
import { createHeldConnection, type ConnectionLoss } from '../../src/probes/held-connection';

/** A session whose PINGs are answered while `answering` is true, and whose close can be triggered, as a server's. */
function fakeSession() {
  const closeListeners: ((reason: string) => void)[] = [];
  const state = { answering: true, closed: false, pings: 0, requests: 0 };
  const session: KubeSession = {
    get: async () => {
      state.requests += 1;
      return { status: 200, body: '[+]etcd ok\nreadyz check passed' };
    },
    ping: () => {
      state.pings += 1;
      return state.answering ? Promise.resolve(1) : new Promise(() => {});
    },
    usable: () => !state.closed,
    onClose: (listener) => void closeListeners.push(listener),
    close: () => {
      if (state.closed) return;
      state.closed = true;
      for (const listener of closeListeners) listener('closed');
    },
  };
  const serverCloses = (reason: string) => {
    state.closed = true;
    for (const listener of closeListeners) listener(reason);
  };
  return { session, state, serverCloses };
}

describe('held connection', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  const setup = (open: () => Promise<KubeSession>) => {
    const losses: { how: ConnectionLoss; detail: string }[] = [];
    const fallback = vi.fn(() => async () => ({ status: 200, body: 'fallback' }));
    const connection = createHeldConnection({
      open,
      fallback,
      pingEveryMs: 500,
      pingTimeoutMs: 1500,
      onLost: (how, detail) => losses.push({ how, detail }),
    });
    return { connection, losses, fallback };
  };

  it('vouches while PINGs come back, and a frozen server (PINGs unanswered) is lost within every + timeout', async () => {
    const fake = fakeSession();
    const { connection, losses } = setup(async () => fake.session);
    expect(connection.vouches()).toBe(false);
    await connection.get('/readyz?verbose', 1500);
    expect(connection.vouches()).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.state.pings).toBeGreaterThanOrEqual(9);
    expect(losses).toEqual([]);
    fake.state.answering = false;
    await vi.advanceTimersByTimeAsync(500 + 1500 + 1);
    expect(losses).toEqual([{ how: 'silent', detail: 'timed out: no answer to an HTTP/2 PING within 1500 ms' }]);
    expect(connection.vouches()).toBe(false);
    expect(fake.state.closed).toBe(true);
    connection.close();
  });

  it('a connection the server ends is reported at once; the next GET opens a new one', async () => {
    const sessions = [fakeSession(), fakeSession()];
    let opened = 0;
    const { connection, losses } = setup(async () => sessions[opened++]!.session);
    await connection.get('/readyz', 1500);
    sessions[0]!.serverCloses('GOAWAY (code 0)');
    expect(losses).toEqual([{ how: 'closed', detail: 'GOAWAY (code 0)' }]);
    expect(connection.vouches()).toBe(false);
    await connection.get('/readyz', 1500);
    expect(opened).toBe(2);
    expect(sessions[1]!.state.requests).toBe(1);
    expect(connection.vouches()).toBe(true);
    connection.close();
  });

  it(
    'rebalance drops the connection without a loss report, and the next GET opens a new one (a pass-through LB ' +
      'balances it anew)',
    async () => {
      const sessions = [fakeSession(), fakeSession()];
      let opened = 0;
      const { connection, losses } = setup(async () => sessions[opened++]!.session);
      await connection.get('/readyz', 1500);
      connection.rebalance();
      expect(sessions[0]!.state.closed).toBe(true);
      expect(connection.vouches()).toBe(false);
      await vi.advanceTimersByTimeAsync(5000);
      expect(losses).toEqual([]);
      expect(sessions[0]!.state.pings).toBe(0);
      await connection.get('/readyz', 1500);
      expect(opened).toBe(2);
      expect(sessions[1]!.state.requests).toBe(1);
      expect(connection.vouches()).toBe(true);
      connection.close();
    },
  );

  it('a refused connection fails the GET (the probe records it) without a loss report', async () => {
    const { connection, losses } = setup(() => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.1:6443')));
    await expect(connection.get('/readyz', 1500)).rejects.toThrow(/ECONNREFUSED/);
    expect(losses).toEqual([]);
    expect(connection.vouches()).toBe(false);
  });

  it('an address without HTTP/2 is asked with plain requests from then on, and never vouched for', async () => {
    let attempts = 0;
    const { connection, fallback } = setup(() => {
      attempts += 1;
      return Promise.reject(
        new Error("https://10.0.0.1:6443: HTTP/2 not offered (the server's ALPN does not list h2)"),
      );
    });
    expect(await connection.get('/readyz', 1500)).toEqual({ status: 200, body: 'fallback' });
    expect(await connection.get('/readyz', 1500)).toEqual({ status: 200, body: 'fallback' });
    expect(attempts).toBe(1);
    expect(fallback).toHaveBeenCalledTimes(2);
    expect(connection.vouches()).toBe(false);
  });

  it('close is final and quiet: no loss reported, no more PINGs', async () => {
    const fake = fakeSession();
    const { connection, losses } = setup(async () => fake.session);
    await connection.get('/readyz', 1500);
    connection.close();
    const pings = fake.state.pings;
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.state.pings).toBe(pings);
    expect(losses).toEqual([]);
  });
});
