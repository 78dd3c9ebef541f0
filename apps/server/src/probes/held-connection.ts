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
export class HeldConnection {
  private session: KubeSession | null = null;
  private opening: Promise<KubeSession> | null = null;
  /** Why the address is asked with plain requests instead, once it turned out not to offer HTTP/2. */
  private noHttp2: string | null = null;
  private closed = false;
  /** The next PING, or the deadline of the one in flight. */
  private pingTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: HeldConnectionOptions) {}

  /** True while a connection is open and its PINGs come back in time. */
  vouches(): boolean {
    return this.session !== null && this.session.usable() && this.noHttp2 === null;
  }

  /** GET over the held connection, opening one first when none is held; `timeoutMs` covers both. */
  async get(path: string, timeoutMs: number): ReturnType<ProbeGet> {
    if (this.noHttp2 !== null) return this.options.fallback(timeoutMs)(path);
    const deadline = performance.now() + timeoutMs;
    let held: KubeSession;
    try {
      held = await this.ensure(timeoutMs);
    } catch (error) {
      const message = describeError(error);
      if (!message.includes('HTTP/2 not offered')) throw error;
      this.noHttp2 = message;
      this.options.onNoHttp2?.(message);
      return this.options.fallback(timeoutMs)(path);
    }
    return held.get(path, Math.max(1, Math.round(deadline - performance.now())));
  }

  /** Drops the open connection without calling onLost: the next get opens a new one (for an LB, balanced anew). */
  rebalance(): void {
    this.drop();
  }

  /** Final: closes the connection and stops pinging, without calling onLost. */
  close(): void {
    this.closed = true;
    this.drop();
  }

  /** The open connection, or a new one (one opening at a time, shared by concurrent gets). */
  private async ensure(timeoutMs: number): Promise<KubeSession> {
    if (this.session?.usable()) return this.session;
    if (this.session) {
      // Credentials rotated: replace it quietly, it did not fail.
      const old = this.session;
      this.session = null;
      this.stopPinging();
      old.close();
    }
    this.opening ??= this.options
      .open(timeoutMs)
      .then((held) => {
        if (this.closed) {
          held.close();
          throw new Error('connection closed');
        }
        this.adopt(held);
        return held;
      })
      .finally(() => {
        this.opening = null;
      });
    return this.opening;
  }

  private adopt(held: KubeSession): void {
    this.session = held;
    held.onClose((reason) => this.lose(held, 'closed', reason));
    if (this.session === held) this.schedulePing(held);
  }

  /** Closes the open connection, if any, as hawk's own choice: onLost is not called. */
  private drop(): void {
    this.stopPinging();
    const held = this.session;
    this.session = null;
    held?.close();
  }

  private lose(held: KubeSession, how: ConnectionLoss, detail: string): void {
    if (this.session !== held) return;
    this.session = null;
    this.stopPinging();
    held.close(detail);
    if (!this.closed) this.options.onLost(how, detail);
  }

  private stopPinging(): void {
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.pingTimer = null;
  }

  private schedulePing(held: KubeSession): void {
    this.stopPinging();
    this.pingTimer = setTimeout(() => this.ping(held), this.options.pingEveryMs);
    this.pingTimer.unref();
  }

  private ping(held: KubeSession): void {
    if (this.session !== held) return;
    const { pingTimeoutMs } = this.options;
    let answered = false;
    // "timed out": the process is there but stalled, not gone (core's stalledWhileAlive reads it so).
    // Decided after one more turn of the event loop: if hawk itself was stalled (a long GC, its own
    // SIGSTOP), an answer already waiting in the socket is read first and the process is not blamed.
    const silent = () =>
      answered || this.lose(held, 'silent', `timed out: no answer to an HTTP/2 PING within ${pingTimeoutMs} ms`);
    const deadline = setTimeout(() => setImmediate(silent), pingTimeoutMs);
    deadline.unref();
    this.pingTimer = deadline;
    held.ping().then(
      () => {
        answered = true;
        clearTimeout(deadline);
        if (this.session === held) this.schedulePing(held);
      },
      (error: unknown) => {
        answered = true;
        clearTimeout(deadline);
        this.lose(held, 'closed', describeError(error));
      },
    );
  }
}

/** createHeldConnection holds nothing yet: the first get opens the connection. */
export function createHeldConnection(options: HeldConnectionOptions): HeldConnection {
  return new HeldConnection(options);
}
