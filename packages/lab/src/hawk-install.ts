import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hawkImages, type ImageSource, REPO_ROOT } from './hawk-images';
import type { Lab } from './lab';
import { hawkCacheDir } from './paths';
import { run } from './shell';
import { clusterDnsReady } from './workers/dns';
import { importImage } from './workers/images';
import { type WorkerPlan, planWorkers } from './workers/plan';
import { readWorkersState } from './workers/start';

export const CHART_DIR = join(REPO_ROOT, 'deploy', 'helm', 'hawk');
/** The NodePort of the web Service on every worker: fixed, so the browser's origin is known before the install. */
export const HAWK_NODE_PORT = 30080;
export const ETCD_CLIENT_SECRET = 'hawk-etcd-client';

export interface HawkInstallOptions {
  /** helm's --set, applied after the lab's values: what a user passes to `pnpm lab hawk-install --set k=v`. */
  readonly set?: readonly string[];
  /** Values files (helm -f), under the lab's own values and --set: `pnpm lab hawk-install -f file`. */
  readonly valuesFiles?: readonly string[];
  readonly release?: string;
  readonly namespace?: string;
  /** What the images are built from (default: the working tree, what a developer just changed). */
  readonly source?: ImageSource;
  readonly onProgress?: (line: string) => void;
}

export interface HawkInstallResult {
  readonly release: string;
  readonly namespace: string;
  /** The web Service's NodePort on each worker, reachable from the machine over the lab bridge. */
  readonly urls: string[];
  /** A file (mode 0600) holding the API token the page asks for. */
  readonly tokenFile: string;
  readonly tokenCommand: string;
  readonly images: { server: string; web: string };
  /** When `helm upgrade --install` started and when its --wait (every Deployment rolled out) returned. */
  readonly helmStartedAt: number;
  readonly rolledOutAt: number;
  readonly imagesMs: number;
}

export function helmBinary(): string {
  const candidates = [process.env.HAWK_HELM, join(hawkCacheDir(), 'tools', 'helm-v3.22.0', 'helm')];
  const found = candidates.find((p): p is string => !!p && existsSync(p));
  if (!found)
    throw new Error(`helm not found (looked at ${candidates.filter(Boolean).join(', ')}): scripts/setup.sh builds it`);
  return found;
}

/** importOnce loads an image into a worker's containerd unless it already has it (pods use imagePullPolicy Never). */
async function importOnce(w: WorkerPlan, image: string, archive: string): Promise<void> {
  const listed = await run('ctr', [
    '--address',
    w.files.containerdSocket,
    '-n',
    'k8s.io',
    'images',
    'ls',
    '-q',
    `name==${image}`,
  ]);
  if (listed.code === 0 && listed.stdout.trim() === image) return;
  await importImage(w.files.containerdSocket, archive);
}

/**
 * putEtcdClientSecret gives hawk the lab's etcd client identity (kubeadm's healthcheck-client, which every member
 * accepts) as the chart expects it: a Secret with ca.crt, tls.crt and tls.key, as a user would create it.
 */
async function putEtcdClientSecret(lab: Lab, namespace: string): Promise<void> {
  const tls = lab.etcdClientTls;
  const b64 = async (file: string) => (await readFile(file)).toString('base64');
  const data = { 'ca.crt': await b64(tls.ca), 'tls.crt': await b64(tls.cert), 'tls.key': await b64(tls.key) };
  await lab.kubeAny(async (kube) => {
    await kube.createIfAbsent('/api/v1/namespaces', namespace, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    });
    await kube.createIfAbsent(`/api/v1/namespaces/${namespace}/secrets`, ETCD_CLIENT_SECRET, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: ETCD_CLIENT_SECRET },
      type: 'Opaque',
      data,
    });
    await kube.mergePatch(`/api/v1/namespaces/${namespace}/secrets/${ETCD_CLIENT_SECRET}`, { data });
  });
}

/** helm's --set for a list: {a,b}. */
const list = (items: readonly string[]) => `{${items.join(',')}}`;

/**
 * hawkInstall installs hawk into the lab as a user installs it into a cluster: its two images built with podman and
 * loaded into the workers' containerd (no registry here), the etcd client Secret, then `helm upgrade --install` of
 * deploy/helm/hawk with the chart's defaults plus what a user of this cluster sets: the images, the etcd endpoints
 * and Secret, a NodePort Service and the origin the browser loads it from. Waits for every Deployment to roll out.
 */
