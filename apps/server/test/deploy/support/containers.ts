/**
 * Running hawk's images with podman for the image and compose tests. The images come from @hawk/lab's hawkImages, which
 * also makes sure of their base (a local stand-in where public images cannot be pulled). A missing podman or base
 * image fails the test, never skips it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { hawkImages } from '@hawk/lab';

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..', '..', '..');
export const SERVER_IMAGE = 'localhost/hawk-server:local';
export const WEB_IMAGE = 'localhost/hawk-web:local';

export function requirePodman(): void {
  try {
    execFileSync('podman', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      "podman is missing: the image tests build and run hawk's images with it (apt-get install podman buildah " +
        'runc; scripts/setup.sh does)',
    );
  }
}

/** Runs a command, resolving with its stdout; rejects with its output's tail when it fails. */
export function run(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 1_200_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})\n${tail}`));
    });
  });
}

/**
 * hawk's two images from the last commit (the shared checkout's uncommitted work stays out), under SERVER_IMAGE and
 * WEB_IMAGE. @hawk/lab's hawkImages builds each once per content of its build inputs and every file of the run that
 * needs it (this one, helm-lab's chart install) reuses that build.
 */
export async function tagHawkImages(log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const images = await hawkImages('head', log);
  for (const [image, tag] of [
    [images.server.image, SERVER_IMAGE],
    [images.web.image, WEB_IMAGE],
  ] as const) {
    await run('podman', ['tag', image, tag]);
    log(`${tag} is ${image}, ${(imageSize(tag) / 1e6).toFixed(0)} MB`);
  }
  log(`images ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export function imageSize(tag: string): number {
  return Number(
    execFileSync('podman', ['image', 'inspect', '--format', '{{.Size}}', tag], { encoding: 'utf8' }).trim(),
  );
}

export function imageConfig(tag: string): { User: string; Cmd: string[]; Env: string[] } {
  return JSON.parse(
    execFileSync('podman', ['image', 'inspect', '--format', '{{json .Config}}', tag], { encoding: 'utf8' }),
  ) as { User: string; Cmd: string[]; Env: string[] };
}

/** Removes a container by name if it exists (a leftover of an interrupted run, or at the end). */
export async function removeContainer(name: string): Promise<void> {
  await run('podman', ['rm', '-f', '-t', '5', name]).catch(() => undefined);
}

/** The container's stdout and stderr (hawk's errors go to stderr). */
export async function containerLogs(name: string): Promise<string> {
  return run('sh', ['-c', `podman logs --tail 40 ${name} 2>&1 | grep -v 'systemd connection'`]).catch(
    (error: Error) => error.message,
  );
}
