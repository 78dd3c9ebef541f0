import { createHash } from 'node:crypto';
import { connect as connectHttp2, constants as http2Constants, type ClientHttp2Session } from 'node:http2';
import { isIP } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { KubeConfig } from '@kubernetes/client-node';
import { Agent, buildConnector, request, type Dispatcher } from 'undici';
import { execFailure } from './exec-plugin';
import { linkAbort } from './linked-abort';
import { factsOfPem, readServingCertificate, type CertificateFacts } from './peer-certificate';
import { createProxyTunnel, tunnelConnector, type ProxyTunnel } from './proxy-tunnel';
import { describeError } from '../util/describe-error';
import { hostPort } from '../util/host-port';
import { SERVER_DEFAULTS } from '../defaults';

/** A response whose body has not been read yet; `base` says which address answered. */
export interface KubeStream {
  readonly status: number;
  readonly base: string;
  readonly body: Dispatcher.ResponseData['body'];
}

export interface KubeRequestOptions {
  readonly signal?: AbortSignal;
  /** Time allowed until the response headers arrive (ms). */
  readonly headersTimeoutMs: number;
  /** Longest silence allowed between body chunks (ms); 0 disables it (watches have their own watchdog). */
  readonly bodyTimeoutMs?: number;
}

/**
 * KubeClient is the one place a cluster's credentials are used: every request is authenticated
 * here and nothing else sees the token, certificate or key. Requests go to the kubeconfig server
 * first and then, when it cannot be reached, to each apiserver instance directly (issue 6: the
 * front door being down must not blind hawk while the instances serve).
 */
export interface KubeClient {
  /** The kubeconfig's server URL (the front door). */
  readonly server: string;
  /** Replaces the direct instance addresses tried after the front door, e.g. from the EndpointSlice. */
  setInstanceBases(bases: readonly string[]): void;
  /** GET through the front door, falling back to the instances. */
  open(path: string, options: KubeRequestOptions): Promise<KubeStream>;
  /** GET at one base only, no fallback: probes judge each address on its own. */
  openAt(base: string, path: string, options: KubeRequestOptions): Promise<KubeStream>;
  /**
   * Opens an HTTP/2 connection held to one base (probes: its PINGs show the process answering); rejects when HTTP/2 is
   * not offered.
   */
  openSession(base: string, timeoutMs: number): Promise<KubeSession>;
  /** The certificate one base serves, read by a TLS handshake alone (no request), checked against the cluster's CA. */
  servingCertificate(base: string, timeoutMs: number): Promise<CertificateFacts>;
  /** The client certificate this client authenticates with; null for tokens and plugins that give none. */
  clientCertificate(): Promise<CertificateFacts | null>;
  close(): Promise<void>;
}

/** One HTTP/2 connection to one address, authenticated like every other request of this client. */
export interface KubeSession {
  /** GET over this connection, body read whole (small answers only); rejects on timeout or a closed connection. */
  get(path: string, timeoutMs: number): Promise<{ status: number; body: string }>;
  /** One HTTP/2 PING round trip (ms): answered by the server process itself, and not an API request. */
  ping(): Promise<number>;
  /** False once closed, or once the credentials changed (open a new one then). */
  usable(): boolean;
  /** Called once when the connection ends, for any reason (GOAWAY, reset, close). */
  onClose(listener: (reason: string) => void): void;
  /** Ends the connection; `reason` is what requests still in flight fail with. */
  close(reason?: string): void;
}

interface TlsMaterial {
  readonly key: string;
  readonly agent: Agent;
  readonly connect: Record<string, unknown>;
  readonly headers: Record<string, string>;
}

/** instanceBase renders an endpoint address as a base URL ("[fd00::1]:6443" for IPv6). */
export function instanceBase(address: string, port: number): string {
  return `https://${hostPort(address, port)}`;
}

/** What a held session asks its client for: fresh headers per request, and whether its TLS material still holds. */
interface SessionCredentials {
  headers(): Promise<Record<string, string>>;
  current(): boolean;
}

/**
 * Hands an HTTP/2 event's outcome on from the next turn of the event loop. node:http2 emits stream and session events
 * from inside nghttp2's frame handling and may run promise continuations before returning to it; a continuation that
 * closes or reuses the session there re-enters nghttp2, which it does not allow (Node 24 crashes seen under connection
 * churn: nodejs/undici#5643). An apiserver going away is exactly that churn, and the moment hawk must stay up.
 */
