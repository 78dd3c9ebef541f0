import { HOST_LINK_PREFIX, NETNS_PREFIX, NETWORK, type LabHost, type LabTopology } from './topology';
import { must, run } from './shell';

interface IpRoute {
  dst: string;
  dev?: string;
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function cidrRange(cidr: string): [number, number] {
  const [ip, bits] = cidr.split('/');
  const prefix = bits === undefined ? 32 : Number(bits);
  const size = 2 ** (32 - prefix);
  const start = Math.floor(ipv4ToInt(ip!) / size) * size;
  return [start, start + size - 1];
}

/** cidrsOverlap is true when two IPv4 prefixes share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [a0, a1] = cidrRange(a);
  const [b0, b1] = cidrRange(b);
  return a0 <= b1 && b0 <= a1;
}

/** assertSubnetFree fails when the lab subnet overlaps a route of the machine other than the lab's own bridge. */
export async function assertSubnetFree(topology: LabTopology): Promise<void> {
  const routes = JSON.parse(await must('ip', ['-j', '-4', 'route', 'show', 'table', 'all'])) as IpRoute[];
  const clashes = routes.filter(
    (r) =>
      r.dst !== 'default' &&
      r.dev !== topology.bridge &&
      /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(r.dst) &&
      !r.dst.startsWith('127.') &&
      cidrsOverlap(r.dst, topology.subnet),
  );
  if (clashes.length > 0) {
    throw new Error(
      `lab subnet ${topology.subnet} overlaps the machine's routes: ` +
        `${clashes.map((r) => `${r.dst} dev ${r.dev}`).join(', ')}`,
    );
  }
}

export async function listLabNetns(): Promise<string[]> {
  const out = await run('ip', ['netns', 'list']);
  return out.stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(NETNS_PREFIX));
}

async function linkExists(name: string): Promise<boolean> {
  return (await run('ip', ['link', 'show', 'dev', name])).code === 0;
}

/** createNetwork builds the bridge and one namespace + veth per host; existing pieces are kept (idempotent). */
export async function createNetwork(topology: LabTopology): Promise<void> {
  await assertSubnetFree(topology);
  if (!(await linkExists(topology.bridge))) {
    await must('ip', ['link', 'add', topology.bridge, 'address', NETWORK.bridgeMac, 'type', 'bridge']);
  }
  await must('ip', ['link', 'set', 'dev', topology.bridge, 'address', NETWORK.bridgeMac]);
  await run('ip', ['addr', 'replace', `${topology.bridgeIp}/${topology.prefixLength}`, 'dev', topology.bridge]);
  await run('ip', ['addr', 'replace', `${NETWORK.labClientIp}/${topology.prefixLength}`, 'dev', topology.bridge]);
  await must('ip', ['link', 'set', topology.bridge, 'up']);
  const existing = new Set(await listLabNetns());
  await Promise.all(topology.hosts.map((h) => createHostNetwork(topology, h, existing.has(h.netns))));
}

async function createHostNetwork(topology: LabTopology, host: LabHost, netnsExists: boolean): Promise<void> {
  if (!netnsExists) await must('ip', ['netns', 'add', host.netns]);
  const inNs = (...args: string[]) => must('ip', ['-n', host.netns, ...args]);
  if (!(await linkExists(host.hostLink))) {
    // The namespace end is created as eth0 directly inside the namespace, so no temporary name leaks onto the host.
    await must('ip', ['link', 'add', host.hostLink, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host.netns]);
  }
  await must('ip', ['link', 'set', host.hostLink, 'master', topology.bridge]);
  await must('ip', ['link', 'set', host.hostLink, 'up']);
  await inNs('link', 'set', 'lo', 'up');
  await inNs('addr', 'replace', `${host.ip}/${topology.prefixLength}`, 'dev', 'eth0');
  await inNs('link', 'set', 'eth0', 'up');
}

/**
 * verifyNetwork is the guard before any component starts or address is handed out: every host must be on the lab
 * bridge.
 */
export async function verifyNetwork(topology: LabTopology): Promise<string[]> {
  const problems: string[] = [];
  const bridge = await run('ip', ['-j', '-4', 'addr', 'show', 'dev', topology.bridge]);
  if (bridge.code !== 0 || !bridge.stdout.includes(`"${topology.bridgeIp}"`))
    problems.push(`bridge ${topology.bridge} with ${topology.bridgeIp} is missing`);
  else if (!bridge.stdout.includes(`"${NETWORK.labClientIp}"`))
    problems.push(`bridge ${topology.bridge} lacks the lab's client address ${NETWORK.labClientIp}`);
  const link = await run('ip', ['-j', 'link', 'show', 'dev', topology.bridge]);
  if (link.code === 0 && !link.stdout.includes(`"address":"${NETWORK.bridgeMac}"`))
    problems.push(`bridge ${topology.bridge}'s MAC is not the lab's fixed ${NETWORK.bridgeMac}`);
  const namespaces = new Set(await listLabNetns());
  for (const h of topology.hosts) {
    if (!namespaces.has(h.netns)) {
      problems.push(`network namespace ${h.netns} is missing`);
      continue;
    }
    const addr = await run('ip', ['-n', h.netns, '-j', '-4', 'addr', 'show', 'dev', 'eth0']);
    if (addr.code !== 0 || !addr.stdout.includes(`"${h.ip}"`)) problems.push(`${h.netns} has no ${h.ip} on eth0`);
    const master = await run('ip', ['-j', 'link', 'show', 'dev', h.hostLink]);
    if (master.code !== 0 || !master.stdout.includes(`"master":"${topology.bridge}"`))
      problems.push(`${h.hostLink} is not on ${topology.bridge}`);
  }
  return problems;
}

/**
 * refuseHostClients makes every control-plane and etcd host reset TCP connections from the host side's main address
 * (where hawk runs), as a managed control plane is out of reach: only the LB, the hosts themselves and the lab's own
 * client address get through.
 */
export async function refuseHostClients(topology: LabTopology): Promise<void> {
  for (const h of topology.hosts.filter((x) => x.role !== 'load-balancer')) {
    await must('ip', [
      'netns',
      'exec',
      h.netns,
      'iptables',
      '-A',
      'INPUT',
      '-s',
      topology.bridgeIp,
      '-p',
      'tcp',
      '-j',
      'REJECT',
      '--reject-with',
      'tcp-reset',
    ]);
  }
}

export async function setHostLink(host: LabHost, up: boolean): Promise<void> {
  await must('ip', ['link', 'set', host.hostLink, up ? 'up' : 'down']);
}

export async function isHostLinkUp(host: LabHost): Promise<boolean> {
  const out = await run('ip', ['-j', 'link', 'show', 'dev', host.hostLink]);
  if (out.code !== 0) return false;
  const [link] = JSON.parse(out.stdout) as { flags?: string[] }[];
  return link?.flags?.includes('UP') ?? false;
}

/** destroyNetwork removes every lab namespace, host link and the bridge, including ones from a crashed earlier run. */
export async function destroyNetwork(bridge: string): Promise<void> {
  for (const ns of await listLabNetns()) await run('ip', ['netns', 'del', ns]);
  const links = JSON.parse((await run('ip', ['-j', 'link', 'show'])).stdout || '[]') as { ifname: string }[];
  for (const link of links) {
    if (link.ifname.startsWith(HOST_LINK_PREFIX) || link.ifname === bridge)
      await run('ip', ['link', 'del', link.ifname]);
  }
}
