/**
 * hawk's two images as a user runs them: built with podman from the repository's Dockerfiles, the backend
 * container watching the lab (host network, the lab's kubeconfig and certificates mounted read-only), the
 * web container beside it proxying to it, and Debian's chromium on the web container's URL seeing the lab's
 * leaders and then a fault, live. Run under `flock /tmp/hawk-lab.lock`: it kills a leader.
 */
import { chownSync, copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, type Lab } from '@hawk/lab';
import { collectBrowserErrors, expectNoBrowserErrors, launchChromium, type BrowserErrors } from '@hawk/testkit/browser';
import { waitUntil } from '@hawk/testkit/web-processes';
import {
  containerLogs,
  imageConfig,
  imageSize,
  removeContainer,
  REPO_ROOT,
  requirePodman,
  run,
  SERVER_IMAGE,
  tagHawkImages,
  WEB_IMAGE,
} from './support/containers';

const log = (line: string) => console.log(`[images] ${line}`);
const BACKEND_PORT = 4330;
const WEB_PORT = 3330;
const WEB_URL = `http://127.0.0.1:${WEB_PORT}`;
const TOKEN = 'images-test-token-0123456789';
const SERVER_CONTAINER = 'hawk-images-test-server';
const WEB_CONTAINER = 'hawk-images-test-web';

let lab: Lab;
let browser: Browser | undefined;
let page: Page;
/** Any error the page reports fails the test it happened in (React's #418 among them). */
let errors: BrowserErrors | undefined;
let clusterId: string;
const websockets: string[] = [];

/** Polls with a deadline; on timeout the error carries both containers' logs. */
const until = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> =>
  waitUntil(
    what,
    probe,
    timeoutMs,
    async () =>
      `--- ${SERVER_CONTAINER} ---\n${await containerLogs(SERVER_CONTAINER)}\n--- ${WEB_CONTAINER} ` +
      `---\n${await containerLogs(WEB_CONTAINER)}`,
  );

beforeAll(async () => {
  requirePodman();
  lab = await ensureLab({}, { onProgress: (line) => log(`lab: ${line}`) });
  await tagHawkImages(log);
  await removeContainer(SERVER_CONTAINER);
  await removeContainer(WEB_CONTAINER);

  // The lab's kubeconfig (credentials embedded) and etcd client pair, as a user would hand them over: files
  // readable by the image's non-root user (uid 1000) only, mounted read-only.
  const labEnv = lab.env();
  const secrets = mkdtempSync(join(tmpdir(), 'hawk-images-kube-'));
  const files: Record<string, string> = {
    KUBECONFIG: 'config',
    HAWK_ETCD_CA: 'etcd-ca.crt',
    HAWK_ETCD_CERT: 'etcd-client.crt',
    HAWK_ETCD_KEY: 'etcd-client.key',
  };
  const passed = ['-e', `HAWK_ETCD_ENDPOINTS=${labEnv.HAWK_ETCD_ENDPOINTS ?? ''}`];
  for (const [variable, file] of Object.entries(files)) {
    copyFileSync(labEnv[variable]!, join(secrets, file));
    chownSync(join(secrets, file), 1000, 1000);
    passed.push('-e', `${variable}=/kube/${file}`);
  }
  chownSync(secrets, 1000, 1000);
  await run('podman', [
    'run',
    '-d',
    '--name',
    SERVER_CONTAINER,
    '--network',
    'host',
    '--read-only',
    '--tmpfs',
    '/tmp',
    '-v',
    `${secrets}:/kube:ro`,
    ...passed,
    '-e',
    `PORT=${BACKEND_PORT}`,
    '-e',
    `HAWK_TOKEN=${TOKEN}`,
    '-e',
    `HAWK_WEB_ORIGIN=${WEB_URL}`,
    '-e',
    'HAWK_LOG_LEVEL=warn',
    SERVER_IMAGE,
  ]);
  await run('podman', [
    'run',
    '-d',
    '--name',
    WEB_CONTAINER,
    '--network',
    'host',
    '--read-only',
    '--tmpfs',
    '/tmp',
    '-e',
    `PORT=${WEB_PORT}`,
    '-e',
    `HAWK_API_URL=http://127.0.0.1:${BACKEND_PORT}`,
    WEB_IMAGE,
  ]);

  // Through the web's origin: the REST API is proxied, and requires the token.
  clusterId = await until(
    "the web container to proxy the backend container's cluster list",
    async () => {
      const response = await fetch(`${WEB_URL}/api/clusters`, { headers: { authorization: `Bearer ${TOKEN}` } });
      if (!response.ok) return undefined;
      const body = (await response.json()) as { clusters?: { id: string }[] } | { id: string }[];
      return (Array.isArray(body) ? body : (body.clusters ?? []))[0]?.id;
    },
    120_000,
  );

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  errors = collectBrowserErrors(page);
  // The token a user would type, in the tab's sessionStorage before the page's code reads it.
  await page.addInitScript(`window.sessionStorage.setItem('hawk.token', ${JSON.stringify(TOKEN)})`);
  page.on('websocket', (socket) => websockets.push(socket.url()));
}, 2_400_000);

