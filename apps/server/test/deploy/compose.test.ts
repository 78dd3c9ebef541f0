/**
 * docker-compose.yml run for real: Debian's docker-compose (1.29) against podman's Docker-compatible API,
 * with Redis (password), two backend replicas (token required) and the web in front of both on one published
 * port, watching the lab. Chromium loads the page through the web; one replica container is stopped and the
 * page stays live (a leader killed afterwards shows up on the same page). Run under `flock /tmp/hawk-lab.lock`.
 *
 * The images are built with podman beforehand, from the last commit and once per content of their inputs (shared
 * with the image and chart tests: support/containers.ts), and compose runs with --no-build; public images cannot be
 * pulled here, so redis:7-bookworm is a local stand-in built from support/redis-standin.Dockerfile, under the public
 * name the compose file uses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, type Lab } from '@hawk/lab';
import {
  collectBrowserErrors,
  expectNoBrowserErrors,
  launchChromium,
  OUTAGE_NOISE,
  type BrowserErrors,
} from '@hawk/testkit/browser';
import { waitUntil } from '@hawk/testkit/web-processes';
import { REPO_ROOT, requirePodman, run, SERVER_IMAGE, tagHawkImages, WEB_IMAGE } from './support/containers';
import { requireCommand } from './deploy-tools';

const log = (line: string) => console.log(`[compose] ${line}`);
const PROJECT = 'hawkcompose';
const WEB_PORT = 3340;
const WEB_URL = `http://127.0.0.1:${WEB_PORT}`;
const TOKEN = 'compose-test-token-0123456789';
const REDIS_PASSWORD = 'compose-test-redis-password-0123';
const REDIS_IMAGE = 'docker.io/library/redis:7-bookworm';
const socketPath = join(mkdtempSync(join(tmpdir(), 'hawk-compose-')), 'podman.sock');

let lab: Lab;
let service: ChildProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let errors: BrowserErrors | undefined;
let clusterId: string;
let composeEnv: NodeJS.ProcessEnv;

const compose = (...args: string[]) =>
  run(
    requireCommand('docker-compose', 'apt-get install docker-compose (scripts/setup.sh does)'),
    ['-p', PROJECT, '-f', join(REPO_ROOT, 'docker-compose.yml'), ...args],
    { env: composeEnv },
  );
const containerName = (service: string) => `${PROJECT}_${service}_1`;

/** Polls with a deadline; on timeout the error carries the services' last logs. */
const until = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> =>
  waitUntil(what, probe, timeoutMs, () => compose('logs', '--tail', '30').catch((error: Error) => error.message));

/** The web's /healthz: counts and which backend serves, by its place in HAWK_API_URL (server-a, server-b). */
interface WebHealth {
  backendsHealthy: number;
  backendsListed: number;
  serving: number;
}
const webHealth = async () => (await (await fetch(`${WEB_URL}/healthz`)).json()) as WebHealth;

beforeAll(async () => {
  requirePodman();
  requireCommand('docker-compose', 'apt-get install docker-compose (scripts/setup.sh does)');
  lab = await ensureLab({}, { onProgress: (line) => log(`lab: ${line}`) });
  await tagHawkImages(log);
  // Docker's API normalises the compose file's short names to docker.io/library/…: tag the local builds so.
  await run('podman', ['tag', SERVER_IMAGE, 'docker.io/library/hawk-server:local']);
  await run('podman', ['tag', WEB_IMAGE, 'docker.io/library/hawk-web:local']);
  if (
    !(await run('podman', ['image', 'exists', REDIS_IMAGE]).then(
      () => true,
      () => false,
    ))
  ) {
    const context = mkdtempSync(join(tmpdir(), 'hawk-redis-'));
    log(`building the local ${REDIS_IMAGE} stand-in`);
    await run('podman', [
      'build',
      '--pull=never',
      '--network',
      'host',
      '-t',
      REDIS_IMAGE,
      '-f',
      join(import.meta.dirname, 'support', 'redis-standin.Dockerfile'),
      context,
    ]);
  }

  // podman's Docker-compatible API on a socket of this test's own.
  service = spawn('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], { stdio: 'ignore' });
  // The kubeconfig as a user hands it over: readable by the image's non-root user (uid 1000) only.
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'hawk-compose-kube-')), 'config');
  copyFileSync(lab.kubeconfigPath, kubeconfig);
  chownSync(kubeconfig, 1000, 1000);
  composeEnv = {
    ...process.env,
    DOCKER_HOST: `unix://${socketPath}`,
    HAWK_TOKEN: TOKEN,
    HAWK_REDIS_PASSWORD: REDIS_PASSWORD,
    KUBECONFIG_FILE: kubeconfig,
    HAWK_WEB_PORT: String(WEB_PORT),
    HAWK_WEB_ORIGIN: WEB_URL,
  };
  await until(
    "podman's Docker API",
    async () =>
      (await compose('ps').then(
        () => true,
        () => false,
      ))
        ? true
        : undefined,
    30_000,
  );
  await compose('down', '-v', '--remove-orphans').catch(() => undefined);
  await compose('up', '-d', '--no-build');

  clusterId = await until(
    'the web to list the lab cluster through a replica',
    async () => {
      const response = await fetch(`${WEB_URL}/api/clusters`, { headers: { authorization: `Bearer ${TOKEN}` } });
      if (!response.ok) return undefined;
      const body = (await response.json()) as { clusters?: { id: string }[] } | { id: string }[];
      return (Array.isArray(body) ? body : (body.clusters ?? []))[0]?.id;
    },
    180_000,
  );
  await until(
    'both replicas healthy behind the web',
    async () => {
      const health = await webHealth();
      return health.backendsHealthy === 2 && health.backendsListed === 2 ? true : undefined;
    },
    60_000,
  );

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  errors = collectBrowserErrors(page, log);
  await page.addInitScript(`window.sessionStorage.setItem('hawk.token', ${JSON.stringify(TOKEN)})`);
}, 2_400_000);

