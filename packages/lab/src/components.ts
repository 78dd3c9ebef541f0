import { join } from 'node:path';
import type { LabOptions } from './options';
import type { LabPaths } from './paths';
import { HAPROXY_BINARY, K3S_LEASE_HOLDER } from './paths';
import { SERVICE_CIDR, pkiLayout } from './pki';
import { readStaticPod, nodeDir } from './kubeadm';
import {
  API_PORT,
  CONTROLLER_MANAGER_PORT,
  ETCD_CLIENT_PORT,
  ETCD_METRICS_PORT,
  ETCD_PEER_PORT,
  HAPROXY_STATS_PORT,
  SCHEDULER_PORT,
  type ComponentInstance,
  type LabTopology,
  hostOf,
  instancesOf,
} from './topology';

/**
 * Controllers that need a kubelet or a cloud: without kubelets posting heartbeats the node lifecycle controller
 * would mark every Node unreachable and evict the mirror Pods, which would erase the placement evidence.
 */
const DISABLED_CONTROLLERS = [
  '-node-lifecycle-controller',
  '-cloud-node-lifecycle-controller',
  '-node-route-controller',
  '-service-lb-controller',
];

export interface CommandLine {
  readonly binary: string;
  readonly args: readonly string[];
  /** A directory the process sees as /etc/kubernetes (a kubeadm node's), through a private mount namespace. */
  readonly etcKubernetes?: string;
}

const seconds = (s: number) => `${s}s`;

/**
 * commandLine is what runs for one instance; the mirror Pod shows the same command. kubeadm-made labs take it from
 * kubeadm's static-pod manifest on that node, unchanged; the hand-made lab builds its flags here (pure).
 */
