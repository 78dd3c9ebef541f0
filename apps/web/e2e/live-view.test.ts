/**
 * The web against the real thing: the lab's control plane, hawk's backend watching it, the web's
 * production build, and Debian's chromium. Run under `flock /tmp/hawk-lab.lock`: it kills a leader.
 */
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, openLab, type Lab } from '@hawk/lab';
import { closeStage, failOnBrowserErrors, openWebPage, type E2eStage } from '@hawk/testkit/e2e-stage';
import {
  BACKEND_URL,
  ensureWebBuild,
  REPO_ROOT,
  startBackend,
  waitUntil,
  WEB_URL,
  type Started,
} from '@hawk/testkit/web-processes';

const SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots');
const log = (line: string) => console.log(`[web e2e] ${line}`);

let lab: Lab;
const stage: E2eStage = { labWasRunning: false };
failOnBrowserErrors(stage);
let page: Page;
let clusterId: string;
/** Set by the leader-kill test for the replay test: who led before, and when it was killed. */
let beforeKill: { holder: string; at: number } | undefined;
const historyFile = join(mkdtempSync(join(tmpdir(), 'hawk-web-e2e-')), 'history.db');

async function bootBackend(): Promise<Started> {
  const started = startBackend(lab.env(), historyFile);
  await waitUntil(
    'the backend to list the lab cluster',
    async () => {
      const response = await fetch(`${BACKEND_URL}/api/clusters`);
      if (!response.ok) return undefined;
      const body = (await response.json()) as { clusters?: { id: string }[] } | { id: string }[];
      const clusters = Array.isArray(body) ? body : (body.clusters ?? []);
      return clusters[0]?.id;
    },
    60_000,
    started.output,
  );
  return started;
}

/** What chromium logs while hawk's backend is stopped: the web's proxy answers 502, the socket's upgrade fails. */
const BACKEND_DOWN = new RegExp(
  [
    'Failed to load resource: the server responded with a status of 502',
    "WebSocket connection to '.*/socket\\.io/.*' failed",
  ].join('|'),
);

const leaseCard = (component: string) => page.locator(`[data-testid="lease"][data-lease="${component}"]`);
const holderShown = (component: string) => leaseCard(component).getByTestId('lease-holder').textContent();
const ringRemaining = async (component: string) =>
  Number(await leaseCard(component).getByTestId('countdown-ring').getAttribute('data-remaining-ms'));

async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  log(`screenshot docs/screenshots/${name}.png`);
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  stage.labWasRunning = (await openLab().catch(() => undefined)) !== undefined;
  // A missing prerequisite (binaries, root, network namespaces) throws here with the reason: the run fails, never
  // skips.
  lab = await ensureLab({}, { onProgress: (line) => log(`lab: ${line}`) });
  stage.lab = lab;
  await ensureWebBuild(log);
  stage.backend = await bootBackend();
  const response = (await (await fetch(`${BACKEND_URL}/api/clusters`)).json()) as
    { clusters?: { id: string }[] } | { id: string }[];
  clusterId = (Array.isArray(response) ? response : (response.clusters ?? []))[0]!.id;
  page = await openWebPage(stage, { width: 1600, height: 1000 }, log);
}, 900_000);

afterAll(() => closeStage(stage, log));

