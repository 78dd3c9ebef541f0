import { readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { LabOptions } from './options';
import { ETC_KUBERNETES, K8S_VERSION, type LabPaths } from './paths';
import { SERVICE_CIDR } from './pki';
import { must } from './shell';
import {
  API_PORT,
  ETCD_CLIENT_PORT,
  ETCD_PEER_PORT,
  type ComponentKind,
  type LabHost,
  type LabTopology,
  hostOf,
  instancesOf,
} from './topology';

/**
 * The kubeadm-made lab: kubeadm itself writes each node's certificates, kubeconfigs and static-pod manifests
 * (`kubeadm init phase …` with one config per node), into the node's own /etc/kubernetes: a directory of the lab
 * bind-mounted on /etc/kubernetes in a mount namespace private to that node's processes. The lab then runs each
 * manifest's command line unchanged, so every flag, path and default is kubeadm's.
 */

export type StaticPodKind = Exclude<ComponentKind, 'haproxy' | 'k3s-lease-holder'>;

/** StaticPod is the part of a kubeadm manifest the lab reads: a Pod with one container. */
export interface StaticPod {
  readonly metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  readonly spec: { containers: { name: string; image: string; command: string[] }[] } & Record<string, unknown>;
}

export function nodeDir(paths: LabPaths, host: string): string {
  return join(paths.nodes, host);
}

function manifestPath(paths: LabPaths, host: string, kind: StaticPodKind): string {
  return join(nodeDir(paths, host), 'manifests', `${kind}.yaml`);
}

/**
 * readStaticPod reads the manifest kubeadm wrote for `kind` on `host`. Synchronous: command lines are read on every
 * process check.
 */
export function readStaticPod(paths: LabPaths, host: string, kind: StaticPodKind): StaticPod {
  const pod = parse(readFileSync(manifestPath(paths, host, kind), 'utf8')) as StaticPod;
  if (!pod?.spec?.containers?.[0]?.command?.length)
    throw new Error(`kubeadm manifest ${manifestPath(paths, host, kind)} has no command`);
  return pod;
}

const arg = (name: string, value: string) => ({ name, value });

/** etcdMemberHosts are the hosts running an etcd member, in member order. */
function etcdMemberHosts(topology: LabTopology): LabHost[] {
  return instancesOf(topology, 'etcd').map((m) => hostOf(topology, m.host));
}

/**
 * kubeadmConfig is the InitConfiguration + ClusterConfiguration kubeadm gets on `host`. Everything not set here is
 * kubeadm's default; what is set says why. Etcd members are listed up front with `initial-cluster`, as kubeadm's
 * "HA etcd cluster with kubeadm" guide does, instead of joining one by one (which needs a kubelet to start them).
 */
export function kubeadmConfig(topology: LabTopology, options: LabOptions, paths: LabPaths, host: LabHost): string {
  const members = etcdMemberHosts(topology);
  // A dedicated etcd host runs its member from a local-etcd config; control-plane nodes of an external-etcd lab point
  // at them.
  const external = host.role === 'control-plane' && options.etcdTopology === 'external';
  const featureGates = options.coordinatedLeaderElection
    ? [arg('feature-gates', 'CoordinatedLeaderElection=true')]
    : [];
  const le = options.leaderElection;
  // Only when not upstream's 15/10/2, so the default lab's manifests carry no leader-election flag, as kubeadm's.
  const leaderElection =
    le.leaseDurationSeconds === 15 && le.renewDeadlineSeconds === 10 && le.retryPeriodSeconds === 2
      ? []
      : [
          arg('leader-elect-lease-duration', `${le.leaseDurationSeconds}s`),
          arg('leader-elect-renew-deadline', `${le.renewDeadlineSeconds}s`),
          arg('leader-elect-retry-period', `${le.retryPeriodSeconds}s`),
        ];
  const bindAll = options.profile === 'kubeadm-bind-all' ? [arg('bind-address', '0.0.0.0')] : [];
  const hasLb = topology.hosts.some((h) => h.role === 'load-balancer');
  const init = {
    apiVersion: 'kubeadm.k8s.io/v1beta4',
    kind: 'InitConfiguration',
    localAPIEndpoint: { advertiseAddress: host.ip, bindPort: API_PORT },
    // No kubelet and no runtime here: named so kubeadm does not go looking for a CRI socket.
    nodeRegistration: { name: host.name, criSocket: 'unix:///var/run/containerd/containerd.sock' },
  };
  const cluster = {
    apiVersion: 'kubeadm.k8s.io/v1beta4',
    kind: 'ClusterConfiguration',
    kubernetesVersion: K8S_VERSION,
    clusterName: 'hawk-lab',
    ...(hasLb ? { controlPlaneEndpoint: `${topology.apiEndpoint.ip}:${topology.apiEndpoint.port}` } : {}),
    networking: { serviceSubnet: SERVICE_CIDR, dnsDomain: 'cluster.local' },
    etcd: external
      ? {
          external: {
            endpoints: members.map((m) => `https://${m.ip}:${ETCD_CLIENT_PORT}`),
            caFile: `${ETC_KUBERNETES}/pki/etcd/ca.crt`,
            certFile: `${ETC_KUBERNETES}/pki/apiserver-etcd-client.crt`,
            keyFile: `${ETC_KUBERNETES}/pki/apiserver-etcd-client.key`,
          },
        }
      : {
          local: {
            // Under the lab directory, so `down` removes it with everything else.
            dataDir: join(paths.etcdData, host.name),
            extraArgs: [
              arg('initial-cluster', members.map((m) => `${m.name}=https://${m.ip}:${ETCD_PEER_PORT}`).join(',')),
              arg('initial-cluster-state', 'new'),
            ],
          },
        },
    apiServer: {
      extraArgs: [
        ...featureGates,
        ...(options.coordinatedLeaderElection ? [arg('runtime-config', 'coordination.k8s.io/v1beta1=true')] : []),
      ],
    },
    controllerManager: {
      extraArgs: [
        ...bindAll,
        // No kubelets post heartbeats here: node-lifecycle would mark every Node unreachable and its mirror Pods not
        // ready.
        arg(
          'controllers',
          '*,bootstrapsigner,tokencleaner,-node-lifecycle-controller,-cloud-node-lifecycle-controller',
        ),
        ...leaderElection,
        ...featureGates,
      ],
    },
    scheduler: { extraArgs: [...bindAll, ...leaderElection, ...featureGates] },
  };
  return `${stringify(init)}---\n${stringify(cluster)}`;
}

/**
 * runKubeadm runs `kubeadm <args>` as `host`: in its network namespace (phases that talk to the API use the local
 * apiserver) and a private mount namespace where the node's directory is /etc/kubernetes. `config` defaults to the
 * node's kubeadm.yaml.
 */
export async function runKubeadm(
  paths: LabPaths,
  binDir: string,
  host: LabHost,
  args: readonly string[],
  config = join(nodeDir(paths, host.name), 'kubeadm.yaml'),
): Promise<string> {
  const dir = nodeDir(paths, host.name);
  return must(
    'ip',
    [
      'netns',
      'exec',
      host.netns,
      'unshare',
      '--mount',
      'sh',
      '-c',
      `mount --bind '${dir}' ${ETC_KUBERNETES} && exec "$0" "$@"`,
      join(binDir, 'kubeadm'),
      ...args,
      '--config',
      config,
    ],
    120_000,
  );
}

/** Files kubeadm's HA guide copies from the first control-plane node to the others: the shared CAs and the SA key. */
const SHARED_CONTROL_PLANE_PKI = ['ca.crt', 'ca.key', 'front-proxy-ca.crt', 'front-proxy-ca.key', 'sa.key', 'sa.pub'];
const SHARED_ETCD_PKI = ['etcd/ca.crt', 'etcd/ca.key'];
/** What the external-etcd guide copies from an etcd host to each control-plane node. */
const EXTERNAL_ETCD_CLIENT_PKI = ['etcd/ca.crt', 'apiserver-etcd-client.crt', 'apiserver-etcd-client.key'];

async function copyPki(paths: LabPaths, from: string, to: string, files: readonly string[]): Promise<void> {
  for (const file of files) {
    const target = join(nodeDir(paths, to), 'pki', file);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(nodeDir(paths, from), 'pki', file), target);
  }
}

