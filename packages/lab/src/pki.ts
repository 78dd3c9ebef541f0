import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { must } from './shell';
import { type LabTopology, instancesOf, hostOf } from './topology';

/** The first address of the service range: the `kubernetes` Service's ClusterIP, which the serving cert must name. */
export const SERVICE_CIDR = '10.96.0.0/12';
const KUBERNETES_SERVICE_IP = '10.96.0.1';
const VALIDITY_DAYS = '3650';

export interface CertPair {
  readonly cert: string;
  readonly key: string;
}

/** LabPki names every file that generatePki writes, kubeadm's layout flattened into one directory. */
export interface LabPki {
  readonly ca: CertPair;
  readonly apiserver: CertPair;
  readonly apiserverEtcdClient: CertPair;
  readonly admin: CertPair;
  readonly controllerManager: CertPair;
  readonly scheduler: CertPair;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
  readonly etcdCa: CertPair;
  /** The client cert kubeadm gives etcd health checks; the lab's own etcd client and `lab env` use it. */
  readonly etcdHealthcheckClient: CertPair;
  etcdServer(member: string): CertPair;
  etcdPeer(member: string): CertPair;
}

export function pkiLayout(dir: string): LabPki {
  const pair = (name: string): CertPair => ({ cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) });
  return {
    ca: pair('ca'),
    apiserver: pair('apiserver'),
    apiserverEtcdClient: pair('apiserver-etcd-client'),
    admin: pair('admin'),
    controllerManager: pair('controller-manager'),
    scheduler: pair('scheduler'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPub: join(dir, 'sa.pub'),
    etcdCa: pair('etcd-ca'),
    etcdHealthcheckClient: pair('etcd-healthcheck-client'),
    etcdServer: (member) => pair(`etcd-server-${member}`),
    etcdPeer: (member) => pair(`etcd-peer-${member}`),
  };
}

export interface CertRequest {
  readonly out: CertPair;
  readonly subject: Record<string, string>;
  readonly usage: 'ca' | 'server' | 'client' | 'server-client';
  readonly sans?: readonly string[];
  readonly signer?: CertPair;
}

const EXTENDED_USAGE = {
  server: 'serverAuth',
  client: 'clientAuth',
  'server-client': 'serverAuth,clientAuth',
} as const;

function opensslConfig(req: CertRequest): string {
  // Subject keys are ordered as given: O before CN, as Kubernetes reads groups from O.
  const dn = Object.entries(req.subject).map(([k, v]) => `${k} = ${v}`);
  const ext =
    req.usage === 'ca'
      ? [
          'basicConstraints = critical,CA:TRUE',
          'keyUsage = critical,keyCertSign,cRLSign,digitalSignature',
          'subjectKeyIdentifier = hash',
        ]
      : [
          'basicConstraints = critical,CA:FALSE',
          'keyUsage = critical,digitalSignature,keyEncipherment',
          `extendedKeyUsage = ${EXTENDED_USAGE[req.usage]}`,
          'authorityKeyIdentifier = keyid',
          ...(req.sans?.length ? [`subjectAltName = ${req.sans.join(',')}`] : []),
        ];
  return ['[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', ...dn, '[ext]', ...ext, ''].join('\n');
}

/**
 * issue writes a P-256 key and a certificate in one openssl call (OpenSSL 3 `req -x509 -CA`); P-256 keeps generation
 * instant.
 */
export async function issue(req: CertRequest): Promise<void> {
  const config = `${req.out.cert}.cnf`;
  await writeFile(config, opensslConfig(req));
  const signer = req.signer ? ['-CA', req.signer.cert, '-CAkey', req.signer.key] : [];
  await must('openssl', [
    'req',
    '-x509',
    '-new',
    '-config',
    config,
    '-extensions',
    'ext',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-noenc',
    '-keyout',
    req.out.key,
    '-out',
    req.out.cert,
    '-days',
    VALIDITY_DAYS,
    ...signer,
  ]);
}

const ip = (address: string) => `IP:${address}`;
const dns = (name: string) => `DNS:${name}`;

/** generatePki writes a fresh CA, etcd CA and every leaf the lab needs. CAs first, then all leaves at once. */
export async function generatePki(dir: string, topology: LabTopology): Promise<LabPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pki = pkiLayout(dir);
  await Promise.all([
    issue({ out: pki.ca, subject: { CN: 'kubernetes' }, usage: 'ca' }),
    issue({ out: pki.etcdCa, subject: { CN: 'etcd-ca' }, usage: 'ca' }),
    (async () => {
      await must('openssl', [
        'genpkey',
        '-algorithm',
        'EC',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-out',
        pki.serviceAccountKey,
      ]);
      await must('openssl', ['pkey', '-in', pki.serviceAccountKey, '-pubout', '-out', pki.serviceAccountPub]);
    })(),
  ]);

  const controlPlane = topology.hosts.filter((h) => h.role !== 'etcd');
  const apiserverSans = [
    ...[
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
      'localhost',
    ].map(dns),
    ...controlPlane.map((h) => dns(h.name)),
    ip('127.0.0.1'),
    ip(KUBERNETES_SERVICE_IP),
    ...controlPlane.map((h) => ip(h.ip)),
  ];
  const leaves: CertRequest[] = [
    { out: pki.apiserver, subject: { CN: 'kube-apiserver' }, usage: 'server', sans: apiserverSans, signer: pki.ca },
    { out: pki.admin, subject: { O: 'system:masters', CN: 'kubernetes-admin' }, usage: 'client', signer: pki.ca },
    { out: pki.controllerManager, subject: { CN: 'system:kube-controller-manager' }, usage: 'client', signer: pki.ca },
    { out: pki.scheduler, subject: { CN: 'system:kube-scheduler' }, usage: 'client', signer: pki.ca },
    {
      out: pki.apiserverEtcdClient,
      subject: { CN: 'kube-apiserver-etcd-client' },
      usage: 'client',
      signer: pki.etcdCa,
    },
    {
      out: pki.etcdHealthcheckClient,
      subject: { CN: 'kube-etcd-healthcheck-client' },
      usage: 'client',
      signer: pki.etcdCa,
    },
  ];
  for (const member of instancesOf(topology, 'etcd')) {
    const h = hostOf(topology, member.host);
    const sans = [dns(h.name), dns('localhost'), ip(h.ip), ip('127.0.0.1')];
    leaves.push({
      out: pki.etcdServer(h.name),
      subject: { CN: h.name },
      usage: 'server-client',
      sans,
      signer: pki.etcdCa,
    });
    leaves.push({
      out: pki.etcdPeer(h.name),
      subject: { CN: h.name },
      usage: 'server-client',
      sans,
      signer: pki.etcdCa,
    });
  }
  await Promise.all(leaves.map(issue));
  return pki;
}
