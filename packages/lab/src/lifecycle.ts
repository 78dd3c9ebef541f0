import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { haproxyConfig } from './components';
import { unthrottleAll } from './cpu-throttle';
import {
  type MirrorPod,
  imageFor,
  mirrorPodFromManifest,
  mirrorPodManifest,
  registerK3sNodes,
  registerNodes,
} from './cluster-objects';
import { exportAdminIdentity, generateWithKubeadm, readStaticPod, uploadKubeadmConfig } from './kubeadm';
import { writeKubeconfig } from './kubeconfig';
import { Lab } from './lab';
import { withMutationLock } from './lock';
import { createNetwork, destroyNetwork, listLabNetns, refuseHostClients } from './network';
import { type LabOptionsInput, type LabOptions, mustResolveLabOptions, sameLab, showsKubeadm } from './options';
import {
  ETC_KUBERNETES,
  HAPROXY_BINARY,
  K3S_LEASE_HOLDER,
  LAB_BINARIES,
  type LabPaths,
  binaryDir,
  labPaths,
} from './paths';
import { generatePki } from './pki';
import { missingPrerequisites } from './prerequisites';
import { findLabProcesses, signal, waitUntilExited, type LabProcessQuery } from './processes';
import { readiness } from './readiness';
import { readState, writeState } from './state';
import { type ComponentKind, NETWORK, instancesOf } from './topology';
import { removeWorkers, workerLeftovers } from './workers/teardown';

export type Progress = (message: string) => void;

export interface LifecycleOptions {
  /** Called with one line per step; silent by default. */
  readonly onProgress?: Progress;
  /** How long `up` waits for the cluster to become ready. Default 240 s. */
  readonly readyTimeoutMs?: number;
  readonly paths?: LabPaths;
}

const DEFAULT_READY_TIMEOUT_MS = 240_000;

/** openLab attaches to the running lab, or returns undefined when there is none. It verifies the network first. */
export async function openLab(paths = labPaths()): Promise<Lab | undefined> {
  const state = await readState(paths.state);
  if (!state) return undefined;
  const lab = new Lab(state.options, paths);
  await lab.assertNetwork();
  return lab;
}

/**
 * ensureLab returns a ready lab built from `input`. A running lab with the same options is reused (healed if
 * something is down); a lab with other options, or debris from a crashed run, is torn down first: one lab per
 * instance (HAWK_LAB_INSTANCE), because its names and range are the instance's (topology.ts).
 */
