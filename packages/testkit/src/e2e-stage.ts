import { labDown, type Lab } from '@hawk/lab';
import type { Browser, Page } from 'playwright-core';
import { afterEach } from 'vitest';
import { collectBrowserErrors, expectNoBrowserErrors, launchChromium, type BrowserErrors } from './browser';
import { startWeb, waitUntil, WEB_URL, type Started } from './web-processes';

/** What a web e2e file runs beside the lab; each part is set once it has started. */
export interface E2eStage {
  lab?: Lab;
  /** A lab found running is left running; one the file brought up is taken down. */
  labWasRunning: boolean;
  backend?: Started;
  web?: Started;
  browser?: Browser;
  /** What the page reported as errors; failOnBrowserErrors checks it after every test. */
  errors?: BrowserErrors;
}

/** Starts the web's e2e build and chromium with one page, whose errors are collected in `stage.errors`. */
export async function openWebPage(
  stage: E2eStage,
  viewport: { width: number; height: number },
  log: (line: string) => void,
): Promise<Page> {
  stage.web = startWeb();
  const web = stage.web;
  await waitUntil('the web to serve', async () => ((await fetch(WEB_URL)).ok ? true : undefined), 60_000, web.output);
  stage.browser = await launchChromium();
  const page = await stage.browser.newPage({ viewport });
  stage.errors = collectBrowserErrors(page, log);
  return page;
}

/**
 * failOnBrowserErrors makes every test of the file fail when the page reported a console error or an uncaught
 * exception during it (a hydration mismatch, a failed request): call it once at the top of each e2e file.
 */
export function failOnBrowserErrors(stage: E2eStage): void {
  afterEach(() => expectNoBrowserErrors(stage.errors));
}

/** Stops what the stage started, newest first, and leaves the lab healed (and down if the file brought it up). */
export async function closeStage(stage: E2eStage, log: (line: string) => void): Promise<void> {
  await stage.browser?.close();
  await stage.web?.stop();
  await stage.backend?.stop();
  if (!stage.lab) return;
  await stage.lab.fault.heal().catch((error: Error) => log(`heal failed: ${error.message}`));
  if (!stage.labWasRunning) await labDown({ onProgress: (line) => log(`lab: ${line}`) });
}
