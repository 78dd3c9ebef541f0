import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { connect as connectTcp, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { ClusterState } from '@hawk/core';
import { ensureLab, type Lab } from '@hawk/lab';
import { resolveClusters, type ClusterTarget } from '../../src/clusters/resolve-clusters';
import { loadEnv } from '../../src/env';
import { createClusterHub, type SourcesHub } from '../../src/hub/index';

// Issue 24, section 2, against the lab's apiservers: several kubeconfig files naming the same things, a
// cluster's proxy-url through a real HTTP CONNECT proxy, and an exec credential plugin, each proven by
// what reached the lab (which address answered, which tunnels the proxy opened, what the plugin's
// credential was allowed to read).

interface KubeconfigDocument {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context'?: string;
}

let lab: Lab;
let dir: string;
const hubs: SourcesHub[] = [];
const targets: ClusterTarget[] = [];

beforeAll(async () => {
  lab = await ensureLab();
  await lab.fault.heal();
  dir = mkdtempSync(join(tmpdir(), 'hawk-kubeconfig-lab-'));
});
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((hub) => hub.stop()));
  await Promise.all(targets.splice(0).map((target) => target.kube?.close()));
});
afterAll(async () => {
  await lab?.fault.heal();
});

/** A copy of the lab's admin kubeconfig (kubeadm's admin.conf: the same names in every copy), changed by `change`. */
function kubeconfigFile(name: string, change: (document: KubeconfigDocument) => void = () => undefined): string {
  const document = parse(readFileSync(lab.kubeconfigPath, 'utf8')) as KubeconfigDocument;
  change(document);
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'config'), stringify(document), { mode: 0o600 });
  return join(folder, 'config');
}

function recordingLogger() {
  const lines: { level: string; message: string; fields: object }[] = [];
  const record = (level: string) => (fields: object, message: string) => {
    lines.push({ level, message, fields });
    if (level !== 'debug' && level !== 'info') console.log(`[hub ${level}] ${message} ${JSON.stringify(fields)}`);
  };
  return {
    lines,
    logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
  };
}

async function startHub(kubeconfig: string, logger = recordingLogger().logger): Promise<SourcesHub> {
  const env = loadEnv({ ...lab.env(), KUBECONFIG: kubeconfig, HAWK_CONFIG: '', HAWK_CONTEXTS: '' });
  const hub = createClusterHub({ env, probeIntervalMs: 1000, logger });
  hubs.push(hub);
  await hub.start();
  return hub;
}

function resolve(kubeconfig: string): ClusterTarget[] {
  const resolved = resolveClusters({ env: loadEnv({ KUBECONFIG: kubeconfig }) });
  targets.push(...resolved);
  return resolved;
}