export async function ensureLab(input: LabOptionsInput = {}, lifecycle: LifecycleOptions = {}): Promise<Lab> {
  const options = mustResolveLabOptions(input);
  const paths = lifecycle.paths ?? labPaths();
  const progress = lifecycle.onProgress ?? (() => {});
  const needsLb = options.nodes > 1;
  const missing = await missingPrerequisites(binaryDir(), needsLb, options.profile !== 'hand-made');
  if (missing.length > 0) throw new Error(`hawk lab prerequisites missing:\n  - ${missing.join('\n  - ')}`);

  return withMutationLock(paths.mutationLock, async () => {
    const state = await readState(paths.state);
    if (state && sameLab(state.options, options)) {
      const lab = new Lab(state.options, paths);
      const network = await lab.assertNetwork().then(
        () => true,
        () => false,
      );
      if (network) {
        progress('lab already running: checking it');
        const now = await readiness(lab).catch((e: Error) => ({ ready: false, pending: [e.message] }));
        if (now.ready) {
          await registerPlacement(lab);
          return lab;
        }
        progress(`not ready (${now.pending.join('; ')}): healing`);
        await lab.fault.heal();
        await registerPlacement(lab);
        progress('ready');
        return lab;
      }
    }
    const debris = await leftovers(paths);
    if (state || debris.length > 0) {
      const reason = !state
        ? `debris of an earlier run: ${debris.join(', ')}`
        : sameLab(state.options, options)
          ? 'the running lab has lost part of its network'
          : `the running lab has other options (${JSON.stringify(state.options)})`;
      progress(`replacing the lab: ${reason}`);
      await recordHistory(paths, 'replace', reason);
      await labDown({ paths, onProgress: progress });
    }
    await recordHistory(paths, 'create', JSON.stringify(options));
    return createLab(options, paths, progress, lifecycle.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  });
}

async function createLab(
  options: LabOptions,
  paths: LabPaths,
  progress: Progress,
  readyTimeoutMs: number,
): Promise<Lab> {
  const started = Date.now();
  const lab = new Lab(options, paths);
  const { topology } = lab;
  const step = (message: string) => progress(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

  await mkdir(paths.logs, { recursive: true });
  await mkdir(paths.etcdData, { recursive: true, mode: 0o700 });
  step(
    `network: bridge ${topology.bridge} ${topology.bridgeIp}/${topology.prefixLength}, ${topology.hosts.length} hosts`,
  );
  await createNetwork(topology);
  await lab.assertNetwork();
  if (options.profile === 'managed-shaped') {
    step('managed shape: control-plane hosts refuse every client on the host side but the lab');
    await refuseHostClients(topology);
  }

  if (lab.kubeadmMade) {
    step('certificates, kubeconfigs and static-pod manifests (kubeadm init phase …)');
    // The mount point each node's directory is bound on; empty on this machine, never written through.
    await mkdir(ETC_KUBERNETES, { recursive: true });
    await generateWithKubeadm(topology, options, paths, lab.binDir);
    await exportAdminIdentity(topology, paths, showsKubeadm(options.profile) ? 'admin.conf' : 'super-admin.conf');
    await writeFile(paths.haproxyConfig, haproxyConfig(topology));
  } else {
    step('certificates and kubeconfigs (openssl)');
    const pki = await generatePki(paths.pki, topology);
    await Promise.all([
      writeKubeconfig(paths.adminKubeconfig, lab.apiServerUrl, pki.ca.cert, 'kubernetes-admin', pki.admin),
      writeKubeconfig(
        paths.controllerManagerKubeconfig,
        lab.apiServerUrl,
        pki.ca.cert,
        'system:kube-controller-manager',
        pki.controllerManager,
      ),
      writeKubeconfig(paths.schedulerKubeconfig, lab.apiServerUrl, pki.ca.cert, 'system:kube-scheduler', pki.scheduler),
      writeFile(paths.haproxyConfig, haproxyConfig(topology)),
    ]);
  }
  const createdBy = process.env.HAWK_LAB_OWNER ?? `pid ${process.pid}`;
  await writeState(paths.state, { version: 1, options, createdAt: new Date().toISOString(), createdBy, pids: {} });

  const startAll = async (kind: ComponentKind) => {
    for (const c of instancesOf(topology, kind)) await lab.control.startComponent(c);
  };
  step(`etcd: starting ${instancesOf(topology, 'etcd').length} members`);
  await startAll('etcd');
  await lab.waitFor(async () => (await lab.etcdStatus()).leader, readyTimeoutMs, {
    description: 'etcd leader',
    intervalMs: 300,
  });
  step('etcd: leader elected');

  step('kube-apiserver: starting');
  await startAll('kube-apiserver');
  await startAll('haproxy');
  await lab.waitFor(async () => (await lab.apiServerReadiness()).every((a) => a.ready), readyTimeoutMs, {
    description: 'every apiserver /readyz',
    intervalMs: 500,
  });
  step('kube-apiserver: all ready');
  if (showsKubeadm(options.profile)) {
    // Also creates kubeadm's ClusterRoleBinding for admin.conf's group: the lab's own client needs it from here on.
    step('kube-system/kubeadm-config (kubeadm init phase upload-config kubeadm)');
    await uploadKubeadmConfig(topology, paths, lab.binDir);
  }

  step('kube-controller-manager, kube-scheduler: starting');
  await startAll('kube-controller-manager');
  await startAll('kube-scheduler');
  await startAll('k3s-lease-holder');

  step('registering Nodes and mirror Pods');
  await registerPlacement(lab);

  await waitReady(lab, readyTimeoutMs, step);
  const readyAfterMs = Date.now() - started;
  const state = await readState(paths.state);
  if (state) await writeState(paths.state, { ...state, readyAt: new Date().toISOString(), readyAfterMs });
  await lab.control.logFault('up', 'lab', { readyAfterMs, nodes: options.nodes, etcdMembers: options.etcdMembers });
  return lab;
}

/**
 * registerPlacement writes the Nodes and mirror Pods a kubeadm cluster's kubelets would (idempotent); a k3s-shaped
 * lab gets k3s's Nodes and no Pods, a managed-shaped one nothing (its control plane is not in the cluster).
 */
async function registerPlacement(lab: Lab): Promise<void> {
  const profile = lab.options.profile;
  if (profile === 'managed-shaped') return;
  if (profile === 'k3s-shaped') {
    const members = new Set(instancesOf(lab.topology, 'etcd').map((m) => m.host));
    const now = new Date().toISOString();
    await lab.waitFor(
      () => lab.kubeAny((kube) => registerK3sNodes(kube, lab.nodes, members, now)).then(() => true),
      60_000,
      {
        description: 'k3s-shaped Node registration',
      },
    );
    return;
  }
  const etcdVersion = (await readFile(join(lab.binDir, 'etcd.version'), 'utf8').catch(() => 'v3.6.8')).trim();
  const now = new Date().toISOString();
  const pods: MirrorPod[] = lab.topology.components
    .filter((c) => c.kind !== 'haproxy' && c.kind !== 'k3s-lease-holder' && lab.host(c.host).role === 'control-plane')
    .map((c) => {
      const host = lab.host(c.host);
      if (lab.kubeadmMade && c.kind !== 'haproxy' && c.kind !== 'k3s-lease-holder') {
        const manifest = readStaticPod(lab.paths, c.host, c.kind);
        return {
          instance: c,
          host,
          image: manifest.spec.containers[0]!.image,
          manifest: (uid: string) => mirrorPodFromManifest(manifest, host, uid, now),
        };
      }
      const image = imageFor(c, etcdVersion);
      return {
        instance: c,
        host,
        image,
        manifest: (uid: string) => mirrorPodManifest(c, host, lab.commandLine(c), image, uid, now),
      };
    });
  await lab.waitFor(() => lab.kubeAny((kube) => registerNodes(kube, lab.nodes, pods, now)).then(() => true), 60_000, {
    description: 'Node and mirror Pod registration',
  });
}

async function waitReady(lab: Lab, timeoutMs: number, progress: Progress): Promise<void> {
  let lastReport = '';
  await lab.waitFor(
    async () => {
      const r = await readiness(lab).catch((e: Error) => ({ ready: false, pending: [e.message] }));
      const report = r.pending.join('; ');
      if (!r.ready && report !== lastReport) progress(`waiting: ${report}`);
      lastReport = report;
      return r.ready;
    },
    timeoutMs,
    { description: 'lab ready', intervalMs: 500 },
  );
  progress('ready');
}

/** recordHistory appends to the lifecycle history, so a lab that vanished under someone's feet can be explained. */
async function recordHistory(paths: LabPaths, event: string, detail: string): Promise<void> {
  const line = { at: new Date().toISOString(), event, detail, pid: process.pid, argv: process.argv.slice(1).join(' ') };
  await appendFile(paths.history, `${JSON.stringify(line)}\n`).catch(() => undefined);
}

async function labProcessQuery(paths: LabPaths): Promise<LabProcessQuery> {
  return {
    binaries: LAB_BINARIES.map((b) => join(binaryDir(), b)),
    haproxyBinary: HAPROXY_BINARY,
    haproxyConfig: paths.haproxyConfig,
    scripts: [K3S_LEASE_HOLDER],
    netns: await listLabNetns(),
  };
}

/** leftovers names what a crashed run could have left: namespaces, and processes of the lab's binaries. */
async function leftovers(paths: LabPaths): Promise<string[]> {
  const pids = await findLabProcesses(await labProcessQuery(paths));
  return [...(await listLabNetns()), ...pids.map((p) => `pid ${p}`), ...(await workerLeftovers(paths))];
}

export interface DownReport {
  readonly killed: number;
  readonly remaining: readonly string[];
}

/**
 * labDown removes everything a lab can leave, with or without a state file: processes found by the lab's binary
 * paths (and haproxy by its config path), every `hawk-` namespace, `hk-` link and the bridge, and the lab directory.
 */
export async function labDown(lifecycle: Pick<LifecycleOptions, 'onProgress' | 'paths'> = {}): Promise<DownReport> {
  const paths = lifecycle.paths ?? labPaths();
  const progress = lifecycle.onProgress ?? (() => {});
  return withMutationLock(paths.mutationLock, async () => {
    const pids = await findLabProcesses(await labProcessQuery(paths));
    progress(`stopping ${pids.length} processes`);
    for (const pid of pids) signal(pid, 'SIGKILL');
    for (const pid of pids) await waitUntilExited(pid).catch(() => undefined);
    // A throttled etcd's group outlives its process (faults.throttleEtcd).
    await unthrottleAll();
    // Worker nodes (`up --workers`): their processes, mounts, cgroups and what the kubelet changed on the machine.
    const workerPids = await removeWorkers(paths);
    if (workerPids > 0) progress(`stopped ${workerPids} worker processes`);
    progress('removing namespaces, links and bridge');
    await destroyNetwork(NETWORK.bridge);
    await rm(paths.root, { recursive: true, force: true });
    await recordHistory(paths, 'down', `${pids.length} processes killed`);
    const remaining = await leftovers(paths);
    progress(remaining.length === 0 ? 'lab is down' : `left behind: ${remaining.join(', ')}`);
    return { killed: pids.length, remaining };
  });
}