function outsideFrameHandling<T>(settle: (value: T) => void, value: T): void {
  setImmediate(() => settle(value));
}

/** One HTTP/2 connection held to one address (KubeClient.openSession). */
class Http2KubeSession implements KubeSession {
  private closeReason = 'closed';
  private session!: ClientHttp2Session;
  /** A server behind a proxy path (/k8s/clusters/c-1) is asked under that path, as openAt does. */
  private readonly prefix: string;

  private constructor(
    private readonly base: string,
    private readonly credentials: SessionCredentials,
  ) {
    this.prefix = new URL(base).pathname.replace(/\/+$/, '');
  }

  static async open(
    base: string,
    timeoutMs: number,
    connect: Record<string, unknown>,
    tunnel: ProxyTunnel | null,
    credentials: SessionCredentials,
  ): Promise<KubeSession> {
    const held = new Http2KubeSession(base, credentials);
    held.session = await held.connect(timeoutMs, connect, tunnel);
    // A held probe connection must not keep the process alive.
    held.session.unref();
    held.session.once('goaway', (code: number) => (held.closeReason = `GOAWAY (code ${code})`));
    return held;
  }

  /** Dials the address (inside the proxy's tunnel when there is one); settles once HTTP/2 is agreed, or fails. */
  private async connect(
    timeoutMs: number,
    connect: Record<string, unknown>,
    tunnel: ProxyTunnel | null,
  ): Promise<ClientHttp2Session> {
    const base = this.base;
    const startedAt = Date.now();
    const target = new URL(base);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    // Through the proxy: TLS offering h2 only, inside a tunnel to the address.
    const tunnelled = tunnel ? await tunnel.open(host, Number(target.port) || 443, timeoutMs) : null;
    const overTunnel = tunnelled
      ? () =>
          connectTls({
            ...connect,
            socket: tunnelled,
            host,
            ALPNProtocols: ['h2'],
            ...(isIP(host) || connect.servername ? {} : { servername: host }),
          })
      : undefined;
    return new Promise<ClientHttp2Session>((resolve, reject) => {
      const candidate = connectHttp2(base, {
        ...connect,
        ...(overTunnel ? { createConnection: overTunnel } : {}),
      });
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        candidate.destroy();
        tunnelled?.destroy();
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new Error(`${base}: timed out: no HTTP/2 connection within ${timeoutMs} ms`)),
        Math.max(0, timeoutMs - (Date.now() - startedAt)),
      );
      // Errors end the connection, before and after it is handed over (its owner hears of it through onClose).
      // A server whose ALPN list lacks h2 refuses the handshake with TLS alert 120.
      candidate.on('error', (error: Error & { code?: string }) => {
        this.closeReason = describeError(error);
        fail(
          error.code === 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL'
            ? new Error(`${base}: HTTP/2 not offered (the server's ALPN does not list h2)`)
            : error,
        );
        candidate.destroy();
      });
      candidate.once('connect', () => {
        // A server without ALPN at all (alpnProtocol false) would be spoken HTTP/2 to blindly: refuse it here.
        if (candidate.alpnProtocol !== 'h2')
          return fail(new Error(`${base}: HTTP/2 not offered (ALPN: ${candidate.alpnProtocol || 'none'})`));
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(candidate);
      });
    });
  }

  async get(path: string, timeoutMs: number): Promise<{ status: number; body: string }> {
    // Fresh headers (a rotated token); rotated TLS material makes the session unusable() for the next request.
    const headers = await this.credentials.headers();
    const lowered = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    const base = this.base;
    return new Promise((resolve, reject) => {
      const stream = this.session.request(
        { ...lowered, ':method': 'GET', ':path': `${this.prefix}${path}`, accept: 'application/json' },
        { endStream: true },
      );
      const timer = setTimeout(() => {
        stream.close(http2Constants.NGHTTP2_CANCEL);
        reject(new Error(`${base}: timed out: no response within ${timeoutMs} ms`));
      }, timeoutMs);
      let status = 0;
      let body = '';
      stream.setEncoding('utf8');
      stream.once('response', (responseHeaders) => (status = Number(responseHeaders[':status'])));
      stream.on('data', (chunk: string) => (body += chunk));
      stream.once('end', () => {
        clearTimeout(timer);
        // A stream ended by its connection's end, not by an answer.
        if (status === 0) outsideFrameHandling(reject, this.connectionEnded());
        else outsideFrameHandling(resolve, { status, body });
      });
      stream.once('error', (error) => {
        clearTimeout(timer);
        outsideFrameHandling(reject, error);
      });
      stream.once('close', () => {
        clearTimeout(timer);
        if (status === 0) outsideFrameHandling(reject, this.connectionEnded());
      });
    });
  }

  private connectionEnded(): Error {
    return new Error(`${this.base}: no response, the connection ended (${this.closeReason})`);
  }

  ping(): Promise<number> {
    return new Promise((resolve, reject) => {
      const sent = this.session.ping((error, durationMs) =>
        error ? outsideFrameHandling(reject, error) : outsideFrameHandling(resolve, durationMs),
      );
      if (!sent) reject(new Error(`${this.base}: PING not sent (session closing or too many outstanding)`));
    });
  }

  usable(): boolean {
    return !this.session.closed && !this.session.destroyed && this.credentials.current();
  }

  onClose(listener: (reason: string) => void): void {
    if (this.session.closed || this.session.destroyed) listener(this.closeReason);
    else this.session.once('close', () => outsideFrameHandling(listener, this.closeReason));
  }

  close(reason?: string): void {
    if (reason) this.closeReason = reason;
    this.session.destroy();
  }
}

