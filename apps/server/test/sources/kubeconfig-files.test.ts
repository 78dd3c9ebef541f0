import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  loadKubeConfig,
  loadKubeContexts,
  resolveClusters,
  type ClusterTarget,
} from '../../src/clusters/resolve-clusters';
import { loadEnv } from '../../src/env';

// KUBECONFIG with several files, read as kubectl reads it and better (issue 24, section 2). Only clients are
// built here, except where a plugin runs: nothing dials the (unrouted, TEST-NET) servers.
const dir = mkdtempSync(join(tmpdir(), 'hawk-kubeconfig-'));
const targets: ClusterTarget[] = [];
afterAll(async () => {
  await Promise.all(targets.map((target) => target.kube?.close()));
});

interface FileSpec {
  readonly contexts: readonly { name: string; cluster: string; user?: string }[];
  readonly clusters?: readonly { name: string; server: string; proxyUrl?: string }[];
  readonly users?: readonly { name: string; user: Record<string, unknown> }[];
  readonly current?: string;
}

function kubeconfigFile(name: string, spec: FileSpec): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  const document = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: (spec.clusters ?? []).map((cluster) => ({
      name: cluster.name,
      cluster: { server: cluster.server, ...(cluster.proxyUrl ? { 'proxy-url': cluster.proxyUrl } : {}) },
    })),
    users: spec.users ?? [],
    contexts: spec.contexts.map((context) => ({
      name: context.name,
      context: { cluster: context.cluster, user: context.user },
    })),
    ...(spec.current ? { 'current-context': spec.current } : {}),
  };
  writeFileSync(path, stringify(document));
  return path;
}

/** What every kubeadm admin.conf names alike: only the server and the credentials differ. */
function adminConf(name: string, server: string, token: string): string {
  return kubeconfigFile(name, {
    clusters: [{ name: 'kubernetes', server }],
    users: [{ name: 'kubernetes-admin', user: { token } }],
    contexts: [{ name: 'kubernetes-admin@kubernetes', cluster: 'kubernetes', user: 'kubernetes-admin' }],
    current: 'kubernetes-admin@kubernetes',
  });
}

function capturingLogger() {
  const warnings: { fields: object; message: string }[] = [];
  const noop = () => undefined;
  return {
    warnings,
    logger: {
      debug: noop,
      info: noop,
      error: noop,
      warn: (fields: object, message: string) => warnings.push({ fields, message }),
    },
  };
}

function resolve(files: readonly string[], logger = capturingLogger().logger): ClusterTarget[] {
  const resolved = resolveClusters({ env: loadEnv({ KUBECONFIG: files.join(delimiter) }), logger });
  targets.push(...resolved);
  return resolved;
}

