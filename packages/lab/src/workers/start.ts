import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { access, constants, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeDir } from '../kubeadm';
import { writeKubeconfig } from '../kubeconfig';
import type { Lab } from '../lab';
import { withMutationLock } from '../lock';
import { showsKubeadm } from '../options';
import { type CertPair, issue } from '../pki';
import { must, run } from '../shell';
import { LAB_INSTANCE, NETWORK } from '../topology';
import { CNI_BIN_DIR, cniConfig, containerdConfig, kubeProxyConfig, kubeletConfig } from './configs';
import { clusterDnsReady, corednsAvailable, corednsBinary, corednsImageArchive, installClusterDns } from './dns';
import { recordHostBefore } from './host-effects';
import { importImage, pauseImageArchive } from './images';
import { type WorkerPlan, planWorkers, workersDir } from './plan';
import { removeWorkers } from './teardown';

export type Progress = (message: string) => void;

interface WorkersState {
  readonly count: number;
  readonly pids: Record<string, number>;
  readonly readyAfterMs?: number;
}

const stateFile = (lab: Lab) => join(workersDir(lab.paths), 'state.json');

export async function readWorkersState(lab: Lab): Promise<WorkersState | undefined> {
  return JSON.parse(await readFile(stateFile(lab), 'utf8').catch(() => 'null')) ?? undefined;
}

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** missingWorkerPrerequisites lists, in words a person can act on, what stops workers from running here. */
export async function missingWorkerPrerequisites(binDir: string): Promise<string[]> {
  const missing: string[] = [];
  const absent = [];
  for (const b of ['kubelet', 'kube-proxy', 'pause']) if (!(await executable(join(binDir, b)))) absent.push(b);
  if (absent.length > 0)
    missing.push(`missing ${absent.join(', ')} in ${binDir}: run packages/lab/scripts/build-binaries.sh`);
  for (const [path, pkg] of [
    ['/usr/bin/containerd', 'containerd'],
    ['/usr/bin/ctr', 'containerd'],
    [join(CNI_BIN_DIR, 'bridge'), 'containernetworking-plugins'],
    ['/usr/sbin/runc', 'runc'],
    ['/usr/bin/podman', 'podman'],
    ['/usr/bin/nsenter', 'util-linux'],
  ] as const) {
    if (!(await executable(path))) missing.push(`${path} not found: apt-get install ${pkg}`);
  }
  return missing;
}

/**
 * ensureWorkers gives the running lab exactly `count` worker nodes (0 removes them), each Ready: containerd, kubelet
 * and kube-proxy in the worker's own network namespace on the lab bridge. Workers already running in that number and
 * Ready are kept. Only kubeadm's profiles: their controller-manager uses per-controller service-account credentials,
 * without which Deployments get no ReplicaSets and Services no endpoints.
 */
export interface WorkerOptions {
  /**
   * Run kubeadm's CoreDNS addon on the workers (default: on when build-binaries.sh has built CoreDNS). Service names,
   * which hawk's chart uses between its pods, resolve only with it.
   */
  readonly clusterDns?: boolean;
}

export async function ensureWorkers(
  lab: Lab,
  count: number,
  onProgress: Progress = () => {},
  options: WorkerOptions = {},
): Promise<void> {
  const plans = planWorkers(lab.paths, count);
  if (count > 0 && LAB_INSTANCE !== 0) {
    throw new Error(`workers run on lab 0 only (kubelets change the machine); this is lab ${LAB_INSTANCE}`);
  }
  if (count > 0 && !showsKubeadm(lab.options.profile)) {
    throw new Error(
      `workers need a lab on the kubeadm profile (this one is ${lab.options.profile}): pnpm lab up --profile ` +
        `kubeadm --workers ${count}`,
    );
  }
  if (count > 0) {
    const missing = await missingWorkerPrerequisites(lab.binDir);
    if (missing.length > 0) throw new Error(`worker prerequisites missing:\n  - ${missing.join('\n  - ')}`);
  }
  await withMutationLock(lab.paths.mutationLock, async () => {
    const current = await readWorkersState(lab);
    const wantDns = count > 0 && (options.clusterDns ?? corednsAvailable());
    if (count > 0) await bindApiserverKubeletClient(lab);
    if (current?.count === count && (count === 0 || (await notReady(lab, plans)).length === 0)) {
      onProgress(count === 0 ? 'no workers' : `${count} workers already Ready`);
      if (wantDns) await ensureClusterDns(lab, plans, onProgress, false);
      return;
    }
    if (current || (await run('ip', ['netns', 'list'])).stdout.includes('hawk-wk-')) {
      onProgress('removing the current workers');
      await dropWorkers(lab, planWorkers(lab.paths, 9));
    }
    if (count === 0) {
      // Without workers its pods could only stay Pending in kube-system; the next workers install it again.
      await lab
        .kubeAny((kube) => kube.raw('/apis/apps/v1/namespaces/kube-system/deployments/coredns', { method: 'DELETE' }))
        .catch(() => undefined);
      return;
    }
    const started = Date.now();
    const step = (m: string) => onProgress(`[workers ${((Date.now() - started) / 1000).toFixed(1)}s] ${m}`);
    await recordHostBefore(lab.paths);
    step('pause image');
    const pauseArchive = await pauseImageArchive(lab.binDir);
    const pids: Record<string, number> = {};
    await Promise.all(
      plans.map(async (w) => Object.assign(pids, await startWorker(lab, w, plans, pauseArchive, step))),
    );
    await writeFile(stateFile(lab), JSON.stringify({ count, pids } satisfies WorkersState));
    step(`waiting for ${count} Nodes Ready`);
    await lab.waitFor(async () => (await notReady(lab, plans)).length === 0, 120_000, {
      description: `worker Nodes Ready (${plans.map((w) => w.host.name).join(', ')})`,
      intervalMs: 500,
    });
    for (const w of plans) await untaintReady(lab, w.host.name);
    const readyAfterMs = Date.now() - started;
    await writeFile(stateFile(lab), JSON.stringify({ count, pids, readyAfterMs } satisfies WorkersState));
    step(`${count} workers Ready`);
    if (wantDns) await ensureClusterDns(lab, plans, step, true);
  });
}

