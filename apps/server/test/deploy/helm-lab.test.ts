/**
 * hawk installed into the lab by its own Helm chart, as a user installs it into a cluster: a kubeadm-made lab with two
 * worker nodes (kubelet, containerd, kube-proxy, CoreDNS), hawk's images built with podman and loaded into the
 * workers, the etcd client Secret, `helm install` of deploy/helm/hawk (the chart's ServiceAccount, RBAC and probes),
 * and then Debian's chromium on the web Service's NodePort over the lab bridge sees the lab as it is. Then, on the same
 * workers and images, the chart with every standard key set (deploy/helm/hawk/ci/all-keys-values.yaml) installs and
 * rolls out (issue 25 §2): the cluster accepting and running what chart-values.test.ts renders. Run under
 * `flock /tmp/hawk-lab.lock`: it replaces the default lab with the kubeadm one and puts the default back.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import {
  ensureLab,
  ensureWorkers,
  hawkInstall,
  hawkUninstall,
  planWorkers,
  rolloutDiagnosis,
  type HawkInstallResult,
  type Lab,
} from '@hawk/lab';
import {
  collectBrowserErrors,
  expectNoBrowserErrors,
  launchChromium,
  OUTAGE_NOISE,
  type BrowserErrors,
} from '@hawk/testkit/browser';
import { waitUntil } from '@hawk/testkit/web-processes';
import { CHART_DIR, monitoringCrdsDir } from './deploy-tools';
import { REPO_ROOT } from './support/containers';

const log = (line: string) => console.log(`[helm-lab] ${line}`);
const WORKERS = 2;
const NAMESPACE = 'hawk';
const VALUES_NAMESPACE = 'hawk-values';
const ALL_KEYS = join(CHART_DIR, 'ci', 'all-keys-values.yaml');
const SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots');

let lab: Lab;
let installed: HawkInstallResult;
let browser: Browser | undefined;
let page: Page;
let token: string;
/** What the page reported going wrong: any error fails the test it happened in (React's #418 among them). */
let errors: BrowserErrors | undefined;
/** The failed requests and socket of an outage caused on purpose are the outage itself, not the page's errors. */
const duringOutage = (body: () => Promise<void>) => () => errors!.allowWhile(OUTAGE_NOISE, body);

afterEach(() => expectNoBrowserErrors(errors));

beforeAll(async () => {
  lab = await ensureLab({ profile: 'kubeadm' }, { onProgress: (line) => log(`lab: ${line}`) });
  await ensureWorkers(lab, WORKERS, (line) => log(`workers: ${line}`));
  // A fresh install each run: the figure is helm install → first truthful page, not an upgrade.
  await hawkUninstall(lab, 'hawk', NAMESPACE);
  await lab.waitFor(async () => (await lab.kube().raw(`/api/v1/namespaces/${NAMESPACE}`)).status === 404, 120_000, {
    description: `namespace ${NAMESPACE} gone`,
  });
  // From the last commit: the shared checkout's uncommitted work of others must not break the build.
  installed = await hawkInstall(lab, { namespace: NAMESPACE, source: 'head', onProgress: log });
  log(
    `images built and loaded in ${(installed.imagesMs / 1000).toFixed(1)}s; helm install → rolled out ` +
      `${((installed.rolledOutAt - installed.helmStartedAt) / 1000).toFixed(1)}s`,
  );
  token = readFileSync(installed.tokenFile, 'utf8');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  errors = collectBrowserErrors(page, log);
  await page.addInitScript(`window.sessionStorage.setItem('hawk.token', ${JSON.stringify(token)})`);
}, 2_400_000);

afterAll(async () => {
  await browser?.close();
  if (!lab) return;
  const started = Date.now();
  for (const namespace of [NAMESPACE, VALUES_NAMESPACE])
    await hawkUninstall(lab, 'hawk', namespace).catch((error: Error) => log(`uninstall: ${error.message}`));
  await lab
    .kubeAny((kube) => kube.raw('/apis/scheduling.k8s.io/v1/priorityclasses/hawk-ci', { method: 'DELETE' }))
    .catch(() => undefined);
  await ensureWorkers(lab, 0);
  await ensureLab();
  log(`releases, PriorityClass and workers removed in ${seconds(Date.now() - started)}`);
}, 600_000);

interface Pod {
  status: { phase?: string };
}

let clusterId: string;

const holderShown = (kind: string) =>
  page
    .locator(`[data-testid="lease"][data-lease="${kind}"]`)
    .getByTestId('lease-holder')
    .textContent({ timeout: 1_000 });
