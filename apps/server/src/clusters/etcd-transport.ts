import { readFileSync } from 'node:fs';
import { Agent, buildConnector, request } from 'undici';
import { linkAbort } from './linked-abort';
import { readServingCertificate, type CertificateFacts } from './peer-certificate';
import { SERVER_DEFAULTS } from '../defaults';

/** Paths to PEM files for the etcd client; read once at start-up. */
export interface EtcdTlsFiles {
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
}

/**
 * EtcdTransport posts to one etcd member's v3 JSON gateway. The client certificate stays inside:
 * callers only name an endpoint, and each endpoint is asked on its own (no failover between
 * members, or a dead member would be hidden behind a live one).
 */
export interface EtcdTransport {
  readonly endpoints: readonly string[];
  post(
    endpoint: string,
    path: string,
    body: unknown,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<{ status: number; text: string }>;
  /**
   * GETs a path (the member's /metrics) with the same client certificate; a body over `maxBytes` is cut off and
   * refused, so a member cannot make hawk hold an unbounded answer.
   */
  get(endpoint: string, path: string, timeoutMs: number, maxBytes: number): Promise<{ status: number; text: string }>;
  /** The certificate one member serves, read by a TLS handshake alone; null for a plain-HTTP endpoint. */
  servingCertificate(endpoint: string, timeoutMs: number): Promise<CertificateFacts | null>;
  close(): Promise<void>;
}

/** readPem names the field whose file cannot be read, so the cluster's error says what to fix. */
function readPem(field: string, path: string | undefined): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(
      `etcd.${field}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

export function createEtcdTransport(endpoints: readonly string[], files: EtcdTlsFiles): EtcdTransport {
  const ca = readPem('ca', files.ca);
  const cert = readPem('cert', files.cert);
  const key = readPem('key', files.key);
  if ((cert === undefined) !== (key === undefined)) throw new Error('etcd.cert and etcd.key must be given together');
  const tls = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
  const agent = new Agent({ connect: tls, keepAliveTimeout: SERVER_DEFAULTS.agentKeepAliveMs });
  const normalized = endpoints.map((endpoint) => endpoint.replace(/\/+$/, ''));
  return {
    endpoints: normalized,
    async post(endpoint, path, body, timeoutMs, signal) {
      const abort = linkAbort(
        signal,
        timeoutMs,
        () => new DOMException(`${endpoint}: no answer within ${timeoutMs} ms`, 'TimeoutError'),
      );
      try {
        const response = await request(`${endpoint}${path}`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: abort.signal,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        return { status: response.statusCode, text: await response.body.text() };
      } finally {
        abort.detach();
      }
    },
    async get(endpoint, path, timeoutMs, maxBytes) {
      const abort = linkAbort(
        undefined,
        timeoutMs,
        () => new DOMException(`${endpoint}: no answer within ${timeoutMs} ms`, 'TimeoutError'),
      );
      try {
        const response = await request(`${endpoint}${path}`, {
          dispatcher: agent,
          signal: abort.signal,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > maxBytes) {
            response.body.destroy();
            throw new Error(`${endpoint}${path}: answer over ${maxBytes} bytes`);
          }
          chunks.push(chunk);
        }
        return { status: response.statusCode, text: Buffer.concat(chunks).toString('utf8') };
      } finally {
        abort.detach();
      }
    },
    async servingCertificate(endpoint, timeoutMs) {
      if (!endpoint.startsWith('https:')) return null;
      // Not rejected during the handshake, so an expired certificate is still read; readServingCertificate checks it.
      const connector = buildConnector({ ...tls, rejectUnauthorized: false, timeout: timeoutMs });
      return readServingCertificate(connector, endpoint, true);
    },
    async close() {
      await agent.destroy();
    },
  };
}
