import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { HAPROXY_BINARY, LAB_BINARIES } from './paths';
import { run } from './shell';

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** missingPrerequisites lists, in words a person can act on, everything that stops the lab from running here. */
export async function missingPrerequisites(
  binDir: string,
  needsLoadBalancer: boolean,
  needsKubeadm = true,
): Promise<string[]> {
  const missing: string[] = [];
  if (process.getuid?.() !== 0)
    missing.push('the lab needs root (network namespaces, veth links, a bridge): run as root');
  const absent = [];
  for (const b of LAB_BINARIES.filter((b) => needsKubeadm || b !== 'kubeadm'))
    if (!(await executable(join(binDir, b)))) absent.push(b);
  if (absent.length > 0)
    missing.push(`missing ${absent.join(', ')} in ${binDir}: run packages/lab/scripts/build-binaries.sh`);
  if (needsLoadBalancer && !(await executable(HAPROXY_BINARY)))
    missing.push(`haproxy not found at ${HAPROXY_BINARY}: apt-get install haproxy`);
  for (const [tool, pkg] of [
    ['ip', 'iproute2'],
    ['openssl', 'openssl'],
    ['unshare', 'util-linux'],
    ['mount', 'mount'],
  ] as const) {
    if ((await run('sh', ['-c', `command -v ${tool}`])).code !== 0)
      missing.push(`${tool} not found: apt-get install ${pkg}`);
  }
  return missing;
}