export async function hawkInstall(lab: Lab, options: HawkInstallOptions = {}): Promise<HawkInstallResult> {
  const progress = options.onProgress ?? (() => {});
  const release = options.release ?? 'hawk';
  const namespace = options.namespace ?? 'hawk';
  const workers = (await readWorkersState(lab))?.count ?? 0;
  if (workers === 0) throw new Error('hawk runs as pods on worker nodes: pnpm lab up --profile kubeadm --workers 2');
  const plans = planWorkers(lab.paths, workers);
  if (
    !(await clusterDnsReady(
      lab,
      plans.map((w) => w.host.name),
    ))
  )
    throw new Error(
      "the lab has no cluster DNS (CoreDNS), which the chart's Service names need: " +
        'build it (packages/lab/scripts/build-binaries.sh) and rerun pnpm lab up --workers N',
    );
  const helm = helmBinary();

  const imagesStarted = Date.now();
  const { server, web } = await hawkImages(options.source ?? 'worktree', progress);
  progress(`importing both images into ${plans.map((w) => w.host.name).join(', ')}`);
  await Promise.all(
    plans.map(async (w) =>
      Promise.all([importOnce(w, server.image, server.archive), importOnce(w, web.image, web.archive)]),
    ),
  );
  const imagesMs = Date.now() - imagesStarted;

  await putEtcdClientSecret(lab, namespace);
  const urls = plans.map((w) => `http://${w.host.ip}:${HAWK_NODE_PORT}`);
  const [serverRepo, serverTag] = server.image.split(':') as [string, string];
  const [webRepo, webTag] = web.image.split(':') as [string, string];
  const values = [
    `image.server.repository=${serverRepo}`,
    `image.server.tag=${serverTag}`,
    'image.server.pullPolicy=Never',
    `image.web.repository=${webRepo}`,
    `image.web.tag=${webTag}`,
    'image.web.pullPolicy=Never',
    `etcd.clientCertSecret=${ETCD_CLIENT_SECRET}`,
    `etcd.endpoints=${list(lab.etcdEndpoints)}`,
    'service.type=NodePort',
    `service.nodePort=${HAWK_NODE_PORT}`,
    `web.origins=${list(urls)}`,
    ...(options.set ?? []),
  ];
  progress(`helm upgrade --install ${release} deploy/helm/hawk -n ${namespace} (waiting for the rollout)`);
  const helmStartedAt = Date.now();
  const installed = await run(
    helm,
    [
      'upgrade',
      '--install',
      release,
      CHART_DIR,
      '--namespace',
      namespace,
      '--kubeconfig',
      lab.kubeconfigPath,
      '--wait',
      '--timeout',
      '5m',
      ...(options.valuesFiles ?? []).flatMap((file) => ['-f', file]),
      ...values.flatMap((v) => ['--set', v]),
    ],
    360_000,
  );
  const rolledOutAt = Date.now();
  if (installed.code !== 0)
    throw new Error(
      `helm install failed: ` +
        `${installed.stderr.trim() || installed.stdout.trim()}\n${await rolloutDiagnosis(lab, namespace)}`,
    );
  progress(`rolled out ${((rolledOutAt - helmStartedAt) / 1000).toFixed(1)}s after helm started`);

  const tokenSecret = release.includes('hawk') ? `${release}-token` : `${release}-hawk-token`;
  const secret = await lab.kubeAny((kube) =>
    kube.json<{ data: { token: string } }>(`/api/v1/namespaces/${namespace}/secrets/${tokenSecret}`),
  );
  const tokenFile = join(lab.paths.root, 'hawk-token');
  await rm(tokenFile, { force: true });
  await writeFile(tokenFile, Buffer.from(secret.data.token, 'base64').toString('utf8'), { mode: 0o600 });
  const tokenCommand =
    `kubectl --kubeconfig ${lab.kubeconfigPath} -n ${namespace} get secret ${tokenSecret} ` +
    `-o jsonpath='{.data.token}' | base64 -d`;
  return {
    release,
    namespace,
    urls,
    tokenFile,
    tokenCommand,
    images: { server: server.image, web: web.image },
    helmStartedAt,
    rolledOutAt,
    imagesMs,
  };
}

interface PodList {
  items: {
    metadata: { name: string };
    spec: { nodeName?: string };
    status: {
      phase?: string;
      containerStatuses?: { name: string; ready: boolean; restartCount: number; state: unknown }[];
    };
  }[];
}

/** rolloutDiagnosis says what the pods of a failed rollout were doing, and the namespace's warnings. */
export async function rolloutDiagnosis(lab: Lab, namespace: string): Promise<string> {
  return lab
    .kubeAny(async (kube) => {
      const pods = await kube.json<PodList>(`/api/v1/namespaces/${namespace}/pods`);
      const events = await kube.json<{
        items: { type: string; reason: string; message: string; involvedObject: { name: string } }[];
      }>(`/api/v1/namespaces/${namespace}/events`);
      return [
        ...pods.items.map(
          (p) =>
            `${p.metadata.name} on ${p.spec.nodeName ?? '-'}: ${p.status.phase} ` +
            `${JSON.stringify(p.status.containerStatuses ?? [])}`,
        ),
        ...events.items
          .filter((e) => e.type !== 'Normal')
          .map((e) => `${e.involvedObject.name} ${e.reason}: ${e.message}`),
      ].join('\n');
    })
    .catch((error: Error) => `(no diagnosis: ${error.message})`);
}

/** hawkUninstall removes the release and its namespace (the token Secret the chart keeps goes with the namespace). */
export async function hawkUninstall(lab: Lab, release = 'hawk', namespace = 'hawk'): Promise<void> {
  await run(
    helmBinary(),
    ['uninstall', release, '--namespace', namespace, '--kubeconfig', lab.kubeconfigPath, '--wait', '--timeout', '2m'],
    150_000,
  );
  await lab.kubeAny((kube) => kube.raw(`/api/v1/namespaces/${namespace}`, { method: 'DELETE' })).catch(() => undefined);
}
