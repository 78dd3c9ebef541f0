/**
 * The names people know clusters by, in a real browser against hawk's real backend and the web's
 * production build: the tab's title, the wall's tiles and one cluster's page say the name given in
 * HAWK_CONFIG or HAWK_CLUSTER_NAME, never the kubeconfig context it is reached through. The clusters'
 * servers refuse connections (nothing here needs the lab): hawk shows them unreachable, under their names.
 * Run under `flock /tmp/hawk-lab.lock` all the same: the web e2e files share the backend and web ports.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { closeStage, failOnBrowserErrors, openWebPage, type E2eStage } from '@hawk/testkit/e2e-stage';
import { BACKEND_URL, ensureWebBuild, REPO_ROOT, startBackend, waitUntil, WEB_URL } from '@hawk/testkit/web-processes';

const SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots');
const log = (line: string) => console.log(`[names e2e] ${line}`);
const stage: E2eStage = { labWasRunning: false };
failOnBrowserErrors(stage);
let page: Page;
const workDir = mkdtempSync(join(tmpdir(), 'hawk-names-e2e-'));

/** Contexts as a merged kubeconfig spells them; each points at a port nothing listens on. */
const CONTEXTS = [
  'kubernetes-admin@kubernetes',
  'default/api-ocp-prod-example-com:6443/kube:admin',
  'gke_acme-prod_europe-west4_checkout',
];

function writeKubeconfig(): string {
  const path = join(workDir, 'kubeconfig.yaml');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'refusing', cluster: { server: 'https://127.0.0.1:9', 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'u', user: { token: 'not-a-real-token' } }],
    contexts: CONTEXTS.map((name) => ({ name, context: { cluster: 'refusing', user: 'u' } })),
    'current-context': CONTEXTS[0],
  };
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}

/** Restarts the backend with `env` and waits until it lists `count` clusters; returns their ids by name. */
async function watch(env: Record<string, string>, count: number): Promise<Record<string, string>> {
  await stage.backend?.stop();
  stage.backend = startBackend(
    { KUBECONFIG: writeKubeconfig(), HAWK_CONTEXTS: '', HAWK_CONFIG: '', ...env },
    join(workDir, `history-${count}.db`),
  );
  const started = stage.backend;
  return waitUntil(
    `the backend to list ${count} clusters`,
    async () => {
      const response = await fetch(`${BACKEND_URL}/api/clusters`).catch(() => undefined);
      if (!response?.ok) return undefined;
      const { clusters } = (await response.json()) as { clusters: { id: string; name: string }[] };
      return clusters.length === count
        ? Object.fromEntries(clusters.map((cluster) => [cluster.name, cluster.id]))
        : undefined;
    },
    60_000,
    started.output,
  );
}

const tileNames = () => page.locator('[data-testid="cluster-tile"] .cluster-name').allTextContents();

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await ensureWebBuild(log);
  await watch({ HAWK_CONTEXTS: CONTEXTS[0]! }, 1);
  page = await openWebPage(stage, { width: 1920, height: 1080 }, log);
}, 900_000);

afterAll(() => closeStage(stage, log));

describe('cluster names on screen', () => {
  it('HAWK_CLUSTER_NAME names the only cluster: the title and the wall say it, not the context', async () => {
    await watch({ HAWK_CONTEXTS: CONTEXTS[0]!, HAWK_CLUSTER_NAME: 'prod-eu (Frankfurt)' }, 1);
    await page.goto(`${WEB_URL}/?kiosk=1`);
    const heading = page.locator('[data-testid="cluster-view"] .cluster-head h1');
    await heading.waitFor({ timeout: 30_000 });
    expect(await heading.textContent()).toBe('prod-eu (Frankfurt)');
    await expect.poll(() => page.title(), { timeout: 10_000 }).toBe('prod-eu (Frankfurt) · hawk');
    await page.screenshot({ path: join(SCREENSHOTS, 'wall-cluster-name.png') });
  });

  it("HAWK_CONFIG names each cluster of a merged kubeconfig: tiles, titles and each cluster's page", async () => {
    const config = join(workDir, 'hawk.yaml');
    const named = ['Prod EU (Frankfurt)', 'OpenShift prod', 'checkout'];
    writeFileSync(config, stringify({ clusters: CONTEXTS.map((context, index) => ({ context, name: named[index] })) }));
    // Away from the page first: its socket would report the backend's restart as errors.
    await page.goto('about:blank');
    const ids = await watch({ HAWK_CONFIG: config }, 3);
    await page.goto(`${WEB_URL}/?kiosk=1`);
    await expect.poll(async () => (await tileNames()).sort(), { timeout: 30_000 }).toEqual([...named].sort());
    await expect
      .poll(() => page.title(), { timeout: 10_000 })
      .toBe('checkout, OpenShift prod, Prod EU (Frankfurt) · hawk');
    await page.screenshot({ path: join(SCREENSHOTS, 'wall-cluster-names.png') });

    await page.goto(`${WEB_URL}/clusters/${ids['OpenShift prod']}`);
    await page.locator('[data-testid="cluster-view"] .cluster-head h1').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="cluster-view"] .cluster-head h1').textContent()).toBe('OpenShift prod');
    await expect.poll(() => page.title(), { timeout: 10_000 }).toBe('OpenShift prod · hawk');
  });
});
