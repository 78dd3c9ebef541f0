/**
 * The web's proxy (server/web-proxy.ts, as hawk-web runs it; no Next build needed) in front of a real backend,
 * over real sockets: clients connect to the web from their own loopback addresses (127.0.0.2 is the trusted
 * authenticating proxy, 127.0.0.3 and 127.0.0.4 are browsers), the web reaches the backend from 127.0.0.1.
 * The backend trusts the identity header and X-Forwarded-For from the web only, as the chart deploys it.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { clusterState } from '@hawk/testkit/cluster-state';
import { startHawkServer, type HawkClient, type RunningHawk } from '@hawk/testkit/hawk-server';
import { createMemoryHub } from '@hawk/testkit/memory-hub';
import { watchBackends, type Backends } from '../server/backends';
import { createWebProxy, parseFrameAncestors } from '../server/web-proxy';

const HEADER = 'X-Auth-Request-User';
const PROXY = '127.0.0.2';
const BROWSER = '127.0.0.3';
const OTHER_BROWSER = '127.0.0.4';
const RATE_LIMIT = 8;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET through the web from `from` (a loopback address of this host). */
function get(base: string, path: string, from: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(path, base), { localAddress: from, headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** A socket.io handshake through the web from `from`; 'connected' or the refusal's message. */
async function handshake(base: string, from: string, headers: Record<string, string>): Promise<string> {
  const socket: HawkClient = io(base, {
    transports: ['websocket'],
    extraHeaders: headers,
    localAddress: from,
    reconnection: false,
    forceNew: true,
  } as Parameters<typeof io>[1]);
  try {
    return await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error) => resolve(error.message));
    });
  } finally {
    socket.disconnect();
  }
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('identity and forwarded-for through the web', () => {
  let backend: RunningHawk;
  let backends: Backends;
  let page: Server;
  let web: Server;
  let webUrl: string;

  beforeAll(async () => {
    backend = await startHawkServer(createMemoryHub([clusterState('lab')]), {
      HAWK_TRUSTED_PROXY_HEADER: HEADER,
      HAWK_TRUSTED_PROXY_CIDRS: '127.0.0.1/32',
      HAWK_WEB_PROXY_CIDRS: '127.0.0.1/32',
      HAWK_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
    });
    // Next's part: any page.
    page = createServer((_request, response) => response.end('<!doctype html><title>hawk</title>'));
    const pageUrl = await listen(page);
    backends = watchBackends([new URL(backend.url)]);
    const proxy = createWebProxy({
      backends,
      nextTarget: new URL(pageUrl),
      trustedClients: `${PROXY}/32`,
      identityHeader: HEADER.toLowerCase(),
      log: () => undefined,
    });
    web = createServer(proxy.serve);
    web.on('upgrade', proxy.upgrade);
    webUrl = await listen(web);
  });
  afterAll(async () => {
    backends?.stop();
    web?.closeAllConnections();
    await new Promise((resolve) => web?.close(resolve));
    await new Promise((resolve) => page?.close(resolve));
    await backend?.close();
  });

  it('drops the identity header a browser sends itself: REST and the socket stay closed', async () => {
    expect((await get(webUrl, '/api/clusters', BROWSER, { [HEADER]: 'admin' })).status).toBe(401);
    // The same header under another casing, and a forwarded-for claiming to be the trusted proxy, change nothing.
    const spoofed = { 'x-auth-request-user': 'admin', 'x-forwarded-for': PROXY };
    expect((await get(webUrl, '/api/clusters', BROWSER, spoofed)).status).toBe(401);
    expect(await handshake(webUrl, BROWSER, { [HEADER]: 'admin' })).toBe('unauthorized');
  });

  it('passes the header from the authenticating proxy in front of the web', async () => {
    expect((await get(webUrl, '/api/clusters', PROXY, { [HEADER]: 'alice' })).status).toBe(200);
    expect(await handshake(webUrl, PROXY, { [HEADER]: 'alice' })).toBe('connected');
  });

  it("limits each browser by its address, counts refused requests, ignores a browser's forwarded-for", async () => {
    // The refused requests of one browser spend its budget (401 until it is gone, then 429)...
    const statuses: number[] = [];
    for (let attempt = 0; attempt < RATE_LIMIT + 2; attempt++) {
      // ...whatever forwarded-for it makes up to look like someone new each time.
      const claim = { 'x-forwarded-for': `10.0.0.${attempt}` };
      statuses.push((await get(webUrl, '/api/clusters', OTHER_BROWSER, claim)).status);
    }
    expect(statuses.slice(-2)).toEqual([429, 429]);
    expect(statuses.filter((status) => status === 401).length).toBeGreaterThan(0);
    // ...while the browser behind the authenticating proxy (another client) is still served.
    const other = await get(webUrl, '/api/clusters', PROXY, { [HEADER]: 'alice', 'x-forwarded-for': '192.0.2.7' });
    expect(other.status).toBe(200);
  });

  it('answers its own /healthz with status only and sends browser defences on pages', async () => {
    const health = await get(webUrl, '/healthz', BROWSER);
    expect(JSON.parse(health.body)).toEqual({
      live: true,
      backendReachable: true,
      backendsHealthy: 1,
      backendsListed: 1,
      serving: 1,
    });
    expect(health.body).not.toContain('127.0.0.1');
    const answer = await get(webUrl, '/', BROWSER);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['referrer-policy']).toBe('no-referrer');
    expect(answer.headers['x-frame-options']).toBe('DENY');
  });

  it('refuses a frame-ancestors value that would inject another directive', () => {
    expect(parseFrameAncestors('https://wall.example.com')).toBe('https://wall.example.com');
    expect(() => parseFrameAncestors("'self'; script-src *")).toThrow(/HAWK_WEB_FRAME_ANCESTORS/);
  });
});
