import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';

/** Debian's chromium: never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); ` +
        'the e2e tests never download a browser',
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * What a page said went wrong: console.error calls, the browser's own error lines (a failed request, a
 * refused websocket) and uncaught exceptions, React's hydration errors among them (#418). e2e tests
 * fail on any of them, so an error on screen cannot pass unseen.
 */
export interface BrowserErrors {
  /** The errors seen since the last take(), oldest first, those expected by allowWhile() left out. */
  take(): string[];
  /**
   * While `during` runs, errors matching `expected` are part of the test (the backend stopped on purpose):
   * they are logged, not failures. Anything else still fails the test.
   */
  allowWhile<T>(expected: RegExp, during: () => Promise<T>): Promise<T>;
}

export function collectBrowserErrors(page: Page, log: (line: string) => void = () => {}): BrowserErrors {
  let seen: string[] = [];
  const allowed: RegExp[] = [];
  const record = (line: string) => {
    if (allowed.some((pattern) => pattern.test(line))) log(`expected browser error: ${line}`);
    else seen.push(line);
  };
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const { url, lineNumber } = message.location();
    record(`console error: ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
  });
  page.on('pageerror', (error) => record(`page error: ${error.message}`));
  return {
    take() {
      const taken = seen;
      seen = [];
      return taken;
    },
    async allowWhile(expected, during) {
      allowed.push(expected);
      try {
        return await during();
      } finally {
        allowed.splice(allowed.indexOf(expected), 1);
      }
    },
  };
}

/**
 * What the browser reports while hawk's backend, its pods, their node or the cluster's etcd are down on purpose: its
 * failed requests and socket. For allowWhile() in tests that cause such an outage; nothing else is excused.
 */
export const OUTAGE_NOISE = new RegExp(
  [
    'Failed to load resource: the server responded with a status of 5\\d\\d',
    'Failed to load resource: net::ERR_',
    "WebSocket connection to '.*/socket\\.io/.*' failed",
  ].join('|'),
);

/** Throws with every error the page reported since the last check, if any. */
export function expectNoBrowserErrors(errors: BrowserErrors | undefined): void {
  const taken = errors?.take() ?? [];
  if (taken.length > 0)
    throw new Error(`the page reported ${taken.length} error${taken.length === 1 ? '' : 's'}:\n${taken.join('\n')}`);
}
