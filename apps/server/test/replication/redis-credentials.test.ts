/**
 * Redis with a password (the chart's and compose's Redis have one): the credentials come from
 * HAWK_REDIS_URL, a wrong one leaves the lock unreachable but hawk observing and ready, and neither
 * the password nor the URL reaches the logs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterState } from '@hawk/testkit/cluster-state';
import { startHawkServer, type RunningHawk } from '@hawk/testkit/hawk-server';
import { createMemoryHub } from '@hawk/testkit/memory-hub';
import { freePort } from '@hawk/testkit/free-port';

const PASSWORD = 'correct-horse-battery-staple-7f3a';
const election = { leaseDurationMs: 1_500, renewDeadlineMs: 1_000, retryPeriodMs: 200 };

describe('Redis lock with credentials from HAWK_REDIS_URL', () => {
  let redis: ChildProcess;
  let port: number;
  const running: RunningHawk[] = [];

  beforeAll(async () => {
    port = await freePort();
    redis = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', PASSWORD],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
      redis.once('error', (error) =>
        reject(new Error(`redis-server could not be started (${error.message}): run scripts/setup.sh`)),
      );
      redis.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  });
  afterAll(async () => {
    for (const hawk of running) await hawk.close().catch(() => undefined);
    redis?.kill('SIGTERM');
  });

  const readyz = async (hawk: RunningHawk) =>
    (await fetch(`${hawk.url}/readyz`)).json() as Promise<{
      ready: boolean;
      leader: boolean;
      leaderLockReachable: boolean;
    }>;

  it('leads with the password in the URL', async () => {
    const hawk = await startHawkServer(
      createMemoryHub([clusterState('lab')]),
      { HAWK_REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${port}`, HAWK_REPLICA_ID: 'with-password' },
      { election, redisPrefix: `creds-${process.pid}` },
    );
    running.push(hawk);
    await expect.poll(async () => (await readyz(hawk)).leader, { timeout: 10_000 }).toBe(true);
    expect(await readyz(hawk)).toMatchObject({ ready: true, leaderLockReachable: true });
  });

  it('with a wrong password: ready and observing, the lock unreachable, nothing secret logged', async () => {
    let logs = '';
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        logs += String(chunk);
        done();
      },
    });
    const wrong = 'not-the-password-91c2';
    const hub = createMemoryHub([clusterState('lab')]);
    const hawk = await startHawkServer(
      hub,
      {
        HAWK_REDIS_URL: `redis://:${wrong}@127.0.0.1:${port}`,
        HAWK_REPLICA_ID: 'wrong-password',
        HAWK_LOG_LEVEL: 'info',
      },
      { election, redisPrefix: `creds-${process.pid}`, logStream },
    );
    running.push(hawk);
    await expect.poll(async () => (await readyz(hawk)).leaderLockReachable, { timeout: 10_000 }).toBe(false);
    expect(await readyz(hawk)).toMatchObject({ ready: true, leader: false });
    expect(hub.running).toBe(true);
    const served = (await (await fetch(`${hawk.url}/api/clusters/lab`)).json()) as {
      state: { identity: { id: string } };
    };
    expect(served.state.identity.id).toBe('lab');
    const metrics = await (await fetch(`${hawk.url}/metrics`)).text();
    expect(metrics).toMatch(/hawk_replica_leader_lock_reachable\{replica="wrong-password"\} 0/);
    expect(logs).toContain('leader lock unreachable');
    expect(logs).not.toContain(wrong);
    expect(logs).not.toContain(PASSWORD);
  });
});