afterEach(() => expectNoBrowserErrors(errors));

afterAll(async () => {
  await browser?.close();
  await removeContainer(WEB_CONTAINER);
  await removeContainer(SERVER_CONTAINER);
  if (lab) await lab.fault.heal().catch((error: Error) => log(`heal failed: ${error.message}`));
});

describe('hawk images (podman) against the lab', () => {
  it('run as non-root, plain node (no TypeScript loader), and report their size', () => {
    for (const image of [SERVER_IMAGE, WEB_IMAGE]) {
      const config = imageConfig(image);
      expect(config.User, `${image} runs as the node user`).toBe('node');
      expect(config.Cmd[0]).toBe('node');
      expect(config.Cmd.join(' ')).not.toMatch(/tsx|\.ts\b/);
      log(`${image}: ${(imageSize(image) / 1e6).toFixed(0)} MB, CMD ${config.Cmd.join(' ')}`);
    }
    // No backend address baked into the web image: it comes from HAWK_API_URL when the container starts.
    expect(imageConfig(WEB_IMAGE).Env.some((entry) => entry.startsWith('NEXT_PUBLIC_HAWK_API'))).toBe(false);
  });

  it('the web container proxies the API, which still requires the token', async () => {
    expect((await fetch(`${WEB_URL}/api/clusters`)).status).toBe(401);
    expect((await fetch(`${WEB_URL}/healthz`)).ok).toBe(true);
  });

  it(
    "chromium on the web container's URL shows the lab's leaders, then a killed leader live, over a proxied " +
      'websocket',
    async () => {
      mkdirSync(join(REPO_ROOT, 'docs', 'screenshots'), { recursive: true });
      await page.goto(`${WEB_URL}/clusters/${clusterId}`);
      const lease = page.locator('[data-testid="lease"][data-lease="kube-controller-manager"]');
      await lease.waitFor({ timeout: 60_000 });
      const holder = await lab.leaseHolder('kube-controller-manager');
      expect(holder, 'the lab has a controller-manager leader').toBeDefined();
      await expect
        .poll(() => lease.getByTestId('lease-holder').textContent(), { timeout: 30_000 })
        .toBe(holder!.identity);
      // socket.io upgraded to a websocket on the page's own origin, through the web container's proxy.
      await expect
        .poll(() => websockets.filter((url) => url.startsWith(`ws://127.0.0.1:${WEB_PORT}/socket.io/`)).length, {
          timeout: 20_000,
        })
        .toBeGreaterThan(0);
      expect(websockets.every((url) => !url.includes(`:${BACKEND_PORT}`))).toBe(true);

      await page.evaluate('window.hawkSamePage = true');
      await lab.fault.killLeader('kube-controller-manager');
      const finding = page.locator(
        '[data-testid="finding"][data-finding-id^="LeaderElection"][data-finding-id*="kube-controller-manager"]',
      );
      await finding.first().waitFor({ timeout: 30_000 });
      await expect
        .poll(
          async () => {
            const shown = await lease.getByTestId('lease-holder').textContent();
            return shown !== null && shown !== '' && shown !== holder!.identity;
          },
          { timeout: 60_000 },
        )
        .toBe(true);
      expect(await page.evaluate('window.hawkSamePage === true'), 'no reload happened').toBe(true);
      await page.waitForTimeout(1000);
      await page.screenshot({ path: join(REPO_ROOT, 'docs', 'screenshots', 'container-live.png') });
      log('screenshot docs/screenshots/container-live.png');
    },
  );
});
