import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { Agent, request, type Dispatcher } from 'undici';
import { linkAbort } from './linked-abort';

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
  close(): Promise<void>;
}

interface TlsMaterial {
  readonly key: string;
  readonly agent: Agent;
  readonly headers: Record<string, string>;
}

/** instanceBase renders an endpoint address as a base URL ("[fd00::1]:6443" for IPv6). */
export function instanceBase(address: string, port: number): string {
  return `https://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** createKubeClient builds the client for one context; `kubeConfig` must have that context current. */
export function createKubeClient(kubeConfig: KubeConfig): KubeClient {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error(`context ${kubeConfig.getCurrentContext()} has no cluster`);
  const server = cluster.server.replace(/\/+$/, '');
  // A server with a path (a proxy such as /k8s/clusters/c-1) cannot be replaced by an instance address.
  const canFailOver = new URL(server).pathname.replace(/\/+$/, '') === '';
  let instanceBases: readonly string[] = [];
  let material: TlsMaterial | null = null;
  const retired: Agent[] = [];

  /** tls re-reads credentials each time: exec plugins and token files rotate, and the library caches what it can. */
  async function tls(): Promise<TlsMaterial> {
    const options: { ca?: Buffer | string; cert?: Buffer | string; key?: Buffer | string; rejectUnauthorized?: boolean; servername?: string; headers?: Record<string, string> } = {};
    await kubeConfig.applyToHTTPSOptions(options as Parameters<KubeConfig['applyToHTTPSOptions']>[0]);
    const fingerprint = createHash('sha256');
    for (const part of [options.ca, options.cert, options.key, String(options.rejectUnauthorized), options.servername ?? '']) fingerprint.update(part ?? '-').update('\0');
    const key = fingerprint.digest('hex');
    const headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name, String(value)]));
    if (material?.key === key) return { ...material, headers };
    if (material) {
      // Open watches still use the old agent; let them finish before closing it.
      const old = material.agent;
      retired.push(old);
      setTimeout(() => void old.close(), 10 * 60_000).unref();
    }
    const connect = {
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.cert ? { cert: options.cert } : {}),
      ...(options.key ? { key: options.key } : {}),
      ...(options.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
      ...(options.servername ? { servername: options.servername } : {}),
    };
    material = { key, headers, agent: new Agent({ connect, keepAliveTimeout: 10_000 }) };
    return material;
  }

  async function openAt(base: string, path: string, options: KubeRequestOptions): Promise<KubeStream> {
    const { agent, headers } = await tls();
    // The timeout covers waiting for the headers only: a watch's body then streams for minutes.
    const abort = linkAbort(options.signal, options.headersTimeoutMs, () => new Error(`${base}: no response within ${options.headersTimeoutMs} ms`));
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

  return {
    server,
    setInstanceBases(bases) {
      instanceBases = canFailOver ? bases.filter((base) => base !== server) : [];
    },
    async open(path, options) {
      const errors: string[] = [];
      for (const base of [server, ...instanceBases]) {
        if (options.signal?.aborted) break;
        try {
          const response = await openAt(base, path, options);
          // A load balancer with no healthy backend answers 502/503/504 itself: the instances may still serve.
          if (base === server && instanceBases.length > 0 && [502, 503, 504].includes(response.status)) {
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
    },
    openAt,
    async close() {
      const agents = [...retired, ...(material ? [material.agent] : [])];
      material = null;
      await Promise.allSettled(agents.map((agent) => agent.destroy()));
    },
  };
}

/** describeError gives the most telling message of a network error (undici hides the errno in `cause`). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message && !error.message.includes(cause.message)) return `${error.message}: ${cause.message}`;
  const code = (error as { code?: string }).code;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
