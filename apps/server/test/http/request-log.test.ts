/**
 * Logs an operator can keep at info (issue 25 §6): health polls and scrapes log at debug, a refused, failed or
 * slow request at info or above. A real app on a real port, its log lines read back from its stream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterState } from '@hawk/testkit/cluster-state';
import { createMemoryHub } from '@hawk/testkit/memory-hub';
import { createApp } from '../../src/app';
import { loadEnv } from '../../src/env';
import { SERVER_DEFAULTS } from '../../src/defaults';

const TOKEN = 'a-long-enough-token-for-tests';

interface Line {
  level: number;
  msg: string;
  url?: string;
  status?: number;
  ms?: number;
}
const INFO = 30;

describe('request logging', () => {
  let app: FastifyInstance;
  let url: string;
  let dir: string;
  let logged = '';
  const lines = (): Line[] =>
    logged
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Line);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hawk-request-log-'));
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => (logged += chunk.toString()));
    app = await createApp({
      env: loadEnv({ HAWK_DB: join(dir, 'history.db'), HAWK_LOG_LEVEL: 'info', HAWK_TOKEN: TOKEN }),
      hub: createMemoryHub([clusterState('lab')]),
      logStream: stream,
    });
    // A route as slow as a slow cluster call, to see that slowness is logged.
    app.get('/api/slow-for-test', async () => {
      await new Promise((resolve) => setTimeout(resolve, SERVER_DEFAULTS.slowRequestMs + 100));
      return { done: true };
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes nothing at info for a day-like stream of health polls, scrapes and quick successes', async () => {
    const before = lines().length;
    const auth = { authorization: `Bearer ${TOKEN}` };
    for (let poll = 0; poll < 50; poll++) expect((await fetch(`${url}/livez`)).status).toBe(200);
    for (let poll = 0; poll < 10; poll++) expect((await fetch(`${url}/readyz`)).status).toBe(200);
    for (let scrape = 0; scrape < 5; scrape++) expect((await fetch(`${url}/metrics`, { headers: auth })).ok).toBe(true);
    expect((await fetch(`${url}/api/clusters`, { headers: auth })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lines().slice(before)).toEqual([]);
  });

  it('logs a refused request and a slow one at info, with status and duration', async () => {
    expect((await fetch(`${url}/api/clusters`)).status).toBe(401);
    expect((await fetch(`${url}/api/slow-for-test`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(
      200,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = lines().find((line) => line.msg === 'request refused');
    expect(refused).toMatchObject({ level: INFO, url: '/api/clusters', status: 401 });
    const slow = lines().find((line) => line.msg === 'request slow');
    expect(slow).toMatchObject({ level: INFO, url: '/api/slow-for-test', status: 200 });
    expect(slow!.ms).toBeGreaterThanOrEqual(SERVER_DEFAULTS.slowRequestMs);
    expect(logged).not.toContain(TOKEN);
  });
});