async function until(
  hub: SourcesHub,
  id: string,
  description: string,
  predicate: (state: ClusterState) => boolean,
  timeoutMs = 60_000,
): Promise<ClusterState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = hub.get(id);
    if (state && predicate(state)) return state;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${id}: ${description}; reachability ` +
          `${JSON.stringify(state?.reachability)}, sources ${JSON.stringify(state?.sources)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Watched: reachable, and every apiserver of the lab serving. */
const watched = (state: ClusterState) =>
  state.reachability.state === 'reachable' && state.apiServers.serving === lab.nodes.length;

describe('KUBECONFIG=a:b, two copies of the lab admin.conf: one at the LB, one at an apiserver directly', () => {
  it('watches both contexts, each reaching its own server, and warns once about the clash', async () => {
    const viaLb = kubeconfigFile('via-lb');
    // The first apiserver's address, from the API itself (the kubernetes Endpoints).
    const [probe] = resolve(viaLb);
    const endpoints = (await (
      await probe!.kube!.open('/api/v1/namespaces/default/endpoints/kubernetes', { headersTimeoutMs: 5000 })
    ).body.json()) as {
      subsets: { addresses: { ip: string }[]; ports: { port: number }[] }[];
    };
    const apiserver = `https://${endpoints.subsets[0]!.addresses[0]!.ip}:${endpoints.subsets[0]!.ports[0]!.port}`;
    expect(apiserver).not.toBe(lab.apiServerUrl);
    const direct = kubeconfigFile('direct', (document) => {
      document.clusters[0]!.cluster.server = apiserver;
    });
    const { name: contextName } = (parse(readFileSync(viaLb, 'utf8')) as KubeconfigDocument).contexts[0]!;
    const both = [viaLb, direct].join(delimiter);

    const { lines, logger } = recordingLogger();
    const hub = await startHub(both, logger);
    const ids = hub.list().map((state) => state.identity.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    const states = await Promise.all(
      ids.map((id) => until(hub, id, 'reachable with every apiserver serving', watched)),
    );
    expect(states.map((state) => [state.identity.context, state.identity.server])).toEqual([
      [contextName, lab.apiServerUrl],
      [`${contextName}-2`, apiserver],
    ]);
    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings.filter((line) => line.message.includes('repeats names'))).toHaveLength(1);
    expect(warnings[0]?.message).toContain(
      `kubeconfig ${direct} repeats names of ${viaLb}: context "${contextName}" (watched as "${contextName}-2")`,
    );
    // Names and files only: the admin's client certificate and key are in both files, and in no log line.
    const secret = String(
      (parse(readFileSync(viaLb, 'utf8')) as KubeconfigDocument).users[0]!.user['client-key-data'] ?? 'BEGIN',
    );
    expect(JSON.stringify(lines)).not.toContain(secret.slice(0, 40));

    // Each context's client asks its own server first, and that server answered.
    const answered = await Promise.all(
      resolve(both).map(async (target) => {
        const response = await target.kube!.open('/readyz', { headersTimeoutMs: 5000 });
        return [target.server, response.base, response.status, await response.body.text()];
      }),
    );
    expect(answered).toEqual([
      [lab.apiServerUrl, lab.apiServerUrl, 200, 'ok'],
      [apiserver, apiserver, 200, 'ok'],
    ]);
  });
});

/**
 * An HTTP CONNECT proxy on loopback that tunnels to the lab's hosts only, requires a password, and counts its tunnels.
 */
async function startProxy(allowed: ReadonlySet<string>, credentials: string) {
  const tunnels = new Map<string, number>();
  const open = new Set<Socket>();
  let refused = 0;
  const server = createServer((_request, response) => response.writeHead(405).end());
  server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    const target = new URL(`http://${request.url ?? ''}`);
    const authorized =
      request.headers['proxy-authorization'] === `Basic ${Buffer.from(credentials).toString('base64')}`;
    if (!authorized || !allowed.has(target.hostname)) {
      refused++;
      client.end(`HTTP/1.1 ${authorized ? 403 : 407} Refused\r\n\r\n`);
      return;
    }
    tunnels.set(target.host, (tunnels.get(target.host) ?? 0) + 1);
    const upstream = connectTcp(Number(target.port), target.hostname, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    open.add(upstream);
    upstream.once('close', () => open.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    tunnels,
    refused: () => refused,
    /** Stops accepting and cuts every tunnel. */
    close: () => {
      server.close();
      for (const socket of open) socket.destroy();
    },
  };
}

/** A SOCKS5 proxy (RFC 1928, username and password per RFC 1929) with the same rules, IPv4 targets only. */
async function startSocksProxy(allowed: ReadonlySet<string>, username: string, password: string) {
  const tunnels = new Map<string, number>();
  const open = new Set<Socket>();
  const server = createTcpServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    let step: 'greeting' | 'auth' | 'request' = 'greeting';
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (step === 'greeting') {
        if (buffer.length < 2 || buffer.length < 2 + buffer[1]!) return;
        const methods = [...buffer.subarray(2, 2 + buffer[1]!)];
        buffer = buffer.subarray(2 + buffer[1]!);
        if (!methods.includes(2)) return void client.end(Buffer.from([5, 0xff]));
        client.write(Buffer.from([5, 2]));
        step = 'auth';
      }
      if (step === 'auth') {
        const userLength = buffer[1] ?? 0;
        const passwordLength = buffer[2 + userLength];
        if (passwordLength === undefined || buffer.length < 3 + userLength + passwordLength) return;
        const user = buffer.subarray(2, 2 + userLength).toString();
        const pass = buffer.subarray(3 + userLength, 3 + userLength + passwordLength).toString();
        buffer = buffer.subarray(3 + userLength + passwordLength);
        if (user !== username || pass !== password) return void client.end(Buffer.from([1, 1]));
        client.write(Buffer.from([1, 0]));
        step = 'request';
      }
      if (buffer.length < 10) return;
      client.off('data', onData);
      const host = [...buffer.subarray(4, 8)].join('.');
      const port = buffer.readUInt16BE(8);
      const rest = buffer.subarray(10);
      if (buffer[3] !== 1 || !allowed.has(host)) return void client.end(Buffer.from([5, 2, 0, 1, 0, 0, 0, 0, 0, 0]));
      tunnels.set(`${host}:${port}`, (tunnels.get(`${host}:${port}`) ?? 0) + 1);
      const upstream = connectTcp(port, host, () => {
        client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
        if (rest.length > 0) upstream.write(rest);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      open.add(upstream);
      upstream.once('close', () => open.delete(upstream));
      upstream.on('error', () => client.destroy());
    };
    client.on('data', onData);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    tunnels,
    close: () => {
      server.close();
      for (const socket of open) socket.destroy();
    },
  };
}

describe("a cluster's proxy-url", () => {
  it('carries every connection of the cluster through the proxy: the front door and each apiserver', async () => {
    const proxy = await startProxy(new Set(lab.topology.hosts.map((host) => host.ip)), 'hawk:proxy-secret');
    try {
      const file = kubeconfigFile('proxied', (document) => {
        document.clusters[0]!.cluster['proxy-url'] = `http://hawk:proxy-secret@127.0.0.1:${proxy.port}`;
      });
      const hub = await startHub(file);
      const id = hub.list()[0]!.identity.id;
      const state = await until(hub, id, 'reachable through the proxy', watched);
      const frontDoor = new URL(lab.apiServerUrl).host;
      const instances = state.apiServers.instances.map((instance) => `${instance.address}:${instance.port}`);
      console.log(`[proxy] tunnels: ${JSON.stringify(Object.fromEntries(proxy.tunnels))}`);
      expect(proxy.tunnels.get(frontDoor)).toBeGreaterThan(0);
      // The probes' own connections to each apiserver went through it too.
      for (const instance of instances) expect(proxy.tunnels.get(instance), instance).toBeGreaterThan(0);
      expect(proxy.refused()).toBe(0);
      expect(JSON.stringify(hub.list())).not.toContain('proxy-secret');

      // No way around it: with the proxy gone, the cluster is unreachable.
      proxy.close();
      const cut = await until(
        hub,
        id,
        'unreachable once the proxy is gone',
        (current) => current.reachability.state === 'unreachable',
      );
      console.log(`[proxy] after the proxy left: ${JSON.stringify(cut.reachability)}`);
      expect(JSON.stringify(cut)).not.toContain('proxy-secret');
    } finally {
      proxy.close();
    }
  });

  it('speaks SOCKS5 to a socks5:// proxy, with its username and password', async () => {
    const proxy = await startSocksProxy(new Set(lab.topology.hosts.map((host) => host.ip)), 'hawk', 'socks-secret');
    try {
      const file = kubeconfigFile('socks', (document) => {
        document.clusters[0]!.cluster['proxy-url'] = `socks5://hawk:socks-secret@127.0.0.1:${proxy.port}`;
      });
      const hub = await startHub(file);
      const id = hub.list()[0]!.identity.id;
      const state = await until(hub, id, 'reachable through the SOCKS proxy', watched);
      console.log(`[socks] tunnels: ${JSON.stringify(Object.fromEntries(proxy.tunnels))}`);
      expect(proxy.tunnels.get(new URL(lab.apiServerUrl).host)).toBeGreaterThan(0);
      for (const instance of state.apiServers.instances)
        expect(proxy.tunnels.get(`${instance.address}:${instance.port}`)).toBeGreaterThan(0);
    } finally {
      proxy.close();
    }
  });
});

describe('an exec credential plugin', () => {
  /**
   * Writes `name` next to its kubeconfig: a script printing `status` as an ExecCredential, noting each run and
   * KUBERNETES_EXEC_INFO.
   */
  function pluginKubeconfig(
    name: string,
    status: Record<string, string>,
    context: string,
  ): { file: string; folder: string } {
    const folder = join(dir, name);
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'credential.json'),
      JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status }),
      { mode: 0o600 },
    );
    const script = [
      '#!/bin/sh',
      'here=$(dirname "$0")',
      'echo run >> "$here/runs"',
      'printf "%s" "$KUBERNETES_EXEC_INFO" > "$here/exec-info.json"',
      'cat "$here/credential.json"',
      '',
    ].join('\n');
    writeFileSync(join(folder, 'plugin'), script);
    chmodSync(join(folder, 'plugin'), 0o755);
    const file = kubeconfigFile(name, (document) => {
      // The plugin is the only credential: the admin's certificate and key leave the kubeconfig.
      document.users[0]!.user = {
        exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './plugin', interactiveMode: 'Never' },
      };
      document.contexts[0]!.name = context;
      document['current-context'] = context;
    });
    return { file, folder };
  }

  it("authenticates with the plugin's certificate, and a missing plugin is its cluster's error", async () => {
    const admin = lab.adminTls;
    const plugin = pluginKubeconfig(
      'exec',
      { clientCertificateData: readFileSync(admin.cert, 'utf8'), clientKeyData: readFileSync(admin.key, 'utf8') },
      'exec',
    );
    const anonymous = pluginKubeconfig('exec-anonymous', {}, 'exec-anonymous');
    const missing = kubeconfigFile('exec-missing', (document) => {
      document.users[0]!.user = {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: 'hawk-kubelogin-not-installed',
          args: ['get-token'],
          interactiveMode: 'Never',
        },
      };
      document.contexts[0]!.name = 'exec-missing';
    });

    // The plugin's credential is what lets hawk read: the same request with a plugin giving none is refused.
    const pods = '/api/v1/namespaces/kube-system/pods?limit=1';
    const statuses = await Promise.all(
      resolve([plugin.file, anonymous.file].join(delimiter)).map(async (target) => {
        const response = await target.kube!.open(pods, { headersTimeoutMs: 5000 });
        await response.body.dump();
        return [target.context, response.status];
      }),
    );
    expect(statuses[0]).toEqual(['exec', 200]);
    expect(statuses[1]?.[0]).toBe('exec-anonymous');
    expect([401, 403]).toContain(statuses[1]?.[1]);

    const hub = await startHub([plugin.file, missing].join(delimiter));
    const [execId, missingId] = hub.list().map((state) => state.identity.id);
    await until(hub, execId!, 'reachable with the plugin’s credential', watched);
    expect(hub.get(missingId!)?.reachability).toMatchObject({
      state: 'unreachable',
      error: 'context "exec-missing": exec plugin "hawk-kubelogin-not-installed" not found on PATH',
    });
    expect(existsSync(join(plugin.folder, 'runs'))).toBe(true);
    // Once per client (the one above, the hub's): its first requests, all at once, shared one run, and the
    // credential (without expiry) is cached after it.
    const runs = readFileSync(join(plugin.folder, 'runs'), 'utf8').trim().split('\n').length;
    console.log(`[exec] plugin runs: ${runs}`);
    expect(runs).toBe(2);
    expect(JSON.parse(readFileSync(join(plugin.folder, 'exec-info.json'), 'utf8'))).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: { interactive: false },
    });
  });
});