export function commandLine(
  instance: ComponentInstance,
  topology: LabTopology,
  options: LabOptions,
  paths: LabPaths,
  binDir: string,
): CommandLine {
  if (instance.kind !== 'haproxy' && instance.kind !== 'k3s-lease-holder' && options.profile !== 'hand-made') {
    const [name, ...args] = readStaticPod(paths, instance.host, instance.kind).spec.containers[0]!.command;
    return { binary: join(binDir, name!), args, etcKubernetes: nodeDir(paths, instance.host) };
  }
  const pki = pkiLayout(paths.pki);
  const host = hostOf(topology, instance.host);
  const etcdMembers = instancesOf(topology, 'etcd').map((m) => hostOf(topology, m.host));
  const bin = (name: string) => join(binDir, name);
  const featureGates = options.coordinatedLeaderElection ? ['--feature-gates=CoordinatedLeaderElection=true'] : [];
  const le = options.leaderElection;
  const leaderElection = [
    '--leader-elect=true',
    `--leader-elect-lease-duration=${seconds(le.leaseDurationSeconds)}`,
    `--leader-elect-renew-deadline=${seconds(le.renewDeadlineSeconds)}`,
    `--leader-elect-retry-period=${seconds(le.retryPeriodSeconds)}`,
  ];

  switch (instance.kind) {
    case 'etcd':
      return {
        binary: bin('etcd'),
        args: [
          `--name=${host.name}`,
          `--data-dir=${join(paths.etcdData, host.name)}`,
          `--listen-client-urls=https://127.0.0.1:${ETCD_CLIENT_PORT},https://${host.ip}:${ETCD_CLIENT_PORT}`,
          `--advertise-client-urls=https://${host.ip}:${ETCD_CLIENT_PORT}`,
          `--listen-peer-urls=https://${host.ip}:${ETCD_PEER_PORT}`,
          `--initial-advertise-peer-urls=https://${host.ip}:${ETCD_PEER_PORT}`,
          `--initial-cluster=${etcdMembers.map((m) => `${m.name}=https://${m.ip}:${ETCD_PEER_PORT}`).join(',')}`,
          '--initial-cluster-state=new',
          '--initial-cluster-token=hawk-lab',
          `--listen-metrics-urls=http://127.0.0.1:${ETCD_METRICS_PORT},http://${host.ip}:${ETCD_METRICS_PORT}`,
          '--client-cert-auth=true',
          `--cert-file=${pki.etcdServer(host.name).cert}`,
          `--key-file=${pki.etcdServer(host.name).key}`,
          `--trusted-ca-file=${pki.etcdCa.cert}`,
          '--peer-client-cert-auth=true',
          `--peer-cert-file=${pki.etcdPeer(host.name).cert}`,
          `--peer-key-file=${pki.etcdPeer(host.name).key}`,
          `--peer-trusted-ca-file=${pki.etcdCa.cert}`,
          '--snapshot-count=10000',
        ],
      };
    case 'kube-apiserver':
      return {
        binary: bin('kube-apiserver'),
        args: [
          `--advertise-address=${host.ip}`,
          `--secure-port=${API_PORT}`,
          '--allow-privileged=true',
          '--authorization-mode=Node,RBAC',
          `--client-ca-file=${pki.ca.cert}`,
          '--enable-admission-plugins=NodeRestriction',
          '--enable-bootstrap-token-auth=true',
          `--etcd-servers=${etcdMembers.map((m) => `https://${m.ip}:${ETCD_CLIENT_PORT}`).join(',')}`,
          `--etcd-cafile=${pki.etcdCa.cert}`,
          `--etcd-certfile=${pki.apiserverEtcdClient.cert}`,
          `--etcd-keyfile=${pki.apiserverEtcdClient.key}`,
          // Lease reconciliation is what makes default/kubernetes list every live apiserver.
          '--endpoint-reconciler-type=lease',
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          `--service-account-key-file=${pki.serviceAccountPub}`,
          `--service-account-signing-key-file=${pki.serviceAccountKey}`,
          `--service-cluster-ip-range=${SERVICE_CIDR}`,
          `--tls-cert-file=${pki.apiserver.cert}`,
          `--tls-private-key-file=${pki.apiserver.key}`,
          ...featureGates,
          ...(options.coordinatedLeaderElection ? ['--runtime-config=coordination.k8s.io/v1beta1=true'] : []),
        ],
      };
    case 'kube-controller-manager':
      return {
        binary: bin('kube-controller-manager'),
        args: [
          `--kubeconfig=${paths.controllerManagerKubeconfig}`,
          `--authentication-kubeconfig=${paths.controllerManagerKubeconfig}`,
          `--authorization-kubeconfig=${paths.controllerManagerKubeconfig}`,
          // All addresses of the node's own namespace, so the host can probe /healthz at the node IP.
          '--bind-address=0.0.0.0',
          `--secure-port=${CONTROLLER_MANAGER_PORT}`,
          `--client-ca-file=${pki.ca.cert}`,
          `--cluster-signing-cert-file=${pki.ca.cert}`,
          `--cluster-signing-key-file=${pki.ca.key}`,
          `--root-ca-file=${pki.ca.cert}`,
          `--service-account-private-key-file=${pki.serviceAccountKey}`,
          `--service-cluster-ip-range=${SERVICE_CIDR}`,
          '--cluster-name=hawk-lab',
          `--controllers=*,${DISABLED_CONTROLLERS.join(',')}`,
          '--use-service-account-credentials=false',
          ...leaderElection,
          ...featureGates,
        ],
      };
    case 'kube-scheduler':
      return {
        binary: bin('kube-scheduler'),
        args: [
          `--kubeconfig=${paths.schedulerKubeconfig}`,
          `--authentication-kubeconfig=${paths.schedulerKubeconfig}`,
          `--authorization-kubeconfig=${paths.schedulerKubeconfig}`,
          '--bind-address=0.0.0.0',
          `--secure-port=${SCHEDULER_PORT}`,
          ...leaderElection,
          ...featureGates,
        ],
      };
    case 'haproxy':
      return { binary: HAPROXY_BINARY, args: ['-f', paths.haproxyConfig, '-db'] };
    case 'k3s-lease-holder':
      // Against the node's own apiserver, as the k3s server process on that node would.
      return {
        binary: process.execPath,
        args: [
          K3S_LEASE_HOLDER,
          `https://${host.ip}:${API_PORT}`,
          join(paths.adminPki, 'ca.crt'),
          join(paths.adminPki, 'admin.crt'),
          join(paths.adminPki, 'admin.key'),
          host.name,
          'k3s',
          'k3s-etcd',
        ],
      };
  }
}

/** haproxyConfig is kubeadm's HA guide LB: TCP pass-through, health-checked on each apiserver's /readyz. */
export function haproxyConfig(topology: LabTopology): string {
  const apiservers = instancesOf(topology, 'kube-apiserver').map((c) => hostOf(topology, c.host));
  const lb = topology.apiEndpoint;
  return [
    'global',
    '  maxconn 4000',
    '  log stderr format short local0 info',
    'defaults',
    '  mode tcp',
    '  log global',
    '  option tcplog',
    '  timeout connect 2s',
    // Watches are long-lived: idle timeouts shorter than a watch would cut them for no reason.
    '  timeout client 1h',
    '  timeout server 1h',
    'frontend stats',
    '  mode http',
    `  bind ${lb.ip}:${HAPROXY_STATS_PORT}`,
    '  stats enable',
    '  stats uri /stats',
    '  http-request return status 200 content-type text/plain string ok if { path /healthz }',
    'frontend kube-apiserver',
    `  bind ${lb.ip}:${lb.port}`,
    '  default_backend kube-apiserver',
    'backend kube-apiserver',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    '  balance roundrobin',
    ...apiservers.map(
      (h) => `  server ${h.name} ${h.ip}:${API_PORT} check check-ssl verify none inter 1s fall 2 rise 2`,
    ),
    '',
  ].join('\n');
}