describe('KUBECONFIG with two kubeadm admin.conf (the same context, cluster and user names)', () => {
  const first = adminConf('one/admin.conf', 'https://192.0.2.1:6443', 'token-of-the-first-cluster');
  const second = adminConf('two/admin.conf', 'https://192.0.2.2:6443', 'token-of-the-second-cluster');

  it('watches both, each with its own file’s server, under unique ids; the first file keeps the name', () => {
    const resolved = resolve([first, second]);
    expect(resolved.map((target) => [target.id, target.context, target.server, target.error])).toEqual([
      ['kubernetes-admin-kubernetes', 'kubernetes-admin@kubernetes', 'https://192.0.2.1:6443', null],
      ['kubernetes-admin-kubernetes-2', 'kubernetes-admin@kubernetes-2', 'https://192.0.2.2:6443', null],
    ]);
    expect(resolved.every((target) => target.kube !== null)).toBe(true);
  });

  it('gives each context its own file’s user, not the first file’s (kubectl would)', () => {
    const { contexts, current } = loadKubeContexts({
      KUBECONFIG: [first, second].join(delimiter),
      KUBERNETES_SERVICE_HOST: undefined,
    });
    expect(current).toBe('kubernetes-admin@kubernetes');
    expect(
      contexts.map((context) => [context.name, context.source, context.kubeConfig.getCurrentUser()?.token]),
    ).toEqual([
      ['kubernetes-admin@kubernetes', first, 'token-of-the-first-cluster'],
      ['kubernetes-admin@kubernetes-2', second, 'token-of-the-second-cluster'],
    ]);
    // A context's kubeconfig holds its own cluster and user only: no other cluster's credentials reach its client.
    expect(
      contexts.map((context) => [context.kubeConfig.getClusters().length, context.kubeConfig.getUsers().length]),
    ).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it('logs exactly one warning for the clash, naming the names and both files, without credentials', () => {
    const { warnings, logger } = capturingLogger();
    resolve([first, second], logger);
    expect(warnings).toHaveLength(1);
    const [warning] = warnings;
    expect(warning?.message).toBe(
      `kubeconfig ${second} repeats names of ${first}: context "kubernetes-admin@kubernetes" (watched as ` +
        '"kubernetes-admin@kubernetes-2"), ' +
        `cluster "kubernetes", user "kubernetes-admin"; each context is watched with its own file's cluster and user`,
    );
    expect(JSON.stringify(warning)).not.toMatch(/token-of/);
  });

  it("gives hawk's own Lease the current context alone, the first file's (kubectl's current-context)", () => {
    const own = loadKubeConfig({ KUBECONFIG: [second, first].join(delimiter), KUBERNETES_SERVICE_HOST: undefined });
    expect([
      own.getCurrentContext(),
      own.getCurrentCluster()?.server,
      own.getCurrentUser()?.token,
      own.getContexts().length,
    ]).toEqual(['kubernetes-admin@kubernetes', 'https://192.0.2.2:6443', 'token-of-the-second-cluster', 1]);
  });

  it('picks the next free suffix when a file already has a context named <name>-2', () => {
    const third = kubeconfigFile('three/config', {
      clusters: [{ name: 'c3', server: 'https://192.0.2.3:6443' }],
      contexts: [{ name: 'kubernetes-admin@kubernetes-2', cluster: 'c3' }],
    });
    const resolved = resolve([first, third, second]);
    expect(resolved.map((target) => [target.context, target.server])).toEqual([
      ['kubernetes-admin@kubernetes', 'https://192.0.2.1:6443'],
      ['kubernetes-admin@kubernetes-2', 'https://192.0.2.3:6443'],
      ['kubernetes-admin@kubernetes-3', 'https://192.0.2.2:6443'],
    ]);
  });

  it('reads a file listed twice once, and skips a missing one with a warning, as kubectl skips it', () => {
    const { warnings, logger } = capturingLogger();
    const missing = join(dir, 'nowhere/config');
    const resolved = resolve([first, missing, first], logger);
    expect(resolved.map((target) => target.context)).toEqual(['kubernetes-admin@kubernetes']);
    expect(warnings.map((warning) => warning.message)).toEqual([
      `kubeconfig ${missing} does not exist: skipped, as kubectl does`,
    ]);
    expect(() => resolve([missing])).toThrow(/none of KUBECONFIG's files exists/);
  });
});

describe('a context whose file lacks its cluster or user', () => {
  it('takes them from the first file defining them, as kubectl does (kubeconfigs split by kind)', () => {
    const contexts = kubeconfigFile('split/contexts', {
      contexts: [{ name: 'prod', cluster: 'prod-cluster', user: 'prod-user' }],
      current: 'prod',
    });
    const clusters = kubeconfigFile('split/clusters', {
      clusters: [{ name: 'prod-cluster', server: 'https://192.0.2.10:6443' }],
      users: [{ name: 'prod-user', user: { token: 'prod-token' } }],
      contexts: [],
    });
    const [prod] = resolve([contexts, clusters]);
    expect([prod?.server, prod?.error]).toEqual(['https://192.0.2.10:6443', null]);
    const loaded = loadKubeContexts({
      KUBECONFIG: [contexts, clusters].join(delimiter),
      KUBERNETES_SERVICE_HOST: undefined,
    });
    expect(loaded.contexts[0]?.kubeConfig.getCurrentUser()?.token).toBe('prod-token');
    expect(loaded.clashes).toEqual([]);
  });

  it("is that cluster's own error when no file defines its cluster", () => {
    const file = kubeconfigFile('orphan/config', { contexts: [{ name: 'orphan', cluster: 'gone' }] });
    expect(resolve([file])[0]?.error).toBe('context "orphan": its cluster "gone" is not in the kubeconfig');
  });
});

describe('exec credential plugins', () => {
  const execUser = (command: string, extra: Record<string, unknown> = {}) => ({
    name: 'plugin-user',
    user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command, interactiveMode: 'Never', ...extra } },
  });
  const withPlugin = (name: string, command: string, extra?: Record<string, unknown>) =>
    kubeconfigFile(name, {
      clusters: [{ name: 'c', server: 'https://192.0.2.20:6443' }],
      users: [execUser(command, extra)],
      contexts: [{ name: 'exec', cluster: 'c', user: 'plugin-user' }],
    });

  it("makes a plugin missing from PATH that cluster's error, naming the command; the other clusters are watched", () => {
    const healthy = adminConf('exec-neighbour/admin.conf', 'https://192.0.2.1:6443', 'neighbour-token');
    const [neighbour, exec] = resolve([
      healthy,
      withPlugin('missing/config', 'kubelogin-not-installed-here', { args: ['get-token'] }),
    ]);
    expect(neighbour?.error).toBeNull();
    expect(exec?.error).toBe('context "exec": exec plugin "kubelogin-not-installed-here" not found on PATH');
    expect(exec?.kube).toBeNull();
  });

  it('looks the plugin up on the PATH its own env sets', () => {
    const bin = join(dir, 'own-path/bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'hawk-test-plugin'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, 'hawk-test-plugin'), 0o755);
    const file = withPlugin('own-path/config', 'hawk-test-plugin', { env: [{ name: 'PATH', value: bin }] });
    expect(resolve([file])[0]?.error).toBeNull();
  });

  it("runs a command with a folder relative to its kubeconfig's folder, as client-go does", () => {
    const folder = join(dir, 'relative');
    mkdirSync(join(folder, 'bin'), { recursive: true });
    writeFileSync(join(folder, 'bin/plugin'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(folder, 'bin/plugin'), 0o755);
    const file = withPlugin('relative/config', './bin/plugin');
    expect(resolve([file])[0]?.error).toBeNull();
    const user = loadKubeContexts({
      KUBECONFIG: file,
      KUBERNETES_SERVICE_HOST: undefined,
    }).contexts[0]?.kubeConfig.getCurrentUser();
    expect(user?.exec.command).toBe(join(folder, 'bin/plugin'));
  });

  it('gives the plugin KUBERNETES_EXEC_INFO as client-go does (apiVersion, never interactive, the cluster when asked)', () => {
    const file = withPlugin('exec-info/config', 'true', { provideClusterInfo: true });
    const user = loadKubeContexts({
      KUBECONFIG: file,
      KUBERNETES_SERVICE_HOST: undefined,
    }).contexts[0]?.kubeConfig.getCurrentUser();
    const info = (user?.exec.env as { name: string; value: string }[]).find(
      (variable) => variable.name === 'KUBERNETES_EXEC_INFO',
    );
    expect(JSON.parse(info?.value ?? '{}')).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: { interactive: false, cluster: { server: 'https://192.0.2.20:6443' } },
    });
  });

  it('runs the plugin once for requests asking at the same moment (every watch and probe at start)', async () => {
    const folder = join(dir, 'counted');
    mkdirSync(folder, { recursive: true });
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: 'from-the-plugin' },
    });
    writeFileSync(join(folder, 'plugin'), `#!/bin/sh\necho run >> "${folder}/runs"\nsleep 0.2\necho '${credential}'\n`);
    chmodSync(join(folder, 'plugin'), 0o755);
    const file = kubeconfigFile('counted/config', {
      // A closed loopback port: each request fails at once, after its credential was read.
      clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
      users: [execUser('./plugin')],
      contexts: [{ name: 'counted', cluster: 'c', user: 'plugin-user' }],
    });
    const [target] = resolve([file]);
    const requests = Array.from({ length: 8 }, () =>
      target!.kube!.open('/readyz', { headersTimeoutMs: 2000 }).then(
        () => 'connected',
        (error: Error) => error.message,
      ),
    );
    const failures = await Promise.all(requests);
    expect(failures.every((message) => /ECONNREFUSED/.test(message))).toBe(true);
    expect(readFileSync(join(folder, 'runs'), 'utf8')).toBe('run\n');
  });

  it('fails a request with the plugin named and its message when the plugin fails (before any dial)', async () => {
    const script = join(dir, 'failing-plugin');
    writeFileSync(script, '#!/bin/sh\necho "token expired, run: login" >&2\nexit 1\n');
    chmodSync(script, 0o755);
    const [target] = resolve([withPlugin('failing/config', script)]);
    expect(target?.error).toBeNull();
    await expect(target!.kube!.open('/readyz', { headersTimeoutMs: 2000 })).rejects.toThrow(
      `exec plugin "${script}" failed: token expired, run: login`,
    );
  });
});

describe('proxy-url', () => {
  it('refuses a scheme it cannot speak as that cluster’s error, without the proxy’s password', () => {
    const file = kubeconfigFile('ftp-proxy/config', {
      clusters: [{ name: 'c', server: 'https://192.0.2.30:6443', proxyUrl: 'ftp://hawk:proxy-secret@192.0.2.31:2121' }],
      contexts: [{ name: 'ftp', cluster: 'c' }],
    });
    const [target] = resolve([file]);
    expect(target?.error).toBe(
      'context "ftp": proxy-url ftp://192.0.2.31:2121: the scheme is not http, https or socks5',
    );
    expect(readFileSync(file, 'utf8')).toContain('proxy-secret');
  });
});
