import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { buildConnector } from 'undici';
import { hostPort } from '../util/host-port';
import { SERVER_DEFAULTS } from '../defaults';

/**
 * ProxyTunnel reaches an address through a cluster's kubeconfig `proxy-url`, as kubectl does: an
 * HTTP CONNECT tunnel from an http:// or https:// proxy, or a SOCKS5 CONNECT from a socks5:// one
 * (host names resolved by the proxy), with TLS to the apiserver inside it.
 * Every connection of the cluster's client goes through it: the front door, the instances it fails
 * over to, and the probes' held HTTP/2 connections.
 */
export interface ProxyTunnel {
  /** The proxy as messages name it: scheme, host and port only (the URL may carry a password). */
  readonly label: string;
  /** Opens a TCP tunnel to host:port; rejects when the proxy refuses or says nothing within timeoutMs. */
  open(host: string, port: number, timeoutMs: number): Promise<Socket>;
}

/**
 * createProxyTunnel parses a kubeconfig `proxy-url`. It throws for what it cannot speak (another
 * scheme), which becomes that cluster's error.
 */
export function createProxyTunnel(proxyUrl: string): ProxyTunnel {
  let url: URL;
  try {
    url = new URL(proxyUrl);
  } catch {
    throw new Error('proxy-url is not a URL');
  }
  const label = `${url.protocol}//${url.host}`;
  if (url.protocol === 'socks5:' || url.protocol === 'socks5h:') {
    return { label, open: (host, port, timeoutMs) => socksOpen(url, label, host, port, timeoutMs) };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`proxy-url ${label}: the scheme is not http, https or socks5`);
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const userinfo = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  const authorization = url.username ? `Basic ${Buffer.from(userinfo).toString('base64')}` : undefined;

  return {
    label,
    open: (host, port, timeoutMs) =>
      new Promise((resolve, reject) => {
        const authority = hostPort(host, port);
        const fail = (message: string, cause?: unknown) => reject(new Error(`proxy ${label}: ${message}`, { cause }));
        const request: ClientRequest = send({
          host: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || (url.protocol === 'https:' ? 443 : 80),
          method: 'CONNECT',
          path: authority,
          headers: { host: authority, ...(authorization ? { 'proxy-authorization': authorization } : {}) },
          agent: false,
        });
        const silent = new Error(`no answer to CONNECT ${authority} within ${timeoutMs} ms`);
        const timer = setTimeout(() => request.destroy(silent), timeoutMs);
        request.once('connect', (response: IncomingMessage, socket: Socket, head: Buffer) => {
          clearTimeout(timer);
          if (response.statusCode !== 200) {
            socket.destroy();
            fail(`CONNECT ${authority} refused: HTTP ${response.statusCode} ${response.statusMessage ?? ''}`.trim());
            return;
          }
          // Bytes the proxy sent after its answer belong to the tunnel.
          if (head.length > 0) socket.unshift(head);
          resolve(socket);
        });
        request.once('error', (error: Error) => {
          clearTimeout(timer);
          fail(error.message, error);
        });
        request.end();
      }),
  };
}

const SOCKS_REPLIES: Readonly<Record<number, string>> = {
  1: 'general failure',
  2: 'not allowed by the rules',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

/** socksOpen: a SOCKS5 CONNECT (RFC 1928), with the URL's username and password when it has them (RFC 1929). */
function socksOpen(url: URL, label: string, host: string, port: number, timeoutMs: number): Promise<Socket> {
  const authority = hostPort(host, port);
  const username = Buffer.from(decodeURIComponent(url.username));
  const password = Buffer.from(decodeURIComponent(url.password));
  const family = isIP(host);
  const address =
    family === 4
      ? Buffer.from([1, ...host.split('.').map(Number)])
      : family === 6
        ? Buffer.concat([Buffer.from([4]), ipv6Bytes(host)])
        : Buffer.concat([Buffer.from([3, Buffer.byteLength(host)]), Buffer.from(host)]);
  const portBytes = Buffer.from([port >> 8, port & 0xff]);
  const connectRequest = Buffer.concat([Buffer.from([5, 1, 0]), address, portBytes]);
  return new Promise((resolve, reject) => {
    const socket = connectTcp(Number(url.port) || 1080, url.hostname.replace(/^\[|\]$/g, ''));
    let buffer = Buffer.alloc(0);
    let step: 'method' | 'auth' | 'connect' = 'method';
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', finish);
      if (error) {
        socket.destroy();
        reject(new Error(`proxy ${label}: ${error.message}`, { cause: error }));
        return;
      }
      // Held until TLS takes the socket over.
      socket.pause();
      if (buffer.length > 0) socket.unshift(buffer);
      resolve(socket);
    };
    const silent = new Error(`no SOCKS answer for ${authority} within ${timeoutMs} ms`);
    const timer = setTimeout(() => finish(silent), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (step === 'method') {
        if (buffer.length < 2) return;
        const method = buffer[1];
        buffer = buffer.subarray(2);
        if (method === 0) {
          step = 'connect';
          socket.write(connectRequest);
        } else if (method === 2 && username.length > 0) {
          step = 'auth';
          const credentials = [Buffer.from([1, username.length]), username, Buffer.from([password.length]), password];
          socket.write(Buffer.concat(credentials));
        } else return finish(new Error('the SOCKS proxy accepts none of the offered authentication methods'));
      }
      if (step === 'auth') {
        if (buffer.length < 2) return;
        if (buffer[1] !== 0) return finish(new Error('the SOCKS proxy refused the username and password'));
        buffer = buffer.subarray(2);
        step = 'connect';
        socket.write(connectRequest);
      }
      if (buffer.length < 5) return;
      // The reply carries the bound address: 4 (IPv4), 16 (IPv6) or 1 + n (a name) bytes, then the port.
      const kind = buffer[3];
      const addressLength = kind === 1 ? 4 : kind === 4 ? 16 : 1 + (buffer[4] ?? 0);
      if (buffer.length < 4 + addressLength + 2) return;
      const reply = buffer[1] ?? 1;
      buffer = buffer.subarray(4 + addressLength + 2);
      const refusal = SOCKS_REPLIES[reply] ?? `SOCKS reply ${reply}`;
      if (reply !== 0) return finish(new Error(`CONNECT ${authority} refused: ${refusal}`));
      finish();
    };
    socket.on('data', onData);
    socket.once('error', finish);
    socket.once('connect', () => socket.write(Buffer.from(username.length > 0 ? [5, 2, 0, 2] : [5, 1, 0])));
  });
}

/** ipv6Bytes: the 16 bytes of an IPv6 address ("fd00::1"). */
function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const zeros = Array<string>(missing).fill('0');
  const all = address.includes('::') ? [...groups(head), ...zeros, ...groups(tail)] : groups(address);
  return Buffer.from(all.flatMap((group) => [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]));
}

/**
 * tunnelConnector is an undici connector dialling through the tunnel, then TLS as undici's own
 * connector does (certificate checks, session cache, ALPN): `tls` as undici's `connect` option.
 */
export function tunnelConnector(tunnel: ProxyTunnel, tls: buildConnector.BuildOptions): buildConnector.connector {
  const overTunnel = buildConnector({ ...tls, timeout: SERVER_DEFAULTS.proxyConnectTimeoutMs });
  return (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, '');
    tunnel.open(host, Number(options.port) || 443, SERVER_DEFAULTS.proxyConnectTimeoutMs).then(
      (socket) => overTunnel({ ...options, httpSocket: socket }, callback),
      (error: Error) => callback(error, null),
    );
  };
}