describe('hawk web against the lab', () => {
  it('the wall display shows the lab cluster as HA ok, with a clock and LIVE', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    // First-load JS as the browser fetches it (compressed on the wire, and unpacked).
    const measured: Promise<{ encoded: number; decoded: number }>[] = [];
    const onFinished = (request: Request) => {
      if (request.resourceType() !== 'script') return;
      measured.push(
        Promise.all([request.sizes(), request.response().then((response) => response?.body())]).then(
          ([sizes, body]) => ({ encoded: sizes.responseBodySize, decoded: body?.length ?? 0 }),
        ),
      );
    };
    page.on('requestfinished', onFinished);
    await page.goto(`${WEB_URL}/?kiosk=1`, { waitUntil: 'networkidle' });
    page.off('requestfinished', onFinished);
    const scripts = await Promise.all(measured);
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    log(
      `first load of / fetched ${scripts.length} scripts: ${kib(scripts.reduce((n, s) => n + s.encoded, 0))} ` +
        `transferred, ${kib(scripts.reduce((n, s) => n + s.decoded, 0))} uncompressed`,
    );
    // With one cluster the wall shows its whole control plane rather than a tile (wall-screens.test.ts covers more).
    const verdict = page.locator('[data-testid="cluster-view"] .verdict');
    await verdict.waitFor({ timeout: 30_000 });
    await expect.poll(() => verdict.textContent(), { timeout: 60_000 }).toBe('HA ok');
    expect(await page.getByTestId('mode').textContent()).toBe('LIVE');
    expect(await page.getByTestId('clock').textContent()).toMatch(/^\d\d:\d\d:\d\d$/);
    await page.waitForTimeout(1500);
    await shoot('wall-healthy');
    await page.goto(`${WEB_URL}/clusters/${clusterId}?kiosk=1`);
    await leaseCard('kube-controller-manager').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1500);
    await shoot('wall-cluster-healthy');
  });

  it('shows the holder the lab reports', async () => {
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.goto(`${WEB_URL}/clusters/${clusterId}`);
    await leaseCard('kube-controller-manager').waitFor({ timeout: 30_000 });
    const holder = await lab.leaseHolder('kube-controller-manager');
    expect(holder, 'the lab has a controller-manager leader').toBeDefined();
    await expect.poll(() => holderShown('kube-controller-manager'), { timeout: 20_000 }).toBe(holder!.identity);
    expect(await leaseCard('kube-controller-manager').getByTestId('lease-holder-node').textContent()).toBe(
      `on ${holder!.node}`,
    );
    expect(await page.getByTestId('quorum').textContent()).toContain('3/3, tolerates 1 failure');
    expect(await page.getByTestId('apiservers-serving').textContent()).toBe('3/3 serving');
    await page.waitForTimeout(1000);
    await shoot('cluster-healthy');
  });

  it('when the leader is killed: the ring drains, the finding appears, the new holder shows, all without reload', async () => {
    await page.evaluate(() => Object.assign(window, { hawkSamePage: true }));
    const old = await holderShown('kube-controller-manager');
    await lab.fault.killLeader('kube-controller-manager');
    const killedAt = Date.now();
    beforeKill = { holder: old!, at: killedAt };

    // The ring drains between renewals by itself; with the leader dead it keeps draining, never refilling.
    const first = await ringRemaining('kube-controller-manager');
    await page.waitForTimeout(3000);
    const second = await ringRemaining('kube-controller-manager');
    const newHolderAlready = (await holderShown('kube-controller-manager')) !== old;
    if (!newHolderAlready) {
      expect(second).toBeLessThan(first);
      expect(second).toBeLessThan(13_000);
    }

    const finding = page.locator(
      '[data-testid="finding"][data-finding-id^="LeaderElection"][data-finding-id*="kube-controller-manager"]',
    );
    await finding.first().waitFor({ timeout: 20_000 });
    expect(await finding.first().textContent()).toMatch(/kube-controller-manager leader (not renewing|lost)/);
    await shoot('cluster-failing');

    await expect.poll(() => holderShown('kube-controller-manager'), { timeout: 60_000, interval: 500 }).not.toBe(old);
    log(`new holder shown ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
    const lease = await lab.leaseHolder('kube-controller-manager');
    expect(await holderShown('kube-controller-manager')).toBe(lease?.identity);
    expect(await page.evaluate(() => (window as unknown as { hawkSamePage?: boolean }).hawkSamePage)).toBe(true);
    await expect.poll(() => finding.count(), { timeout: 30_000 }).toBe(0);

    // The incident ended with the takeover: it is listed, and its summary copies in one click.
    const incident = page.getByTestId('incident').first();
    await expect.poll(() => incident.getAttribute('data-ended'), { timeout: 30_000 }).toBe('true');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: WEB_URL });
    await incident.getByTestId('copy-summary').click();
    await expect.poll(() => incident.getByTestId('copy-summary').textContent()).toBe('copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    log(`copied summary:\n${copied}`);
    expect(copied).toMatch(/^## Incident \d+ on .*: kube-controller-manager leader/);
    expect(copied).toContain(`\`${lease!.identity}\` took over`);
    await incident.scrollIntoViewIfNeeded();
    await shoot('cluster-incident');
  });

  it('says "disconnected, data as of" when the backend stops, and catches up by itself when it is back', async () => {
    await page.evaluate(() => Object.assign(window, { hawkSamePage: true }));
    const banner = page.getByTestId('disconnected');
    // The outage is the test: the browser's lines about the socket and requests the stopped backend cannot answer.
    await stage.errors!.allowWhile(BACKEND_DOWN, async () => {
      await stage.backend!.stop();
      await banner.waitFor({ timeout: 20_000 });
      expect(await banner.textContent()).toMatch(/^disconnected — data as of \d\d:\d\d:\d\d/);
      expect(await page.locator('.shell-disconnected').count()).toBe(1);
      expect(await page.getByTestId('mode').textContent()).toBe('OFFLINE');
      await shoot('disconnected');

      stage.backend = await bootBackend();
      await banner.waitFor({ state: 'detached', timeout: 30_000 });
    });
    await expect.poll(() => page.getByTestId('mode').textContent(), { timeout: 10_000 }).toBe('LIVE');
    const holder = await lab.leaseHolder('kube-controller-manager');
    await expect.poll(() => holderShown('kube-controller-manager'), { timeout: 20_000 }).toBe(holder?.identity);
    expect(await page.evaluate(() => (window as unknown as { hawkSamePage?: boolean }).hawkSamePage)).toBe(true);
  });

  it('replays the past from history (kept across the backend restart), and Esc returns to live', async () => {
    expect(beforeKill, 'the leader-kill test ran first').toBeDefined();
    const at = beforeKill!.at - 3000;
    await page.goto(`${WEB_URL}/clusters/${clusterId}?at=${at}`);
    await page.getByTestId('past-banner').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('mode').textContent()).toBe('PAST');
    await expect.poll(() => holderShown('kube-controller-manager'), { timeout: 20_000 }).toBe(beforeKill!.holder);
    expect(await page.getByTestId('playhead').count()).toBe(1);
    await shoot('cluster-replay');
    await page.keyboard.press('Escape');
    await page.getByTestId('past-banner').waitFor({ state: 'detached', timeout: 10_000 });
    expect(await page.getByTestId('mode').textContent()).toBe('LIVE');
    const holder = await lab.leaseHolder('kube-controller-manager');
    await expect.poll(() => holderShown('kube-controller-manager'), { timeout: 20_000 }).toBe(holder?.identity);
  });

  it('the wall display cycles through the clusters when asked', async () => {
    await page.goto(`${WEB_URL}/?kiosk=1&cycle=2`);
    await page.waitForURL(new RegExp(`/clusters/${clusterId}\\?kiosk=1&cycle=2$`), { timeout: 15_000 });
    await page.waitForURL(new RegExp(`${WEB_URL}/\\?kiosk=1&cycle=2$`), { timeout: 15_000 });
  });
});
