/**
 * HAWK_TRUSTED_PROXY_HEADER over real HTTP and a real socket.io client: the header lets a request in
 * only when its TCP peer is within HAWK_TRUSTED_PROXY_CIDRS; otherwise a bearer token is still needed.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { assertSafeBinding, EnvError, loadEnv } from '../../src/env';
import { createTrustedProxy } from '../../src/security/trusted-proxy';
import { clusterState } from '@hawk/testkit/cluster-state';
import { startHawkServer, type HawkClient, type RunningHawk } from '@hawk/testkit/hawk-server';
import { createMemoryHub } from '@hawk/testkit/memory-hub';

const TOKEN = 'a-long-enough-token-for-tests';
const HEADER = 'X-Auth-Request-User';

/** Connects with extra handshake headers; resolves 'connected' or the refusal's message. */
async function handshake(
  url: string,
  headers: Record<string, string>,
  auth: Record<string, string> = {},
): Promise<string> {
  const socket: HawkClient = io(url, {
    transports: ['websocket'],
    extraHeaders: headers,
    auth,
    reconnection: false,
    forceNew: true,
  });
  try {
    return await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error) => resolve(error.message));
    });
  } finally {
    socket.disconnect();
  }
}

const get = (url: string, headers: Record<string, string> = {}) => fetch(`${url}/api/clusters`, { headers });

describe('trusted proxy header', () => {
  let trusting: RunningHawk;
  let distrusting: RunningHawk;
  const logs = new PassThrough();
  let logged = '';
  logs.on('data', (chunk: Buffer) => (logged += chunk.toString()));

  beforeAll(async () => {
    // Loopback is the proxy here: the test's own connections come from 127.0.0.1.
    trusting = await startHawkServer(
      createMemoryHub([clusterState('lab')]),
      { HAWK_TRUSTED_PROXY_HEADER: HEADER, HAWK_TRUSTED_PROXY_CIDRS: '127.0.0.0/8, ::1/128', HAWK_LOG_LEVEL: 'debug' },
      { logStream: logs },
    );
    // The proxy is elsewhere: the same header from 127.0.0.1 is a stranger's claim.
    distrusting = await startHawkServer(createMemoryHub([clusterState('lab')]), {
      HAWK_TRUSTED_PROXY_HEADER: HEADER,
      HAWK_TRUSTED_PROXY_CIDRS: '10.0.0.0/8,fd00::/8',
      HAWK_TOKEN: TOKEN,
    });
  });
  afterAll(async () => {
    await trusting?.close();
    await distrusting?.close();
  });

  it('lets REST and the socket in with the header from an allowed peer, and logs the user at debug', async () => {
    const response = await get(trusting.url, { [HEADER]: 'alice@example.com' });
    expect(response.status).toBe(200);
    expect(await handshake(trusting.url, { [HEADER]: 'alice@example.com' })).toBe('connected');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const lines = logged
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: number; user?: string; msg: string });
    expect(
      lines.filter((line) => line.user === 'alice@example.com' && line.level === 20).map((line) => line.msg),
    ).toEqual(expect.arrayContaining(['authenticated', 'socket authenticated']));
  });

  it('refuses without the header and without a token', async () => {
    const response = await get(trusting.url);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/Bearer/);
    expect(await get(trusting.url, { [HEADER]: '' })).toHaveProperty('status', 401);
    expect(await handshake(trusting.url, {})).toBe('unauthorized');
  });

  it('ignores the header from a peer outside the CIDRs; a bearer token still works there', async () => {
    expect((await get(distrusting.url, { [HEADER]: 'mallory' })).status).toBe(401);
    expect(await handshake(distrusting.url, { [HEADER]: 'mallory' })).toBe('unauthorized');
    expect((await get(distrusting.url, { [HEADER]: 'mallory', authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect(await handshake(distrusting.url, {}, { token: TOKEN })).toBe('connected');
    expect((await get(distrusting.url)).status).toBe(401);
    expect(await handshake(distrusting.url, {})).toBe('unauthorized');
  });

  it('never logs a token, even at debug', async () => {
    await get(trusting.url, { [HEADER]: 'bob', authorization: `Bearer ${TOKEN}` });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logged).toContain('"user":"bob"');
    expect(logged).not.toContain(TOKEN);
  });
});

describe('trusted proxy configuration', () => {
  it('requires the CIDRs with the header, and valid ones', () => {
    expect(() => loadEnv({ HAWK_TRUSTED_PROXY_HEADER: HEADER })).toThrow(/HAWK_TRUSTED_PROXY_CIDRS.*required/);
    expect(() => loadEnv({ HAWK_TRUSTED_PROXY_HEADER: HEADER, HAWK_TRUSTED_PROXY_CIDRS: '10.0.0.0/33' })).toThrow(
      EnvError,
    );
    expect(() => loadEnv({ HAWK_TRUSTED_PROXY_HEADER: HEADER, HAWK_TRUSTED_PROXY_CIDRS: 'proxy.local' })).toThrow(
      /not a CIDR/,
    );
    expect(() =>
      loadEnv({ HAWK_TRUSTED_PROXY_HEADER: 'X Bad Header', HAWK_TRUSTED_PROXY_CIDRS: '10.0.0.0/8' }),
    ).toThrow(/HAWK_TRUSTED_PROXY_HEADER/);
    expect(
      loadEnv({ HAWK_TRUSTED_PROXY_HEADER: HEADER, HAWK_TRUSTED_PROXY_CIDRS: '10.0.0.0/8,10.1.2.3' })
        .HAWK_TRUSTED_PROXY_CIDRS,
    ).toBe('10.0.0.0/8,10.1.2.3');
  });

  it('counts as protection for a non-loopback binding', () => {
    expect(() =>
      assertSafeBinding(
        loadEnv({ HOST: '0.0.0.0', HAWK_TRUSTED_PROXY_HEADER: HEADER, HAWK_TRUSTED_PROXY_CIDRS: '10.0.0.0/8' }),
      ),
    ).not.toThrow();
  });

  it.each([
    ['10.2.3.4', '10.0.0.0/8', 'u'],
    ['::ffff:10.2.3.4', '10.0.0.0/8', 'u'],
    ['fd00::1', 'fd00::/8', 'u'],
    ['11.0.0.1', '10.0.0.0/8', null],
    ['10.1.2.4', '10.1.2.3', null],
    [undefined, '0.0.0.0/0', null],
  ])('peer %s within %s → %s', (peer, cidrs, user) => {
    expect(createTrustedProxy(HEADER, cidrs).userFrom(peer, { 'x-auth-request-user': 'u' })).toBe(user);
  });

  it('ignores an empty or control-character user', () => {
    const proxy = createTrustedProxy(HEADER, '127.0.0.1');
    expect(proxy.userFrom('127.0.0.1', { 'x-auth-request-user': '  ' })).toBeNull();
    expect(proxy.userFrom('127.0.0.1', { 'x-auth-request-user': 'eve\nlevel=info forged' })).toBeNull();
    expect(proxy.userFrom('127.0.0.1', { 'x-auth-request-user': ['a', 'b'] as never })).toBeNull();
  });
});