/**
 * generateWithKubeadm runs kubeadm's phases for every host of the lab: shared CAs once, then per host its leaf
 * certificates, kubeconfigs and static-pod manifests. Afterwards each node directory is what /etc/kubernetes
 * holds on a kubeadm node.
 */
export async function generateWithKubeadm(
  topology: LabTopology,
  options: LabOptions,
  paths: LabPaths,
  binDir: string,
): Promise<void> {
  const controlPlane = topology.hosts.filter((h) => h.role === 'control-plane');
  const members = etcdMemberHosts(topology);
  const external = options.etcdTopology === 'external';
  const kubeadm = (host: LabHost, ...args: string[]) => runKubeadm(paths, binDir, host, args);

  for (const host of [...controlPlane, ...members.filter((m) => m.role === 'etcd')]) {
    await mkdir(nodeDir(paths, host.name), { recursive: true, mode: 0o700 });
    await writeFile(join(nodeDir(paths, host.name), 'kubeadm.yaml'), kubeadmConfig(topology, options, paths, host));
  }

  const first = controlPlane[0]!;
  const firstMember = members[0]!;
  await kubeadm(first, 'init', 'phase', 'certs', 'ca');
  await kubeadm(first, 'init', 'phase', 'certs', 'front-proxy-ca');
  await kubeadm(first, 'init', 'phase', 'certs', 'sa');
  await kubeadm(firstMember, 'init', 'phase', 'certs', 'etcd-ca');
  await Promise.all(
    controlPlane.filter((h) => h !== first).map((h) => copyPki(paths, first.name, h.name, SHARED_CONTROL_PLANE_PKI)),
  );
  await Promise.all(
    members.filter((h) => h !== firstMember).map((h) => copyPki(paths, firstMember.name, h.name, SHARED_ETCD_PKI)),
  );
  if (external) {
    await kubeadm(firstMember, 'init', 'phase', 'certs', 'apiserver-etcd-client');
    await Promise.all(controlPlane.map((h) => copyPki(paths, firstMember.name, h.name, EXTERNAL_ETCD_CLIENT_PKI)));
  }

  const memberPhases = async (host: LabHost) => {
    if (host.role === 'etcd') {
      for (const cert of ['etcd-server', 'etcd-peer', 'etcd-healthcheck-client'])
        await kubeadm(host, 'init', 'phase', 'certs', cert);
    }
    await kubeadm(host, 'init', 'phase', 'etcd', 'local');
  };
  // Nodes are independent once the CAs are shared: all at once (nothing else runs yet).
  const controlPlanePhases = async (host: LabHost) => {
    await kubeadm(host, 'init', 'phase', 'certs', 'all');
    await kubeadm(host, 'init', 'phase', 'kubeconfig', 'all');
    await kubeadm(host, 'init', 'phase', 'control-plane', 'all');
    if (members.includes(host)) await memberPhases(host);
  };
  await Promise.all([
    ...controlPlane.map(controlPlanePhases),
    ...members.filter((m) => m.role === 'etcd').map(memberPhases),
  ]);
}

