import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { nodeDir, runKubeadm } from './kubeadm';
import type { LabPaths } from './paths';
import type { LabHost } from './topology';

/**
 * The serving certificates the lab re-issues, by the component serving them: kubeadm's name for `kubeadm certs renew`
 * and the file under the node's pki directory.
 */
const SERVING_CERTIFICATES = {
  'kube-apiserver': { name: 'apiserver', file: 'apiserver.crt' },
  etcd: { name: 'etcd-server', file: 'etcd/server.crt' },
} as const;

export type ServingKind = keyof typeof SERVING_CERTIFICATES;
export const SERVING_KINDS = Object.keys(SERVING_CERTIFICATES) as ServingKind[];

/** kubeadm's certificateValidityPeriod when none is set (8760h): what the lab's kubeadm.yaml leaves it at. */
export const KUBEADM_VALIDITY_HOURS = 8_760;

export interface IssuedCertificate {
  readonly certificate: string;
  readonly serialNumber: string;
  readonly notAfter: string;
  /** From notBefore to notAfter; kubeadm backdates notBefore by minutes, so a year reads a little over 8760. */
  readonly validityHours: number;
}

export const servingCertificateName = (kind: ServingKind): string => SERVING_CERTIFICATES[kind].name;

function servingCertificatePath(paths: LabPaths, host: string, kind: ServingKind): string {
  return join(nodeDir(paths, host), 'pki', SERVING_CERTIFICATES[kind].file);
}

/** readServingCertificate reads `kind`'s serving certificate file on `host`; undefined when there is none. */
export async function readServingCertificate(
  paths: LabPaths,
  host: string,
  kind: ServingKind,
): Promise<IssuedCertificate | undefined> {
  const pem = await readFile(servingCertificatePath(paths, host, kind)).catch(() => undefined);
  if (!pem) return undefined;
  const x509 = new X509Certificate(pem);
  const notAfter = Date.parse(x509.validTo);
  return {
    certificate: servingCertificateName(kind),
    serialNumber: x509.serialNumber,
    notAfter: new Date(notAfter).toISOString(),
    validityHours: (notAfter - Date.parse(x509.validFrom)) / 3_600_000,
  };
}

/** Shorter than kubeadm's year: only the lab's certificate fault issues those. */
export const isShortened = (issued: IssuedCertificate): boolean => issued.validityHours < KUBEADM_VALIDITY_HOURS;

/**
 * reissueServingCertificate has kubeadm itself renew `kind`'s serving certificate on `host` (`kubeadm certs renew`,
 * signed by the node's CA, same SANs, a new key) for `validityHours`, set as ClusterConfiguration's
 * certificateValidityPeriod in a copy of the node's config; without it, for kubeadm's default year. The running
 * process serves the old certificate until it restarts.
 */
export async function reissueServingCertificate(
  paths: LabPaths,
  binDir: string,
  host: LabHost,
  kind: ServingKind,
  validityHours?: number,
): Promise<IssuedCertificate> {
  const args = ['certs', 'renew', servingCertificateName(kind)];
  if (validityHours === undefined) await runKubeadm(paths, binDir, host, args);
  else {
    const dir = nodeDir(paths, host.name);
    const documents = parseAllDocuments(await readFile(join(dir, 'kubeadm.yaml'), 'utf8'));
    for (const document of documents) {
      if (document.get('kind') === 'ClusterConfiguration')
        document.set('certificateValidityPeriod', `${validityHours}h`);
    }
    const config = join(dir, 'kubeadm-short-validity.yaml');
    await writeFile(config, documents.map(String).join('---\n'));
    await runKubeadm(paths, binDir, host, args, config);
  }
  const issued = await readServingCertificate(paths, host.name, kind);
  if (!issued)
    throw new Error(`kubeadm certs renew left no ${servingCertificateName(kind)} certificate on ${host.name}`);
  return issued;
}
