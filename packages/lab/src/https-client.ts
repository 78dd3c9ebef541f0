import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { NETWORK } from './topology';

/** TlsIdentity is the CA to trust and the client certificate to present, as file paths. */
export interface TlsIdentity {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

export interface RequestOptions {
  readonly method?: string;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly timeoutMs?: number;
}

/** AddressGuard throws for any address that is not a lab host: the lab never dials outside itself. */
export type AddressGuard = (ip: string) => void;

const DEFAULT_TIMEOUT_MS = 3_000;

/**
 * httpsRequest makes one request with client-certificate auth. A short timeout is deliberate: a frozen apiserver
 * or a cut-off node accepts nothing, and callers treat the timeout as "not answering".
 */
export function httpsRequest(
  guard: AddressGuard,
  tls: TlsIdentity,
  ip: string,
  port: number,
  path: string,
  options: RequestOptions = {},
): Promise<HttpResponse> {
  guard(ip);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: ip,
        port,
        path,
        // The lab's own address: a managed-shaped lab refuses the host side's main address, where hawk dials from.
        localAddress: NETWORK.labClientIp,
        method: options.method ?? 'GET',
        ca: readFileSync(tls.ca),
        cert: readFileSync(tls.cert),
        key: readFileSync(tls.key),
        agent: false,
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        headers: {
          accept: 'application/json',
          ...(payload === undefined
            ? {}
            : {
                'content-type': options.contentType ?? 'application/json',
                'content-length': Buffer.byteLength(payload),
              }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(
        new Error(`timeout after ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS}ms: https://${ip}:${port}${path}`),
      ),
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** httpGet is plain HTTP, for etcd's metrics port and the LB stats page. */
export function httpGet(
  guard: AddressGuard,
  ip: string,
  port: number,
  path: string,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<HttpResponse> {
  guard(ip);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: ip, port, path, localAddress: NETWORK.labClientIp, agent: false, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs}ms: http://${ip}:${port}${path}`)));
    req.on('error', reject);
    req.end();
  });
}
