/**
 * The wall display against the real thing, for 1, 3 and 12 clusters, healthy and failing, at
 * 1920×1080 and 3840×2160: the screenshots in docs/screenshots come from here. Several clusters
 * are the lab under several kubeconfig contexts (hawk watches each as its own cluster), plus one
 * context whose server refuses connections. Run under `flock /tmp/hawk-lab.lock`: it kills an
 * apiserver. The web is built once (shared with live-view.test.ts); only the backend restarts,
 * once per set of clusters.
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ensureLab, openLab, type Lab } from '@hawk/lab';
import { closeStage, failOnBrowserErrors, openWebPage, type E2eStage } from '@hawk/testkit/e2e-stage';
import { VERDICT_SETTLE_MS } from '../src/lib/use-verdict-change';
import { BACKEND_URL, ensureWebBuild, REPO_ROOT, startBackend, waitUntil, WEB_URL } from '@hawk/testkit/web-processes';

const SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots');
const log = (line: string) => console.log(`[wall e2e] ${line}`);
const SIZES = [
  { name: '1080p', width: 1920, height: 1080 },
  { name: '4k', width: 3840, height: 2160 },
] as const;

/** Names as real kubeconfigs spell them, long ones included, so wrapping is seen on the wall. */
const LAB_ALIASES = [
  'prod-eu-west-1/control-plane',
  'arn:aws:eks:eu-central-1:123456789012:cluster/payments',
  'gke_acme-prod_europe-west4_checkout',
  'staging@dc2',
  'dev-cluster-01',
  'edge-tokyo',
  'kind-ci',
  'batch-jobs@dc2',
  'observability',
  'ml-training/gpu-pool',
  'platform-shared',
] as const;
/** A context whose server refuses connections: hawk cannot reach it and says so. */
const UNREACHABLE = 'prod-us-east-2';

let lab: Lab;
let labContext: string;
const stage: E2eStage = { labWasRunning: false };
failOnBrowserErrors(stage);
let page: Page;
const workDir = mkdtempSync(join(tmpdir(), 'hawk-wall-e2e-'));
const kubeconfigPath = join(workDir, 'kubeconfig.yaml');

interface KubeConfig {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
}

/** The lab's kubeconfig with every alias as one more context on the same cluster, and the unreachable one. */
function writeKubeconfig(): void {
  const config = parse(readFileSync(lab.env().KUBECONFIG!, 'utf8')) as KubeConfig;
  labContext = config['current-context'];
  const base = config.contexts.find((context) => context.name === labContext)!;
  const baseCluster = config.clusters.find((cluster) => cluster.name === base.context.cluster)!;
  config.clusters.push({ name: 'refusing', cluster: { ...baseCluster.cluster, server: 'https://127.0.0.1:9' } });
  config.contexts.push(...LAB_ALIASES.map((name) => ({ name, context: base.context })));
  config.contexts.push({ name: UNREACHABLE, context: { ...base.context, cluster: 'refusing' } });
  writeFileSync(kubeconfigPath, stringify(config), { mode: 0o600 });
}

/** Restarts the backend watching exactly these contexts, and waits until it lists them all. */
async function watch(contexts: readonly string[]): Promise<void> {
  // Off the page first: its socket would otherwise fail against the stopped backend, an error no test is about.
  await page.goto('about:blank');
  await stage.backend?.stop();
  stage.backend = startBackend(
    { ...lab.env(), KUBECONFIG: kubeconfigPath, HAWK_CONTEXTS: contexts.join(','), HAWK_CONFIG: '' },
    join(workDir, `history-${contexts.length}.db`),
  );
  const started = stage.backend;
  await waitUntil(
    `the backend to list ${contexts.length} clusters`,
    async () => {
      const response = await fetch(`${BACKEND_URL}/api/clusters`);
      if (!response.ok) return undefined;
      const body = (await response.json()) as { clusters?: unknown[] } | unknown[];
      return (Array.isArray(body) ? body : (body.clusters ?? [])).length === contexts.length ? true : undefined;
    },
    60_000,
    started.output,
  );
}

