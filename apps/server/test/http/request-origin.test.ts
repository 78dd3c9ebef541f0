/**
 * Which pages may read hawk: a WebSocket upgrade from a foreign Origin is refused (socket.io's cors
 * does not cover upgrades), and a foreign Host is answered 421 (DNS rebinding). Real hawk, real
 * HTTP, real socket.io clients.
 */
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestOriginPolicy } from '../../src/security/request-origin';
import { clusterState } from '@hawk/testkit/cluster-state';
import { nextEvent, startHawkServer, type HawkClient, type RunningHawk } from '@hawk/testkit/hawk-server';
import { createMemoryHub } from '@hawk/testkit/memory-hub';

describe('createRequestOriginPolicy', () => {
  const policy = createRequestOriginPolicy(
    'http://localhost:3000, https://hawk.example.com',
    'hawk.internal,Ops.Example.org',
  );

  it('allows IP literals, localhost, the web origins’ hosts and the listed names in Host; nothing else', () => {
    for (const host of [
      '127.0.0.1:4000',
      '127.0.0.1',
      '10.1.2.3:80',
      '[::1]:4000',
      '[fd00::1]',
      'localhost:4000',
      'LOCALHOST',
      'web.localhost:3000',
      'hawk.example.com',
      'hawk.example.com:443',
      'hawk.internal:4000',
      'ops.example.org',
    ]) {
      expect(policy.hostAllowed(host), host).toBe(true);
    }
    for (const host of [
      undefined,
      '',
      'evil.example',
      'evil.example:4000',
      'hawk.example.com.evil.example',
      'localhost.evil.example',
      'internal',
      '127.0.0.1.nip.io',
    ]) {
      expect(policy.hostAllowed(host), String(host)).toBe(false);
    }
  });

  it('`*` allows any Host', () => {
    const any = createRequestOriginPolicy('http://localhost:3000', '*');
    expect(['evil.example', 'anything:1', undefined].map((host) => any.hostAllowed(host))).toEqual([true, true, true]);
  });

  it('allows no Origin, a web origin, or the same origin on an allowed Host; refuses foreign and malformed origins', () => {
    expect(policy.webOrigins).toEqual(['http://localhost:3000', 'https://hawk.example.com']);
    const allowed = [
      { host: '127.0.0.1:4000' },
      { host: '127.0.0.1:4000', origin: 'http://localhost:3000' },
      { host: '127.0.0.1:4000', origin: 'https://hawk.example.com' },
      // Same origin: the web's proxy in front of hawk keeps the browser's Host.
      { host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000' },
      { host: 'hawk.internal:8080', origin: 'https://hawk.internal:8080' },
    ];
    const refused = [
      { host: '127.0.0.1:4000', origin: 'http://evil.example' },
      { host: '127.0.0.1:4000', origin: 'http://localhost:3001' },
      { host: '127.0.0.1:4000', origin: 'https://localhost:3000' },
      { host: '127.0.0.1:4000', origin: 'null' },
      { host: '127.0.0.1:4000', origin: 'not a url' },
      // Same origin only counts on a Host hawk answers to: a re-bound name is not hawk's origin.
      { host: 'evil.example:4000', origin: 'http://evil.example:4000' },
      { host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4001' },
      { origin: 'http://127.0.0.1:4000' },
    ];
    for (const headers of allowed) expect(policy.originAllowed(headers), JSON.stringify(headers)).toBe(true);
    for (const headers of refused) expect(policy.originAllowed(headers), JSON.stringify(headers)).toBe(false);
  });
});

/** A GET with exactly these headers (fetch would not let a test set Host). */
function get(url: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A raw WebSocket upgrade to socket.io: 101 when switched, else the refusal's status. */
function upgrade(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL('/socket.io/?EIO=4&transport=websocket', url), {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    req.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A real socket.io client over the websocket transport with these headers: connects or is refused. */
function tryConnect(url: string, extraHeaders: Record<string, string>): Promise<'connected' | 'refused'> {
  const socket: HawkClient = io(url, { transports: ['websocket'], extraHeaders, reconnection: false, forceNew: true });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.disconnect();
      resolve('connected');
    });
    socket.once('connect_error', () => {
      socket.disconnect();
      resolve('refused');
    });
  });
}

describe('a token-less hawk guards Origin and Host', () => {
  let hawk: RunningHawk;
  let open: RunningHawk;
  let port: string;

  beforeAll(async () => {
    const env = {
      HAWK_WEB_ORIGIN: 'http://localhost:3000,https://hawk.example.com',
      HAWK_ALLOWED_HOSTS: 'hawk.internal',
    };
    hawk = await startHawkServer(createMemoryHub([clusterState('lab')]), env);
    open = await startHawkServer(createMemoryHub([clusterState('lab')]), { HAWK_ALLOWED_HOSTS: '*' });
    port = new URL(hawk.url).port;
  });
  afterAll(async () => {
    await hawk?.close();
    await open?.close();
  });

  it('refuses a WebSocket upgrade from a foreign page, before it switches protocols', async () => {
    const status = await upgrade(hawk.url, { origin: 'http://evil.example' });
    expect(status).not.toBe(101);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(await tryConnect(hawk.url, { origin: 'http://evil.example' })).toBe('refused');
    // A re-bound name is refused even with a matching (same-origin) Origin.
    expect(await tryConnect(hawk.url, { host: `evil.example:${port}`, origin: `http://evil.example:${port}` })).toBe(
      'refused',
    );
    expect(await tryConnect(hawk.url, { host: `evil.example:${port}` })).toBe('refused');
  });

  it('accepts the configured web origins, the same origin, and clients that send no Origin', async () => {
    expect(await upgrade(hawk.url, { origin: 'https://hawk.example.com' })).toBe(101);
    expect(await tryConnect(hawk.url, { origin: 'http://localhost:3000' })).toBe('connected');
    expect(await tryConnect(hawk.url, { origin: 'https://hawk.example.com' })).toBe('connected');
    expect(await tryConnect(hawk.url, { origin: `http://127.0.0.1:${port}` })).toBe('connected');
    expect(await tryConnect(hawk.url, {})).toBe('connected');
    // And the connection serves: a snapshot arrives.
    const socket: HawkClient = io(hawk.url, {
      transports: ['websocket'],
      extraHeaders: { origin: 'https://hawk.example.com' },
      reconnection: false,
      forceNew: true,
    });
    try {
      const snapshot = nextEvent(socket, 'snapshot');
      socket.emit('subscribe', { clusterId: 'lab' });
      expect((await snapshot).clusterId).toBe('lab');
    } finally {
      socket.disconnect();
    }
  });

  it('answers REST for a foreign Host with 421, and serves IP literals, localhost and allowed names', async () => {
    expect(await get(hawk.url, '/api/clusters', { host: 'evil.example' })).toBe(421);
    expect(await get(hawk.url, '/api/clusters', { host: `evil.example:${port}` })).toBe(421);
    expect(await get(hawk.url, '/readyz', { host: 'evil.example' })).toBe(421);
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'localhost',
      `hawk.internal:${port}`,
      'hawk.example.com',
    ]) {
      expect(await get(hawk.url, '/api/clusters', { host }), host).toBe(200);
    }
  });

  it('HAWK_ALLOWED_HOSTS=* accepts any Host; Origin is still checked', async () => {
    expect(await get(open.url, '/api/clusters', { host: 'evil.example' })).toBe(200);
    expect(await tryConnect(open.url, { origin: 'http://evil.example' })).toBe('refused');
    expect(await tryConnect(open.url, { origin: 'http://localhost:3000' })).toBe('connected');
  });
});