/**
 * uploadKubeadmConfig creates kube-system/kubeadm-config (and kubeadm's admin ClusterRoleBinding) as `kubeadm init`
 * does.
 */
export async function uploadKubeadmConfig(topology: LabTopology, paths: LabPaths, binDir: string): Promise<void> {
  const first = topology.hosts.find((h) => h.role === 'control-plane')!;
  await runKubeadm(paths, binDir, first, ['init', 'phase', 'upload-config', 'kubeadm']);
}

interface Kubeconfig {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

/**
 * exportAdminIdentity copies the first control-plane node's admin.conf or super-admin.conf (server: the
 * controlPlaneEndpoint) to the lab's kubeconfig path and writes its CA and client pair as files for the lab's own
 * clients. admin.conf needs the ClusterRoleBinding `upload-config` creates; super-admin.conf (system:masters, like
 * k3s's and managed services' admin credentials) is for the shapes that publish nothing of kubeadm's.
 */
export async function exportAdminIdentity(
  topology: LabTopology,
  paths: LabPaths,
  kubeconfig: 'admin.conf' | 'super-admin.conf',
): Promise<void> {
  const first = topology.hosts.find((h) => h.role === 'control-plane')!;
  const text = await readFile(join(nodeDir(paths, first.name), kubeconfig), 'utf8');
  const config = parse(text) as Kubeconfig;
  const decode = (b64: string | undefined, what: string) => {
    if (!b64) throw new Error(`kubeadm's admin.conf has no ${what}`);
    return Buffer.from(b64, 'base64');
  };
  await mkdir(paths.adminPki, { recursive: true, mode: 0o700 });
  await writeFile(paths.adminKubeconfig, text, { mode: 0o600 });
  await writeFile(
    join(paths.adminPki, 'ca.crt'),
    decode(config.clusters[0]?.cluster['certificate-authority-data'], 'CA'),
  );
  await writeFile(
    join(paths.adminPki, 'admin.crt'),
    decode(config.users[0]?.user['client-certificate-data'], 'client certificate'),
    { mode: 0o600 },
  );
  await writeFile(join(paths.adminPki, 'admin.key'), decode(config.users[0]?.user['client-key-data'], 'client key'), {
    mode: 0o600,
  });
}