/**
 * ensureClusterDns installs CoreDNS on the workers and waits until its pods are Ready; on workers kept from before
 * (`freshWorkers` false) nothing is done when it is Ready already. New workers always get its image.
 */
async function ensureClusterDns(
  lab: Lab,
  plans: readonly WorkerPlan[],
  step: Progress,
  freshWorkers: boolean,
): Promise<void> {
  const names = plans.map((w) => w.host.name);
  if (!freshWorkers && (await clusterDnsReady(lab, names))) return;
  if (!corednsAvailable()) {
    step(`no CoreDNS binary at ${corednsBinary()} (packages/lab/scripts/build-binaries.sh builds it): no cluster DNS`);
    return;
  }
  const started = Date.now();
  step("cluster DNS: kubeadm's CoreDNS addon");
  const archive = await corednsImageArchive();
  await Promise.all(plans.map((w) => importImage(w.files.containerdSocket, archive)));
  await installClusterDns(lab);
  await lab.waitFor(() => clusterDnsReady(lab, names), 120_000, { description: 'CoreDNS pods Ready', intervalMs: 500 });
  step(`cluster DNS Ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

/**
 * bindApiserverKubeletClient lets the apiservers' kubelet client (logs, exec, port-forward) through the kubelets'
 * webhook authorization: the ClusterRoleBinding kubeadm's bootstrap-token phase creates, which the lab does not run.
 */
async function bindApiserverKubeletClient(lab: Lab): Promise<void> {
  const name = 'kubeadm:apiserver-kubelet-client';
  await lab.kubeAny((kube) =>
    kube.createIfAbsent('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', name, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:kubelet-api-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'kube-apiserver-kubelet-client' }],
    }),
  );
}

/** dropWorkers stops the workers and removes their Nodes, namespaces and files, leaving the control plane as it was. */
async function dropWorkers(lab: Lab, plans: WorkerPlan[]): Promise<void> {
  await removeWorkers(lab.paths);
  for (const w of plans) {
    await run('ip', ['netns', 'del', w.host.netns]);
    await run('ip', ['link', 'del', w.host.hostLink]);
    await lab.kubeAny((kube) => kube.raw(`/api/v1/nodes/${w.host.name}`, { method: 'DELETE' })).catch(() => undefined);
  }
  await run('rm', ['-rf', workersDir(lab.paths)]);
}

interface NodeStatus {
  status?: { conditions?: { type: string; status: string }[] };
}

/** notReady names the planned workers whose Node does not (yet) report Ready=True. */
export async function notReady(lab: Lab, plans: readonly WorkerPlan[]): Promise<string[]> {
  const pending: string[] = [];
  for (const w of plans) {
    const node = await lab
      .kubeAny((kube) => kube.json<NodeStatus>(`/api/v1/nodes/${w.host.name}`, { timeoutMs: 2_000 }))
      .catch(() => undefined);
    if (node?.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True') pending.push(w.host.name);
  }
  return pending;
}

interface NodeTaints {
  spec?: { taints?: { key: string; effect: string }[] };
}

/**
 * untaintReady does for a Ready worker what the node-lifecycle controller would: drop the not-ready taint the kubelet
 * registers with. The lab turns that controller off, because its control-plane Nodes have no kubelet to heartbeat.
 */
async function untaintReady(lab: Lab, name: string): Promise<void> {
  await lab.kubeAny(async (kube) => {
    const node = await kube.json<NodeTaints>(`/api/v1/nodes/${name}`);
    const taints = node.spec?.taints ?? [];
    const kept = taints.filter((t) => t.key !== 'node.kubernetes.io/not-ready');
    if (kept.length !== taints.length) await kube.mergePatch(`/api/v1/nodes/${name}`, { spec: { taints: kept } });
  });
}

/**
 * startInWorker runs a process in the worker's network namespace only: `ip netns exec` would remount /sys, which the
 * kubelet reads.
 */
function startInWorker(w: WorkerPlan, binary: string, args: string[], logFile: string): number {
  const log = openSync(logFile, 'a');
  try {
    const child = spawn('nsenter', [`--net=/run/netns/${w.host.netns}`, '--', binary, ...args], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${binary} in ${w.host.netns}`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

async function joinBridge(w: WorkerPlan, all: readonly WorkerPlan[]): Promise<void> {
  const h = w.host;
  await must('ip', ['netns', 'add', h.netns]);
  await must('ip', ['link', 'add', h.hostLink, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.netns]);
  await must('ip', ['link', 'set', h.hostLink, 'master', NETWORK.bridge, 'up']);
  const inNs = (...args: string[]) => must('ip', ['-n', h.netns, ...args]);
  await inNs('link', 'set', 'lo', 'up');
  await inNs('addr', 'add', `${h.ip}/${NETWORK.prefixLength}`, 'dev', 'eth0');
  await inNs('link', 'set', 'eth0', 'up');
  // Pods on other workers: straight to that worker over the bridge (no overlay).
  for (const other of all.filter((o) => o !== w)) await inNs('route', 'add', other.podCidr, 'via', other.host.ip);
  await must('nsenter', [`--net=/run/netns/${h.netns}`, '--', 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
}

/**
 * The v1 hierarchies (and the unified one) all get the worker's cgroup root: the kubelet refuses a root that is
 * missing.
 */
async function makeCgroupRoot(w: WorkerPlan): Promise<void> {
  for (const hierarchy of await readdir('/sys/fs/cgroup')) {
    await mkdir(join('/sys/fs/cgroup', hierarchy, w.cgroupRoot), { recursive: true }).catch(() => undefined);
  }
}

async function issueClient(
  dir: string,
  name: string,
  subject: Record<string, string>,
  ca: CertPair,
): Promise<CertPair> {
  const out = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  await issue({ out, subject, usage: 'client', signer: ca });
  return out;
}

async function startWorker(
  lab: Lab,
  w: WorkerPlan,
  all: readonly WorkerPlan[],
  pauseArchive: string,
  step: Progress,
): Promise<Record<string, number>> {
  const f = w.files;
  const name = w.host.name;
  await Promise.all(
    [f.containerdRoot, f.containerdState, f.cniConfDir, f.cniDataDir, f.kubeletRoot, f.podLogs, f.pki].map((d) =>
      mkdir(d, { recursive: true, mode: 0o700 }),
    ),
  );
  await joinBridge(w, all);
  await makeCgroupRoot(w);
  // The cluster CA of kubeadm's control plane signs the node's and kube-proxy's client certificates.
  const caDir = join(nodeDir(lab.paths, lab.nodes[0]!.name), 'pki');
  const ca: CertPair = { cert: join(caDir, 'ca.crt'), key: join(caDir, 'ca.key') };
  const [kubeletClient, proxyClient] = await Promise.all([
    issueClient(f.pki, 'kubelet-client', { O: 'system:nodes', CN: `system:node:${name}` }, ca),
    issueClient(f.pki, 'kube-proxy-client', { CN: 'system:kube-proxy' }, ca),
  ]);
  await Promise.all([
    writeKubeconfig(f.kubeletKubeconfig, lab.apiServerUrl, ca.cert, `system:node:${name}`, kubeletClient),
    writeKubeconfig(f.kubeProxyKubeconfig, lab.apiServerUrl, ca.cert, 'system:kube-proxy', proxyClient),
    writeFile(f.containerdConfig, containerdConfig(w)),
    writeFile(join(f.cniConfDir, '10-hawk-pods.conflist'), cniConfig(w)),
    writeFile(f.kubeletConfig, kubeletConfig(w, ca.cert)),
    writeFile(f.kubeProxyConfig, kubeProxyConfig(w)),
  ]);
  const log = (component: string) => join(lab.paths.logs, `${component}-${name}.log`);
  const pids: Record<string, number> = {};
  step(`${name}: containerd`);
  pids[`containerd-${name}`] = startInWorker(
    w,
    '/usr/bin/containerd',
    ['--config', f.containerdConfig],
    log('containerd'),
  );
  await lab.waitFor(() => existsSync(f.containerdSocket), 30_000, {
    description: `${name} containerd socket`,
    intervalMs: 100,
  });
  await importImage(f.containerdSocket, pauseArchive);
  step(`${name}: kubelet, kube-proxy`);
  pids[`kubelet-${name}`] = startInWorker(
    w,
    join(lab.binDir, 'kubelet'),
    [
      `--config=${f.kubeletConfig}`,
      `--kubeconfig=${f.kubeletKubeconfig}`,
      `--root-dir=${f.kubeletRoot}`,
      `--cert-dir=${join(f.pki, 'kubelet')}`,
      `--hostname-override=${name}`,
      `--node-ip=${w.host.ip}`,
      '--node-labels=lab.hawk.dev/worker=true',
    ],
    log('kubelet'),
  );
  pids[`kube-proxy-${name}`] = startInWorker(
    w,
    join(lab.binDir, 'kube-proxy'),
    [`--config=${f.kubeProxyConfig}`],
    log('kube-proxy'),
  );
  return pids;
}
