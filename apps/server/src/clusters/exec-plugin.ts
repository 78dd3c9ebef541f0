import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { Cluster, User } from '@kubernetes/client-node';

/** The kubeconfig's `users[].user.exec` (client.authentication.k8s.io), the fields hawk reads. */
interface ExecConfig {
  readonly command: string;
  readonly args?: readonly string[];
  readonly env?: readonly { name: string; value: string }[] | null;
  readonly apiVersion?: string;
  readonly provideClusterInfo?: boolean;
}

const EXEC_INFO = 'KUBERNETES_EXEC_INFO';

/** execConfig: the user's exec credential plugin, undefined when it has none (the library reads both places). */
export function execConfig(user: User | null | undefined): ExecConfig | undefined {
  const provider = user?.authProvider as { config?: { exec?: unknown } } | undefined;
  const exec = (user?.exec ?? provider?.config?.exec) as ExecConfig | undefined;
  return exec && typeof exec.command === 'string' ? exec : undefined;
}

/**
 * findExecutable resolves a command as spawn does: a path as it is, a bare name on `path`
 * (the plugin's own PATH when its `env` sets one). Null when nothing executable is there.
 */
export function findExecutable(command: string, path: string | undefined): string | null {
  const executable = (file: string) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (command.includes('/')) return executable(command) ? command : null;
  for (const dir of (path ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    if (executable(candidate)) return candidate;
  }
  return null;
}

/** missingExecPlugin: why the user's exec plugin cannot run (its binary is absent), null when it can or has none. */
export function missingExecPlugin(user: User | null | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  const exec = execConfig(user);
  if (!exec) return null;
  const path = exec.env?.find((variable) => variable.name === 'PATH')?.value ?? env.PATH;
  if (findExecutable(exec.command, path)) return null;
  const where = exec.command.includes('/') ? 'not found or not executable' : 'not found on PATH';
  return `exec plugin "${exec.command}" ${where}`;
}

/** execFailure turns a failed plugin run into one line naming the command (the library rejects with bare stderr). */
export function execFailure(user: User | null | undefined, error: unknown): Error {
  const exec = execConfig(user);
  const cause = error as NodeJS.ErrnoException;
  if (!exec) return cause instanceof Error ? cause : new Error(String(error));
  const notFound = cause?.syscall?.startsWith('spawn') && cause.code === 'ENOENT';
  if (notFound) return new Error(`exec plugin "${exec.command}" not found on PATH`);
  // Not the plugin's failure: a certificate file unreadable, for one.
  if (cause?.syscall) return cause;
  const message = (cause instanceof Error ? cause.message : String(error)).trim().slice(0, 300);
  return new Error(`exec plugin "${exec.command}" failed: ${message || 'exited non-zero without a message'}`);
}

/** withAbsoluteExecCommand: a relative command with a folder is taken from its kubeconfig's folder, as in client-go. */
export function withAbsoluteExecCommand(user: User, dir: string): User {
  const exec = user.exec as ExecConfig | undefined;
  if (!exec?.command || !exec.command.includes('/') || isAbsolute(exec.command)) return user;
  return { ...user, exec: { ...exec, command: join(dir, exec.command) } };
}

/**
 * withExecInfo gives the plugin KUBERNETES_EXEC_INFO as client-go does and the library does not:
 * plugins read the ExecCredential apiVersion from it, and the cluster when provideClusterInfo is set.
 * hawk has no terminal, so it is never interactive.
 */
export function withExecInfo(user: User, cluster: Cluster | null): User {
  const exec = user.exec as ExecConfig | undefined;
  if (!exec?.command || exec.env?.some((variable) => variable.name === EXEC_INFO)) return user;
  const apiVersion = exec.apiVersion ?? 'client.authentication.k8s.io/v1beta1';
  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo && cluster) spec.cluster = execClusterInfo(cluster);
  const info = { apiVersion, kind: 'ExecCredential', spec };
  return { ...user, exec: { ...exec, env: [...(exec.env ?? []), { name: EXEC_INFO, value: JSON.stringify(info) }] } };
}

function execClusterInfo(cluster: Cluster): Record<string, unknown> {
  let caData = cluster.caData;
  if (!caData && cluster.caFile) {
    try {
      caData = readFileSync(cluster.caFile).toString('base64');
    } catch {
      // The client's own read of the file reports it; the plugin gets the cluster without it.
    }
  }
  return {
    server: cluster.server,
    ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
    ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
    ...(caData ? { 'certificate-authority-data': caData } : {}),
    ...(cluster.proxyUrl ? { 'proxy-url': cluster.proxyUrl } : {}),
  };
}
