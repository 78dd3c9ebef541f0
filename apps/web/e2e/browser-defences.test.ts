/**
 * The pages' defences (CSP, frame-ancestors, nosniff, Referrer-Policy; server/web-proxy.ts) read from what
 * chromium received, with the page still working under them: styles applied, the socket LIVE, the lab's
 * cluster judged. A CSP violation is a console error, which failOnBrowserErrors turns into a failure.
 * Run under `flock /tmp/hawk-lab.lock`: it reads the lab (no faults).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, openLab } from '@hawk/lab';
import { closeStage, failOnBrowserErrors, openWebPage, type E2eStage } from '@hawk/testkit/e2e-stage';
import { BACKEND_URL, ensureWebBuild, startBackend, waitUntil, WEB_URL } from '@hawk/testkit/web-processes';

const log = (line: string) => console.log(`[defences e2e] ${line}`);
const stage: E2eStage = { labWasRunning: false };
failOnBrowserErrors(stage);
let page: Page;

beforeAll(async () => {
  stage.labWasRunning = (await openLab().catch(() => undefined)) !== undefined;
  // A missing prerequisite (binaries, root, network namespaces) throws here with the reason: the run fails, never
  // skips.
  stage.lab = await ensureLab({}, { onProgress: (line) => log(`lab: ${line}`) });
  await ensureWebBuild(log);
  const historyFile = join(mkdtempSync(join(tmpdir(), 'hawk-defences-e2e-')), 'history.db');
  stage.backend = startBackend(stage.lab.env(), historyFile);
  await waitUntil(
    'the backend to list the lab cluster',
    async () => ((await fetch(`${BACKEND_URL}/api/clusters`)).ok ? true : undefined),
    60_000,
    stage.backend.output,
  );
  page = await openWebPage(stage, { width: 1600, height: 1000 }, log);
}, 900_000);

afterAll(() => closeStage(stage, log));

describe('browser defences', () => {
  it('sends CSP, frame-ancestors, nosniff and Referrer-Policy, and the page still works under them', async () => {
    const response = await page.goto(`${WEB_URL}/?kiosk=1`, { waitUntil: 'networkidle' });
    const headers = response!.headers();
    const csp = headers['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-frame-options']).toBe('DENY');
    // The socket connected through the same origin, and the lab's cluster is judged on the page.
    await expect.poll(() => page.getByTestId('mode').textContent(), { timeout: 60_000 }).toBe('LIVE');
    const verdict = page.locator('[data-testid="cluster-view"] .verdict');
    await verdict.waitFor({ timeout: 60_000 });
    expect(await verdict.textContent()).toMatch(/\S/);
    // Styles loaded and applied: the page's stylesheet sets a background, the browser's default is transparent.
    const styled = await page.evaluate(() => ({
      sheets: document.styleSheets.length,
      background: getComputedStyle(document.body).backgroundColor,
    }));
    log(`stylesheets ${styled.sheets}, body background ${styled.background}`);
    expect(styled.sheets).toBeGreaterThan(0);
    expect(styled.background).not.toBe('rgba(0, 0, 0, 0)');
  });
});