/** The connection options for TLS out of the kubeconfig's, only those it set. */
function connectOptions(options: HttpsOptions): Record<string, unknown> {
  return {
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.cert ? { cert: options.cert } : {}),
    ...(options.key ? { key: options.key } : {}),
    ...(options.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
    ...(options.servername ? { servername: options.servername } : {}),
  };
}

/** What the kubeconfig's credentials come to for HTTPS: CA, client certificate and key, headers (a token). */
interface HttpsOptions {
  ca?: Buffer | string;
  cert?: Buffer | string;
  key?: Buffer | string;
  rejectUnauthorized?: boolean;
  servername?: string;
  headers?: Record<string, string>;
}

/** A digest of what a TLS connection is made with: the same digest, the same agent. */
function fingerprintOf(options: HttpsOptions): string {
  const fingerprint = createHash('sha256');
  for (const part of [
    options.ca,
    options.cert,
    options.key,
    String(options.rejectUnauthorized),
    options.servername ?? '',
  ])
    fingerprint.update(part ?? '-').update('\0');
  return fingerprint.digest('hex');
}

/** KubeClient for one context: requests and watches over undici, held probe connections over node:http2. */
class ClusterClient implements KubeClient {
  readonly server: string;
  private readonly tunnel: ProxyTunnel | null;
  /** A server with a path (a proxy such as /k8s/clusters/c-1) cannot be replaced by an instance address. */
  private readonly canFailOver: boolean;
  private instanceBases: readonly string[] = [];
  private material: TlsMaterial | null = null;
  private readonly retired: Agent[] = [];
  private reading: Promise<TlsMaterial> | null = null;

