import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lab } from './lab';
import { hawkCacheDir } from './paths';
import { must, run } from './shell';
import { clusterDnsReady } from './workers/dns';
import { importImage } from './workers/images';
import { type WorkerPlan, planWorkers } from './workers/plan';
import { readWorkersState } from './workers/start';

/** hawk's repository: the Dockerfiles' build context and the chart. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
export const CHART_DIR = join(REPO_ROOT, 'deploy', 'helm', 'hawk');
const NODE_BASE = 'docker.io/library/node:24-bookworm-slim';
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
  /**
   * What the images are built from: the working tree (default: what a developer just changed) or the last commit,
   * exported apart (a shared checkout's uncommitted work of others never lands in the images).
   */
  readonly source?: 'worktree' | 'head';
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

const imageCache = () => join(hawkCacheDir(), 'images');

/**
 * buildHawkImage builds one of hawk's images with podman from the repository (podman's layer cache makes an unchanged
 * rebuild cost seconds) and tags it by its image id, so a changed image is a new tag and `helm upgrade` rolls it.
 */
async function buildHawkImage(
  component: 'server' | 'web',
  context: string,
  progress: (line: string) => void,
): Promise<{ image: string; archive: string }> {
  const started = Date.now();
  const local = `localhost/hawk-${component}:local`;
  await must(
    'podman',
    [
      'build',
      '--pull=never',
      '--network',
      'host',
      '--format',
      'docker',
      '-f',
      `apps/${component}/Dockerfile`,
      '-t',
      local,
      context,
    ],
    1_800_000,
  ).catch((error: Error) => {
    throw new Error(`podman build of apps/${component}/Dockerfile: ${error.message.slice(-3000)}`);
  });
  const id = (await must('podman', ['image', 'inspect', '--format', '{{.Id}}', local])).trim().slice(0, 12);
  const image = `localhost/hawk-${component}:lab-${id}`;
  await must('podman', ['tag', local, image]);
  const archive = join(imageCache(), `hawk-${component}-${id}.oci.tar`);
  if (!existsSync(archive)) {
    await mkdir(imageCache(), { recursive: true });
    await must('podman', ['save', '--format', 'oci-archive', '--output', `${archive}.tmp`, image], 300_000);
    await rename(`${archive}.tmp`, archive);
  }
  progress(`${image} ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return { image, archive };
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

/** exportHead writes the last commit's files to a directory of their own, as the images' build context. */
async function exportHead(): Promise<{ dir: string; commit: string }> {
  const commit = (await must('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD'])).trim();
  const dir = await mkdtemp(join(tmpdir(), 'hawk-install-'));
  await must('sh', ['-c', 'git -C "$1" archive --format=tar HEAD | tar -x -C "$2"', 'sh', REPO_ROOT, dir], 120_000);
  return { dir, commit };
}

async function ensureNodeBase(progress: (line: string) => void): Promise<void> {
  if ((await run('podman', ['image', 'exists', NODE_BASE])).code === 0) return;
  const script = join(REPO_ROOT, '..', 'shared', 'container-base.sh');
  if (!existsSync(script))
    throw new Error(
      `${NODE_BASE} is not in podman's storage (podman pull ${NODE_BASE}, or ../shared/container-base.sh makes a ` +
        `local stand-in)`,
    );
  progress(`making ${NODE_BASE} with ${script}`);
  await must('bash', [script], 1_800_000);
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
  await ensureNodeBase(progress);
  const head = options.source === 'head' ? await exportHead() : undefined;
  progress(`building hawk-server and hawk-web with podman from ${head ? `commit ${head.commit}` : 'the working tree'}`);
  const [server, web] = await (async () => {
    try {
      return [
        await buildHawkImage('server', head?.dir ?? REPO_ROOT, progress),
        await buildHawkImage('web', head?.dir ?? REPO_ROOT, progress),
      ];
    } finally {
      if (head) await rm(head.dir, { recursive: true, force: true });
    }
  })();
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