const text = (id: string) => page.getByTestId(id).textContent({ timeout: 1_000 });
const findingShown = (prefix: string) => page.locator(`[data-testid="finding"][data-finding-id^="${prefix}"]`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/**
 * mismatch names the first thing the page shows of the healthy lab that the lab itself does not say; undefined when all
 * agree.
 */
async function mismatch(): Promise<string | undefined> {
  for (const kind of ['kube-controller-manager', 'kube-scheduler'] as const) {
    const holder = (await lab.leaseHolder(kind))?.identity;
    const shown = await holderShown(kind).catch(() => null);
    if (!holder || shown !== holder) return `${kind} holder: page ${shown}, lab ${holder}`;
  }
  const serving = await text('apiservers-serving').catch(() => null);
  if (serving !== '3/3 serving') return `apiservers: ${serving}`;
  const quorum = await text('quorum').catch(() => null);
  if (!quorum?.startsWith('3/3')) return `quorum: ${quorum}`;
  const members = await page.getByTestId('etcd-member').count();
  if (members !== 3) return `${members} etcd members`;
  // With the etcd client Secret hawk reads etcd itself, not what the apiservers' /readyz says of it.
  if ((await page.getByTestId('etcd-source').count()) > 0) return `etcd via ${await text('etcd-source')}`;
  return undefined;
}

/** untilTruthful waits for the page to agree with the healthy lab; returns when it did. */
async function untilTruthful(what: string, timeoutMs: number): Promise<number> {
  let last: string | undefined = 'not checked';
  await waitUntil(
    what,
    async () => {
      last = await mismatch();
      return last === undefined ? true : undefined;
    },
    timeoutMs,
    async () => `last mismatch: ${last}\n${await rolloutDiagnosis(lab, NAMESPACE)}`,
  );
  return Date.now();
}

async function shoot(name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.waitForTimeout(1000);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  log(`screenshot docs/screenshots/${name}.png`);
}

interface HawkPod {
  metadata: { name: string; labels: Record<string, string>; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: { conditions?: { type: string; status: string }[] };
}

const hawkPods = async (): Promise<HawkPod[]> =>
  (
    await lab
      .kube()
      .json<{ items: HawkPod[] }>(
        `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app.kubernetes.io%2Finstance%3Dhawk`,
      )
  ).items;
const podReady = (p: HawkPod) =>
  !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

describe('hawk installed into the lab with its Helm chart', () => {
  it('chromium on the web Service shows the lab truthfully: leaders, 3/3 apiservers, etcd 3/3 read from etcd', async () => {
    const url = installed.urls[0]!;
    expect((await fetch(`${url}/api/clusters`)).status, 'the API behind the Service still requires the token').toBe(
      401,
    );
    clusterId = await waitUntil(
      'the web Service to list the lab cluster',
      async () => {
        const response = await fetch(`${url}/api/clusters`, { headers: { authorization: `Bearer ${token}` } });
        if (!response.ok) return undefined;
        const body = (await response.json()) as { clusters?: { id: string }[] } | { id: string }[];
        return (Array.isArray(body) ? body : (body.clusters ?? []))[0]?.id;
      },
      120_000,
      () => rolloutDiagnosis(lab, NAMESPACE),
    );
    await page.goto(`${url}/clusters/${clusterId}`);
    const truthfulAt = await untilTruthful('the page to show the lab truthfully', 120_000);
    log(
      `FIGURE helm install → first truthful page: ${seconds(truthfulAt - installed.helmStartedAt)} (rollout ` +
        `${seconds(installed.rolledOutAt - installed.helmStartedAt)})`,
    );
    // No clusterName set: the in-cluster context goes by the clusterName kubeadm was given (the lab's), never
    // inClusterContext.
    await expect.poll(() => page.locator('.cluster-head h1').textContent(), { timeout: 30_000 }).toBe('hawk-lab');
    await expect.poll(() => page.title(), { timeout: 10_000 }).toBe('hawk-lab · hawk');
    const listed = (await (
      await fetch(`${url}/api/clusters`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { clusters: { context: string; name: string }[] };
    expect(listed.clusters.map(({ context, name }) => ({ context, name }))).toEqual([
      { context: 'inClusterContext', name: 'hawk-lab' },
    ]);
    await shoot('helm-lab-healthy');
  });

  it("cluster DNS: a pod resolves the apiserver's Service and the chart's Services by name", async () => {
    const kube = lab.kube();
    const name = 'dns-check';
    await kube.raw(`/api/v1/namespaces/${NAMESPACE}/pods/${name}`, { method: 'DELETE' });
    await lab.waitFor(
      async () => (await kube.raw(`/api/v1/namespaces/${NAMESPACE}/pods/${name}`)).status === 404,
      60_000,
      { description: `old ${name} gone` },
    );
    const lookups = ['kubernetes.default.svc.cluster.local', 'hawk-server', `hawk-web.${NAMESPACE}.svc.cluster.local`];
    await kube.json(`/api/v1/namespaces/${NAMESPACE}/pods`, {
      method: 'POST',
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          // hawk's server image has glibc's getent, which resolves as the pod's programs do (resolv.conf, search path).
          containers: [
            {
              name,
              image: installed.images.server,
              imagePullPolicy: 'Never',
              command: ['sh', '-c', lookups.map((h) => `getent hosts ${h}`).join(' && ')],
            },
          ],
        },
      },
    });
    const phase = await lab.waitFor(
      async () => {
        const p = (await kube.json<Pod>(`/api/v1/namespaces/${NAMESPACE}/pods/${name}`)).status.phase;
        return p === 'Succeeded' || p === 'Failed' ? p : undefined;
      },
      60_000,
      { description: `${name} finished` },
    );
    const output = await kube
      .raw(`/api/v1/namespaces/${NAMESPACE}/pods/${name}/log`)
      .then((r) => r.body)
      .catch((error: Error) => error.message);
    log(`${name}: ${phase}\n${output}`);
    expect(phase, `getent hosts ${lookups.join(', ')}:\n${output}`).toBe('Succeeded');
    await kube.raw(`/api/v1/namespaces/${NAMESPACE}/pods/${name}`, { method: 'DELETE' });
  });

  // The outage hawk exists for, with hawk itself running as pods in the cluster that breaks.
  describe('in-cluster outages: the page stays truthful', () => {
    it('the controller-manager leader is killed: the finding and the new holder arrive without a reload', async () => {
      await page.evaluate('window.hawkSamePage = true');
      const old = (await lab.leaseHolder('kube-controller-manager'))!.identity;
      const killedAt = Date.now();
      await lab.fault.killLeader('kube-controller-manager');
      await findingShown('LeaderElection').first().waitFor({ timeout: 60_000 });
      const findingAt = Date.now();
      await expect
        .poll(async () => (await lab.leaseHolder('kube-controller-manager'))?.identity !== old, { timeout: 90_000 })
        .toBe(true);
      const truthfulAt = await untilTruthful('the page to show the new controller-manager holder', 60_000);
      log(
        `FIGURE kcm leader killed → finding on the page ${seconds(findingAt - killedAt)}, → new holder shown ` +
          `${seconds(truthfulAt - killedAt)}`,
      );
      expect(await page.evaluate('window.hawkSamePage === true'), 'no reload happened').toBe(true);
      await shoot('helm-lab-kcm-leader-killed');
      await lab.fault.heal();
    });

    it(
      'two etcd members stop (the cluster hawk runs in loses quorum): the page says so, then sees the recovery',
      duringOutage(async () => {
        const stoppedAt = Date.now();
        await lab.fault.stop('etcd', 2);
        await lab.fault.stop('etcd', 3);
        await expect
          .poll(() => text('quorum').catch(() => null), { timeout: 60_000 })
          .toMatch(/^quorum lost: 1\/3 healthy/);
        await findingShown('EtcdQuorumLost').first().waitFor({ timeout: 60_000 });
        const shownAt = Date.now();
        log(`FIGURE two etcd members stopped → quorum loss on the page ${seconds(shownAt - stoppedAt)}`);
        await shoot('helm-lab-etcd-quorum-lost');
        const startedAt = Date.now();
        await lab.fault.start('etcd', 2);
        await lab.fault.start('etcd', 3);
        const truthfulAt = await untilTruthful('the page to show etcd and the apiservers recovered', 180_000);
        log(`FIGURE etcd members restarted → page truthful again ${seconds(truthfulAt - startedAt)}`);
        await lab.fault.heal();
      }),
    );

    it(
      "hawk's pods are deleted one by one: the page is truthful again after each",
      duringOutage(async () => {
        const names = (await hawkPods())
          .filter((p) => ['server', 'web'].includes(p.metadata.labels['app.kubernetes.io/component'] ?? ''))
          .map((p) => p.metadata.name);
        expect(names.length).toBe(4);
        for (const name of names) {
          const deletedAt = Date.now();
          await lab.kube().raw(`/api/v1/namespaces/${NAMESPACE}/pods/${name}`, { method: 'DELETE' });
          let disconnectedSeen = false;
          await waitUntil(
            `a replacement of ${name} Ready`,
            async () => {
              disconnectedSeen ||= (await page.getByTestId('disconnected').count()) > 0;
              const pods = await hawkPods();
              return !pods.some((p) => p.metadata.name === name) && pods.filter(podReady).length >= 4
                ? true
                : undefined;
            },
            120_000,
            () => rolloutDiagnosis(lab, NAMESPACE),
          );
          const replacedAt = Date.now();
          const truthfulAt = await untilTruthful(`the page truthful after deleting ${name}`, 90_000);
          log(
            `FIGURE deleted ${name}: replacement Ready ${seconds(replacedAt - deletedAt)}, page truthful ` +
              `${seconds(truthfulAt - deletedAt)}${disconnectedSeen ? ' (showed disconnected meanwhile)' : ''}`,
          );
        }
        await shoot('helm-lab-pods-replaced');
      }),
    );

    it(
      'the worker running a hawk pod is cut off: the page never shows stale data as live, and is truthful ' +
        'again once it is back',
      duringOutage(async () => {
        // The browser enters through the first worker's NodePort; the other one, which runs hawk pods, is cut.
        const [entry, cut] = planWorkers(lab.paths, WORKERS);
        expect(installed.urls[0]).toContain(entry!.host.ip);
        const onCut = (await hawkPods()).filter((p) => p.spec.nodeName === cut!.host.name).map((p) => p.metadata.name);
        expect(onCut.length, `hawk pods on ${cut!.host.name}`).toBeGreaterThan(0);
        const cutAt = Date.now();
        execFileSync('ip', ['link', 'set', cut!.host.hostLink, 'down']);
        const shownAsLive: string[] = [];
        let disconnectedAt: number | undefined;
        try {
          // The control plane does not change meanwhile: whatever the page shows as live must still be true.
          while (Date.now() - cutAt < 60_000) {
            const disconnected = (await page.getByTestId('disconnected').count()) > 0;
            if (disconnected) disconnectedAt ??= Date.now();
            else {
              const wrong = await mismatch();
              if (wrong) shownAsLive.push(`+${seconds(Date.now() - cutAt)} ${wrong}`);
            }
            await page.waitForTimeout(1000);
          }
          await shoot('helm-lab-worker-cut');
        } finally {
          execFileSync('ip', ['link', 'set', cut!.host.hostLink, 'up']);
        }
        const restoredAt = Date.now();
        const shown = disconnectedAt
          ? `page marked disconnected after ${seconds(disconnectedAt - cutAt)}`
          : 'page stayed connected';
        log(`FIGURE ${cut!.host.name} cut (${onCut.join(', ')}): ${shown} in 60 s`);
        expect(shownAsLive, 'the page showed something false as live').toEqual([]);
        await waitUntil(
          'the page reconnected',
          async () => ((await page.getByTestId('disconnected').count()) === 0 ? true : undefined),
          90_000,
        );
        const truthfulAt = await untilTruthful(`the page truthful after ${cut!.host.name} is back`, 60_000);
        log(`FIGURE ${cut!.host.name} back → page live and truthful ${seconds(truthfulAt - restoredAt)}`);
      }),
    );
  });
});

interface ValuesPod {
  metadata: { name: string; labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    priorityClassName?: string;
    priority?: number;
    nodeName?: string;
    securityContext?: Record<string, unknown>;
    tolerations?: { key?: string }[];
    nodeSelector?: Record<string, string>;
    topologySpreadConstraints?: unknown[];
    imagePullSecrets?: { name: string }[];
    volumes: { name: string; configMap?: { name: string } }[];
    containers: { name: string; envFrom?: unknown[]; volumeMounts?: { name: string; mountPath: string }[] }[];
  };
  status: { conditions?: { type: string; status: string }[] };
}

const create = (collection: string, name: string, object: unknown) =>
  lab.kubeAny((kube) => kube.createIfAbsent(collection, name, object));

// On the workers and with the images the browser's part used: no second bring-up, build or import.
describe('the chart with every standard key set, on a lab with kubelets', () => {
  let valuesInstalled: HawkInstallResult;

  beforeAll(async () => {
    // One NodePort and cluster-wide names for both releases: the browser's goes first, and its page with it, so that
    // hawk going away is not an error of the page.
    await browser?.close();
    browser = undefined;
    errors = undefined;
    await hawkUninstall(lab, 'hawk', NAMESPACE);
    await hawkUninstall(lab, 'hawk', VALUES_NAMESPACE);
    await lab.waitFor(
      async () => (await lab.kube().raw(`/api/v1/namespaces/${VALUES_NAMESPACE}`)).status === 404,
      120_000,
      { description: `namespace ${VALUES_NAMESPACE} gone` },
    );
    // What the values file names and a cluster provides: the monitoring CRDs, a PriorityClass, the ConfigMaps.
    const crds = monitoringCrdsDir();
    for (const file of readdirSync(crds).filter((name) => /servicemonitors|prometheusrules/.test(name))) {
      const crd = parse(readFileSync(join(crds, file), 'utf8')) as { metadata: { name: string } };
      await create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd.metadata.name, crd);
    }
    await create('/apis/scheduling.k8s.io/v1/priorityclasses', 'hawk-ci', {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'hawk-ci' },
      value: 1000,
    });
    await create('/api/v1/namespaces', VALUES_NAMESPACE, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: VALUES_NAMESPACE },
    });
    for (const [name, data] of [
      ['hawk-ci-env', { HAWK_CI_FROM_ENV_FROM: 'yes' }],
      ['hawk-ci-config', { 'hawk.yaml': '# mounted by extraVolumes\n' }],
    ] as const)
      await create(`/api/v1/namespaces/${VALUES_NAMESPACE}/configmaps`, name, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name },
        data,
      });
    valuesInstalled = await hawkInstall(lab, {
      namespace: VALUES_NAMESPACE,
      source: 'head',
      valuesFiles: [ALL_KEYS],
      onProgress: (line) => log(`values: ${line}`),
    });
    const rollout = (valuesInstalled.rolledOutAt - valuesInstalled.helmStartedAt) / 1000;
    log(`values: helm install → rolled out in ${rollout.toFixed(1)}s`);
  }, 900_000);

  it('rolls out every pod Ready with the keys applied by the cluster', async () => {
    const pods = (
      await lab
        .kube()
        .json<{ items: ValuesPod[] }>(
          `/api/v1/namespaces/${VALUES_NAMESPACE}/pods?labelSelector=app.kubernetes.io%2Finstance%3Dhawk`,
        )
    ).items;
    const byComponent = (component: string) =>
      pods.filter((pod) => pod.metadata.labels['app.kubernetes.io/component'] === component);
    expect(byComponent('server')).toHaveLength(2);
    expect(byComponent('web')).toHaveLength(2);
    for (const pod of pods) {
      const where = pod.metadata.name;
      expect(
        pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        where,
      ).toBe(true);
      expect(pod.metadata.labels, where).toMatchObject({ team: 'platform', 'example.com/tier': 'monitoring' });
      expect(pod.metadata.annotations?.['example.com/scraped-by'], where).toBe('hawk-ci');
      // The admission controller resolved the PriorityClass to its value.
      expect([pod.spec.priorityClassName, pod.spec.priority], where).toEqual(['hawk-ci', 1000]);
      expect(pod.spec.securityContext, where).not.toHaveProperty('fsGroup');
      expect(pod.spec.securityContext, where).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(pod.spec.topologySpreadConstraints, where).toHaveLength(1);
      expect(pod.spec.imagePullSecrets, where).toEqual([{ name: 'hawk-ci-pull' }]);
      expect(pod.spec.containers[0]!.envFrom, where).toEqual([{ configMapRef: { name: 'hawk-ci-env' } }]);
    }
    for (const pod of byComponent('server')) {
      expect(pod.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
      expect(pod.spec.tolerations?.map((t) => t.key)).toContain('example.com/dedicated');
      expect(pod.spec.volumes).toContainEqual(
        expect.objectContaining({ name: 'config', configMap: expect.objectContaining({ name: 'hawk-ci-config' }) }),
      );
      expect(pod.spec.containers[0]!.volumeMounts).toContainEqual(
        expect.objectContaining({ name: 'config', mountPath: '/etc/hawk/config' }),
      );
    }
    for (const pod of byComponent('web')) expect(pod.spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64' });
    const account = await lab
      .kube()
      .json<{ metadata: { annotations?: Record<string, string> } }>(
        `/api/v1/namespaces/${VALUES_NAMESPACE}/serviceaccounts/hawk`,
      );
    expect(account.metadata.annotations?.['example.com/role']).toBe('hawk-reader');
    const monitor = await lab
      .kube()
      .json<{ metadata: { labels: Record<string, string> } }>(
        `/apis/monitoring.coreos.com/v1/namespaces/${VALUES_NAMESPACE}/servicemonitors/hawk`,
      );
    expect(monitor.metadata.labels.release).toBe('kps');
  });
});