  constructor(private readonly kubeConfig: KubeConfig) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster)
      throw new Error(
        `its cluster "${kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.cluster ?? ''}" is not in the ` +
          `kubeconfig`,
      );
    this.server = cluster.server.replace(/\/+$/, '');
    this.tunnel = cluster.proxyUrl ? createProxyTunnel(cluster.proxyUrl) : null;
    this.canFailOver = new URL(this.server).pathname.replace(/\/+$/, '') === '';
  }

  setInstanceBases(bases: readonly string[]): void {
    this.instanceBases = this.canFailOver ? bases.filter((base) => base !== this.server) : [];
  }

  async open(path: string, options: KubeRequestOptions): Promise<KubeStream> {
    const errors: string[] = [];
    for (const base of [this.server, ...this.instanceBases]) {
      if (options.signal?.aborted) break;
      try {
        const response = await this.openAt(base, path, options);
        // A load balancer with no healthy backend answers 502/503/504 itself: the instances may still serve.
        if (base === this.server && this.instanceBases.length > 0 && [502, 503, 504].includes(response.status)) {
          response.body.destroy();
          errors.push(`${base}: HTTP ${response.status}`);
          continue;
        }
        return response;
      } catch (error) {
        errors.push(`${base}: ${describeError(error)}`);
      }
    }
    throw new Error(errors.join('; ') || 'aborted');
  }

  async openAt(base: string, path: string, options: KubeRequestOptions): Promise<KubeStream> {
    const { agent, headers } = await this.tls();
    // The timeout covers waiting for the headers only: a watch's body then streams for minutes.
    const abort = linkAbort(
      options.signal,
      options.headersTimeoutMs,
      () => new Error(`${base}: no response within ${options.headersTimeoutMs} ms`),
    );
    try {
      const response = await request(`${base}${path}`, {
        method: 'GET',
        dispatcher: agent,
        headers: { ...headers, accept: 'application/json' },
        signal: abort.signal,
        headersTimeout: options.headersTimeoutMs,
        bodyTimeout: options.bodyTimeoutMs ?? options.headersTimeoutMs,
      });
      abort.stopTimer();
      // The caller's signal must still end a streaming body; once the body is done, unlink.
      response.body.once('close', abort.detach);
      return { status: response.statusCode, base, body: response.body };
    } catch (error) {
      abort.detach();
      if (abort.timedOut() && !options.signal?.aborted) throw abort.signal.reason;
      throw error;
    }
  }

  async openSession(base: string, timeoutMs: number): Promise<KubeSession> {
    const opened = await this.tls();
    return Http2KubeSession.open(base, timeoutMs, opened.connect, this.tunnel, {
      headers: async () => (await this.tls()).headers,
      current: () => this.material?.key === opened.key,
    });
  }

  async servingCertificate(base: string, timeoutMs: number): Promise<CertificateFacts> {
    const { connect } = await this.tls();
    // Not rejected during the handshake, so an expired certificate is still read; readServingCertificate checks it.
    const reading = { ...connect, rejectUnauthorized: false, timeout: timeoutMs };
    const connector = this.tunnel ? tunnelConnector(this.tunnel, reading) : buildConnector(reading);
    return readServingCertificate(connector, base, connect['rejectUnauthorized'] !== false);
  }

  async clientCertificate(): Promise<CertificateFacts | null> {
    return factsOfPem((await this.tls()).connect['cert'] as string | Buffer | undefined);
  }

  async close(): Promise<void> {
    const agents = [...this.retired, ...(this.material ? [this.material.agent] : [])];
    this.material = null;
    await Promise.allSettled(agents.map((agent) => agent.destroy()));
  }

  /**
   * tls re-reads credentials each time: exec plugins and token files rotate, and the library caches
   * what it can. Callers at the same moment share one read: at start every watch and probe asks at
   * once, and an exec plugin would otherwise run once for each until its credential is cached.
   */
  private tls(): Promise<TlsMaterial> {
    this.reading ??= this.readTls().finally(() => (this.reading = null));
    return this.reading;
  }

  private async readTls(): Promise<TlsMaterial> {
    const options: HttpsOptions = {};
    try {
      await this.kubeConfig.applyToHTTPSOptions(options as Parameters<KubeConfig['applyToHTTPSOptions']>[0]);
    } catch (error) {
      throw execFailure(this.kubeConfig.getCurrentUser(), error);
    }
    const key = fingerprintOf(options);
    const headers = Object.fromEntries(
      Object.entries(options.headers ?? {}).map(([name, value]) => [name, String(value)]),
    );
    if (this.material?.key === key) return { ...this.material, headers };
    if (this.material) {
      // Open watches still use the old agent; let them finish before closing it.
      const old = this.material.agent;
      this.retired.push(old);
      setTimeout(() => void old.close(), SERVER_DEFAULTS.retiredAgentCloseMs).unref();
    }
    const connect = connectOptions(options);
    const agent = new Agent({
      connect: this.tunnel ? tunnelConnector(this.tunnel, connect) : connect,
      keepAliveTimeout: SERVER_DEFAULTS.agentKeepAliveMs,
    });
    this.material = { key, headers, connect, agent };
    return this.material;
  }
}

/**
 * createKubeClient builds the client for one context; `kubeConfig` must have that context current.
 * A cluster's `proxy-url` carries every connection, as kubectl's; a missing exec plugin fails each
 * request with its name.
 */
export function createKubeClient(kubeConfig: KubeConfig): KubeClient {
  return new ClusterClient(kubeConfig);
}
