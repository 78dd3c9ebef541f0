/**
 * What hawk-web does with each request, apart from listening: which hop gets it, which identity and
 * forwarded-for headers go with it, and the browser defences on every answer. Kept apart from
 * hawk-web.ts (which starts Next) so tests can run it against a real backend without a Next build.
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
import { BlockList, isIP, type Socket } from 'node:net';
import { createProxyServer } from 'http-proxy-3';
import type { Backends } from './backends';

const BACKEND_PATH = /^\/(api|socket\.io)(\/|$)|^\/docs(\/|$|\?)/;

/**
 * Headers authenticating proxies (oauth2-proxy, Apache/nginx auth modules, Grafana-style auth proxies) use to
 * name a user. A browser can send any of them: they reach the backend only from a client the web trusts.
 */
const IDENTITY_HEADERS = [
  'x-auth-request-user',
  'x-auth-request-email',
  'x-auth-request-preferred-username',
  'x-auth-request-groups',
  'x-auth-request-access-token',
  'x-forwarded-user',
  'x-forwarded-email',
  'x-forwarded-preferred-username',
  'x-forwarded-groups',
  'x-forwarded-access-token',
  'x-remote-user',
  'x-remote-group',
  'remote-user',
  'x-webauth-user',
];

export interface WebProxyOptions {
  readonly backends: Backends;
  /** Next's loopback server: every path that is not the backend's. */
  readonly nextTarget: URL;
  /** HAWK_WEB_TRUSTED_PROXY_CIDRS: the web's own clients whose identity and forwarded-for headers it passes on. */
  readonly trustedClients?: string;
  /** HAWK_TRUSTED_PROXY_HEADER: the backend's identity header, dropped from untrusted clients like the others. */
  readonly identityHeader?: string;
  /** HAWK_WEB_FRAME_ANCESTORS: who may frame the pages (CSP frame-ancestors); default 'none'. */
  readonly frameAncestors?: string;
  readonly log?: (line: string) => void;
}

export interface WebProxy {
  serve(request: IncomingMessage, response: ServerResponse): void;
  upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void;
}

/** A comma-separated list of CIDRs (or addresses) as a BlockList; throws naming the entry that is not one. */
export function parseClientCidrs(value: string): BlockList {
  const list = new BlockList();
  for (const entry of value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [address = '', prefixText, extra] = entry.split('/');
    const family = isIP(address);
    const maxPrefix = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
    if (family === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix)
      throw new Error(`HAWK_WEB_TRUSTED_PROXY_CIDRS: ${JSON.stringify(entry)} is not a CIDR (like 10.0.0.0/8)`);
    list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

/** Validates a frame-ancestors source list: it goes into a header, so no separators or control characters. */
export function parseFrameAncestors(value: string | undefined): string {
  const sources = (value ?? "'none'").trim() || "'none'";
  if (!/^[A-Za-z0-9'*:/.\-_ ]+$/.test(sources))
    throw new Error(`HAWK_WEB_FRAME_ANCESTORS: ${JSON.stringify(sources)} is not a CSP source list`);
  return sources;
}

/**
 * The pages' defences. Next inlines its hydration scripts and React sets style attributes, so scripts and styles
 * allow 'unsafe-inline' from this origin only; nothing may be loaded from elsewhere, and the socket connects to
 * this origin ('self' covers ws: and wss: to it).
 */
export function securityHeaders(frameAncestors: string): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // For browsers without frame-ancestors; only when nobody may frame the page (X-Frame-Options lists no origins).
    ...(frameAncestors === "'none'" ? { 'x-frame-options': 'DENY' } : {}),
  };
}

export function createWebProxy(options: WebProxyOptions): WebProxy {
  const { backends, nextTarget } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const trusted = options.trustedClients ? parseClientCidrs(options.trustedClients) : undefined;
  const identityHeaders = new Set([...IDENTITY_HEADERS, ...(options.identityHeader ? [options.identityHeader] : [])]);
  const defences = securityHeaders(parseFrameAncestors(options.frameAncestors));
  const isTrusted = (address: string | undefined): boolean => {
    const family = address === undefined ? 0 : isIP(address);
    return trusted !== undefined && family !== 0 && trusted.check(address!, family === 4 ? 'ipv4' : 'ipv6');
  };

  /**
   * The backend trusts identity and X-Forwarded-For from the web's address (it is the web's only caller), so the
   * web must not pass on what a browser made up: identity headers only from a trusted client, and X-Forwarded-For
   * replaced by the one client address the web vouches for (the nearest hop it does not trust).
   */
  function vouchFor(request: IncomingMessage): void {
    const peer = request.socket.remoteAddress;
    let client = peer ?? '';
    if (isTrusted(peer)) {
      const chain = String(request.headers['x-forwarded-for'] ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => isIP(entry) !== 0);
      for (let index = chain.length - 1; index >= 0 && isTrusted(client); index--) client = chain[index]!;
    } else {
      for (const header of identityHeaders) delete request.headers[header];
      delete request.headers['x-forwarded-host'];
      delete request.headers['x-forwarded-proto'];
    }
    request.headers['x-forwarded-for'] = client;
  }

  // No xfwd: vouchFor sets X-Forwarded-For itself rather than appending to what the client sent.
  const proxy = createProxyServer({ xfwd: false });

  /** A failed hop answers 502 (or drops the socket) and takes a failing backend out of rotation until /livez does. */
  const onProxyError = (target: URL, request: IncomingMessage, response: ServerResponse | Socket) => (error: Error) => {
    if (target !== nextTarget) backends.markDown(target);
    log(`[hawk-web] ${request.method} ${request.url} to ${target.origin}: ${error.message}`);
    if (response instanceof ServerResponse) {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end('hawk backend unreachable\n');
    } else {
      response.destroy();
    }
  };

  return {
    serve(request, response) {
      const url = request.url ?? '/';
      for (const [name, value] of Object.entries(defences)) response.setHeader(name, value);
      if (url === '/healthz') {
        // Status only: this answers anyone who reaches the port, so counts and a position in HAWK_API_URL's
        // order (which backend serves now: failover is observable), never an address.
        const status = backends.status();
        const healthy = status.filter((backend) => backend.healthy).length;
        const serving = status.findIndex((backend) => backend.url === backends.current().origin) + 1;
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        response.end(
          JSON.stringify({
            live: true,
            backendReachable: healthy > 0,
            backendsHealthy: healthy,
            backendsListed: status.length,
            serving,
          }),
        );
        return;
      }
      const target = BACKEND_PATH.test(url) ? backends.current() : nextTarget;
      if (target !== nextTarget) vouchFor(request);
      proxy.web(request, response, { target }, onProxyError(target, request, response));
    },
    upgrade(request, socket, head) {
      socket.on('error', () => socket.destroy());
      // Only the socket is a websocket: Next's production server takes no upgrades.
      if (!BACKEND_PATH.test(request.url ?? '/')) {
        socket.destroy();
        return;
      }
      const target = backends.current();
      vouchFor(request);
      proxy.ws(request, socket, head, { target }, onProxyError(target, request, socket));
    },
  };
}