/** Any error the page reports fails the test it happened in (React's #418 among them). */
afterEach(() => expectNoBrowserErrors(errors));

afterAll(async () => {
  await browser?.close();
  if (composeEnv)
    await compose('down', '-v', '--remove-orphans').catch((error: Error) => log(`down failed: ${error.message}`));
  service?.kill('SIGTERM');
  if (lab) await lab.fault.heal().catch((error: Error) => log(`heal failed: ${error.message}`));
});

describe('docker compose up (docker-compose against podman) with the lab', () => {
  it('publishes only the web; Redis asks for its password; the API asks for the token', async () => {
    const published = await run('podman', [
      'ps',
      '--filter',
      `label=com.docker.compose.project=${PROJECT}`,
      '--format',
      '{{.Names}} {{.Ports}}',
    ]);
    log(`containers:\n${published.trim()}`);
    const withPorts = published.split('\n').filter((line) => /\d+->\d+/.test(line));
    expect(withPorts.map((line) => line.split(' ')[0])).toEqual([containerName('web')]);
    expect(await run('podman', ['exec', containerName('redis'), 'redis-cli', 'ping'])).toMatch(/NOAUTH/);
    expect((await fetch(`${WEB_URL}/api/clusters`)).status).toBe(401);
    expect((await webHealth()).serving, 'server-a, the first listed, serves').toBe(1);
  });

  it('the page stays live when the replica serving it stops', async () => {
    await page.goto(`${WEB_URL}/clusters/${clusterId}`);
    const lease = page.locator('[data-testid="lease"][data-lease="kube-controller-manager"]');
    await lease.waitFor({ timeout: 60_000 });
    const holder = await lab.leaseHolder('kube-controller-manager');
    await expect
      .poll(() => lease.getByTestId('lease-holder').textContent(), { timeout: 30_000 })
      .toBe(holder!.identity);
    await page.evaluate('window.hawkSamePage = true');
    expectNoBrowserErrors(errors);

    // From here the replica serving the page is stopped on purpose: its failed requests and socket are expected.
    await errors!.allowWhile(OUTAGE_NOISE, async () => {
      await run('podman', ['stop', '-t', '5', containerName('server-a')]);
      await until(
        'the web to move to server-b',
        async () => ((await webHealth()).serving === 2 ? true : undefined),
        30_000,
      );
      // Live, not a frozen last frame: a leader killed now shows up on the same page, pushed by server-b.
      await lab.fault.killLeader('kube-controller-manager');
      await expect
        .poll(
          async () => {
            const shown = await lease.getByTestId('lease-holder').textContent();
            return shown !== null && shown !== '' && shown !== holder!.identity;
          },
          { timeout: 90_000 },
        )
        .toBe(true);
      expect(await page.getByTestId('mode').textContent()).toBe('LIVE');
      expect(await page.evaluate('window.hawkSamePage === true'), 'no reload happened').toBe(true);
      await page.screenshot({ path: join(REPO_ROOT, 'docs', 'screenshots', 'compose-failover.png') });
    });
  });
});