/** Verdict per tile, by context name. */
async function tileVerdicts(): Promise<Record<string, string>> {
  return page.$$eval('[data-testid="cluster-tile"]', (tiles) =>
    Object.fromEntries(
      tiles.map((tile) => [
        tile.querySelector('.cluster-name')?.getAttribute('title') ?? '',
        tile.getAttribute('data-verdict') ?? '',
      ]),
    ),
  );
}

/** Opens the wall and waits until every cluster shows the expected verdict and the lab ones their holders. */
async function openGrid(expected: Readonly<Record<string, string>>, path = '/?kiosk=1'): Promise<void> {
  await page.setViewportSize(SIZES[0]);
  await page.goto(`${WEB_URL}${path}`);
  await expect.poll(tileVerdicts, { timeout: 90_000, interval: 500 }).toEqual(expected);
  // Load the settled verdicts afresh: the steps a just-started backend passes through are not what the screenshot is
  // of.
  await page.reload();
  await expect.poll(tileVerdicts, { timeout: 30_000, interval: 500 }).toEqual(expected);
  const withState = Object.keys(expected).filter((name) => name !== UNREACHABLE).length;
  await expect
    .poll(() => page.locator('[data-testid="glance"]').count(), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(withState);
}

async function shoot(name: string, sizes: readonly (typeof SIZES)[number][] = SIZES): Promise<void> {
  for (const size of sizes) {
    await page.setViewportSize(size);
    // Layout and the rings' next frame settle; fonts are local, so nothing else is awaited.
    await page.waitForTimeout(700);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size.name}.png`) });
    log(`screenshot docs/screenshots/${name}-${size.name}.png`);
  }
  await page.setViewportSize(SIZES[0]);
}

const allAre = (names: readonly string[], verdict: string) => Object.fromEntries(names.map((name) => [name, verdict]));

/** The largest font size (px) among elements matching `selector` that are visible. */
const fontPx = (selector: string) =>
  page.$$eval(selector, (elements) =>
    Math.max(
      0,
      ...elements
        .filter((el) => (el as HTMLElement).offsetParent !== null)
        .map((el) => parseFloat(getComputedStyle(el).fontSize)),
    ),
  );

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  stage.labWasRunning = (await openLab().catch(() => undefined)) !== undefined;
  // A missing prerequisite (binaries, root, network namespaces) throws here with the reason: the run fails, never
  // skips.
  lab = await ensureLab({}, { onProgress: (line) => log(`lab: ${line}`) });
  stage.lab = lab;
  await lab.fault.heal();
  writeKubeconfig();
  await ensureWebBuild(log);
  page = await openWebPage(stage, SIZES[0], log);
}, 900_000);

afterAll(() => closeStage(stage, log));

describe('the wall display fills the screen', () => {
  // Healthy first, on the lab as it is, then the failures: a healed lab takes a while to settle again.
  it('one cluster: the whole control plane, readable from across the room', async () => {
    await watch([labContext]);
    await page.goto(`${WEB_URL}/?kiosk=1`);
    const verdict = page.locator('[data-testid="cluster-view"] .verdict');
    await expect.poll(() => verdict.textContent(), { timeout: 90_000, interval: 500 }).toBe('HA ok');
    await expect
      .poll(() => page.locator('[data-testid="lease-holder-node"]').allTextContents(), { timeout: 30_000 })
      .toEqual([expect.stringMatching(/^on cp-\d$/), expect.stringMatching(/^on cp-\d$/)]);
    expect(await page.getByTestId('etcd-member').count()).toBe(3);
    expect(await page.getByTestId('n1-line').textContent()).toContain('survivable');
    // 55" 1080p from 3 m: verdicts ≥ ~40 px, holders ≥ ~28 px.
    expect(await fontPx('[data-testid="cluster-view"] .verdict')).toBeGreaterThanOrEqual(40);
    expect(await fontPx('[data-testid="lease-holder-node"]')).toBeGreaterThanOrEqual(28);
    const box = await page.locator('.tiers').boundingBox();
    expect(box!.y + box!.height, 'the tiers fill the screen down to the N-1 line').toBeGreaterThan(
      SIZES[0].height * 0.7,
    );
    await shoot('wall-1-healthy');
  });

  it('12 and 3 clusters healthy, and the desktop overview fills the width', async () => {
    const twelve = [labContext, ...LAB_ALIASES.slice(0, 11)];
    await watch(twelve);
    await openGrid(allAre(twelve, 'ha-ok'));
    expect(await page.getByTestId('overview').getAttribute('data-density')).toBe('medium');
    await shoot('wall-12-healthy');

    const three = [labContext, ...LAB_ALIASES.slice(0, 2)];
    await watch(three);
    await openGrid(allAre(three, 'ha-ok'));
    expect(await page.getByTestId('overview').getAttribute('data-density')).toBe('large');
    await shoot('wall-3-healthy');

    await openGrid(allAre(three, 'ha-ok'), '/');
    const tiles = await page
      .getByTestId('cluster-tile')
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().width));
    expect(
      tiles.reduce((sum, width) => sum + width, 0),
      'three tiles share the width',
    ).toBeGreaterThan(SIZES[0].width * 0.8);
    await shoot('overview-3-healthy', [SIZES[0]]);
  });

  it('one cluster failing: the verdict changes in colour and motion, not only in words', async () => {
    await watch([labContext]);
    await page.goto(`${WEB_URL}/?kiosk=1`);
    const verdict = page.locator('[data-testid="cluster-view"] .verdict');
    await expect.poll(() => verdict.textContent(), { timeout: 90_000, interval: 500 }).toBe('HA ok');
    // Only a change away from a verdict that has held is marked: let HA ok settle first.
    await page.waitForTimeout(VERDICT_SETTLE_MS + 500);
    await lab.fault.kill('kube-apiserver', 3);
    await expect.poll(() => verdict.textContent(), { timeout: 60_000, interval: 500 }).toBe('degraded');
    expect(await page.getByTestId('verdict-change').textContent()).toMatch(/was HA ok$/);
    expect(
      await page.locator('.cluster-head.verdict-changed').count(),
      'the changed verdict is marked in colour and motion',
    ).toBe(1);
    await page.waitForTimeout(500);
    await shoot('wall-1-failing');
  });

  it('3 and 12 clusters failing: worst first, each naming its worst finding', async () => {
    const three = [labContext, UNREACHABLE, LAB_ALIASES[0]];
    await watch(three);
    await openGrid({ ...allAre([labContext, LAB_ALIASES[0]], 'degraded'), [UNREACHABLE]: 'unknown' });
    const first = page.getByTestId('cluster-tile').first();
    expect(await first.getAttribute('data-verdict'), 'worst first').toBe('unknown');
    await expect
      .poll(() => first.locator('.tile-worst').textContent(), { timeout: 30_000 })
      .toMatch(/cluster unreachable/);
    await shoot('wall-3-failing');

    const aliases = LAB_ALIASES.slice(0, 10);
    await watch([labContext, UNREACHABLE, ...aliases]);
    await openGrid({ ...allAre([labContext, ...aliases], 'degraded'), [UNREACHABLE]: 'unknown' });
    // Each cell names its worst finding: the killed apiserver, or the refused connection.
    await expect
      .poll(
        async () =>
          (await page.locator('[data-testid="cluster-tile"] .tile-worst').allTextContents()).filter(
            (worst) => !/apiserver|cluster unreachable|node cp-3 down/.test(worst),
          ),
        {
          timeout: 30_000,
        },
      )
      .toEqual([]);
    // Every tile inside the screen: a wall does not scroll.
    const last = await page.getByTestId('cluster-tile').last().boundingBox();
    expect(last!.y + last!.height).toBeLessThanOrEqual(SIZES[0].height);
    await shoot('wall-12-failing');
  });
});
