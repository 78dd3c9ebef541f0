import type { KubeSession } from '../clusters/kube-client';
import { describeError } from '../util/describe-error';
import type { ProbeGet } from './apiserver-probe';

/** How a held connection stopped vouching for its address. */
export type ConnectionLoss = 'silent' | 'closed';

export interface HeldConnectionOptions {
  /** Opens a new HTTP/2 connection to the address (KubeClient.openSession); rejects when none can be had. */
  readonly open: (timeoutMs: number) => Promise<KubeSession>;
  /** Plain requests, for an address that does not offer HTTP/2: then nothing is held and nothing vouches. */
  readonly fallback: (timeoutMs: number) => ProbeGet;
  readonly pingEveryMs: number;
  /** A PING unanswered this long means the process no longer answers (frozen, cut off, overloaded). */
  readonly pingTimeoutMs: number;
  /**
   * The connection stopped vouching: 'silent' (a PING went unanswered) or 'closed' (GOAWAY, reset,
   * the process gone). Not called for a close hawk asked for.
   */
  readonly onLost: (how: ConnectionLoss, detail: string) => void;
  /** Told once why HTTP/2 is not used for this address (e.g. the ALPN the server chose). */
  readonly onNoHttp2?: (reason: string) => void;
}

/**
 * HeldConnection keeps one HTTP/2 connection open to one apiserver address and PINGs it. A PING is
 * answered by the server process itself (Go's HTTP/2 server, in its connection loop) and is not an API
 * request, so it costs the apiserver nothing it counts: while PINGs come back the process is alive and
 * reachable, which lets hawk ask `/readyz` less often (see probe-cadence). A killed process closes the
 * connection at once; a frozen one keeps its TCP socket (the kernel still acknowledges) but stops
 * answering PINGs, which a TCP-level check would not notice.
 */
export interface HeldConnection {
  /** True while a connection is open and its PINGs come back in time. */
  vouches(): boolean;
  /** GET over the held connection, opening one first when none is held; `timeoutMs` covers both. */
  get(path: string, timeoutMs: number): ReturnType<ProbeGet>;
  /** Drops the open connection without calling onLost: the next get opens a new one (for an LB, balanced anew). */
  rebalance(): void;
  /** Final: closes the connection and stops pinging, without calling onLost. */
  close(): void;
}

export function createHeldConnection(options: HeldConnectionOptions): HeldConnection {
  let session: KubeSession | null = null;
  let opening: Promise<KubeSession> | null = null;
  let noHttp2: string | null = null;
  let closed = false;
  let pingTimer: NodeJS.Timeout | null = null;

  const stopPinging = () => {
    if (pingTimer) clearTimeout(pingTimer);
    pingTimer = null;
  };

  const lose = (held: KubeSession, how: ConnectionLoss, detail: string) => {
    if (session !== held) return;
    session = null;
    stopPinging();
    held.close(detail);
    if (!closed) options.onLost(how, detail);
  };

  const schedulePing = (held: KubeSession) => {
    stopPinging();
    pingTimer = setTimeout(() => ping(held), options.pingEveryMs);
    pingTimer.unref();
  };

  const ping = (held: KubeSession) => {
    if (session !== held) return;
    let answered = false;
    // "timed out": the process is there but stalled, not gone (core's stalledWhileAlive reads it so).
    // Decided after one more turn of the event loop: if hawk itself was stalled (a long GC, its own
    // SIGSTOP), an answer already waiting in the socket is read first and the process is not blamed.
    const deadline = setTimeout(
      () =>
        setImmediate(
          () =>
            answered ||
            lose(held, 'silent', `timed out: no answer to an HTTP/2 PING within ${options.pingTimeoutMs} ms`),
        ),
      options.pingTimeoutMs,
    );
    deadline.unref();
    pingTimer = deadline;
    held.ping().then(
      () => {
        answered = true;
        clearTimeout(deadline);
        if (session === held) schedulePing(held);
      },
      (error: unknown) => {
        answered = true;
        clearTimeout(deadline);
        lose(held, 'closed', describeError(error));
      },
    );
  };

  /** Closes the open connection, if any, as hawk's own choice: onLost is not called. */
  const drop = () => {
    stopPinging();
    const held = session;
    session = null;
    held?.close();
  };

  const adopt = (held: KubeSession) => {
    session = held;
    held.onClose((reason) => lose(held, 'closed', reason));
    if (session === held) schedulePing(held);
  };

  const ensure = async (timeoutMs: number): Promise<KubeSession> => {
    if (session?.usable()) return session;
    if (session) {
      // Credentials rotated: replace it quietly, it did not fail.
      const old = session;
      session = null;
      stopPinging();
      old.close();
    }
    opening ??= options
      .open(timeoutMs)
      .then((held) => {
        if (closed) {
          held.close();
          throw new Error('connection closed');
        }
        adopt(held);
        return held;
      })
      .finally(() => {
        opening = null;
      });
    return opening;
  };

  return {
    vouches: () => session !== null && session.usable() && noHttp2 === null,
    async get(path, timeoutMs) {
      if (noHttp2 !== null) return options.fallback(timeoutMs)(path);
      const deadline = performance.now() + timeoutMs;
      let held: KubeSession;
      try {
        held = await ensure(timeoutMs);
      } catch (error) {
        const message = describeError(error);
        if (!message.includes('HTTP/2 not offered')) throw error;
        noHttp2 = message;
        options.onNoHttp2?.(message);
        return options.fallback(timeoutMs)(path);
      }
      return held.get(path, Math.max(1, Math.round(deadline - performance.now())));
    },
    rebalance: drop,
    close() {
      closed = true;
      drop();
    },
  };
}
