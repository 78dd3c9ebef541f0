import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withMutationLock } from './lock';
import { hawkCacheDir } from './paths';
import { must, run } from './shell';

/** hawk's repository: the Dockerfiles' build context and the chart. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
const NODE_BASE = 'docker.io/library/node:24-bookworm-slim';
const COMPONENTS = ['server', 'web'] as const;
type Component = (typeof COMPONENTS)[number];

export interface HawkImage {
  /** Tagged by image id, so a changed image is a new tag and `helm upgrade` rolls it. */
  readonly image: string;
  /** An OCI archive of it, for the workers' containerd (no registry here). */
  readonly archive: string;
}

export type HawkImages = Readonly<Record<Component, HawkImage>>;

/**
 * What the images are built from: the working tree (what a developer just changed) or the last commit, exported apart
 * (a shared checkout's uncommitted work of others never lands in the images).
 */
export type ImageSource = 'worktree' | 'head';

const imageCache = () => join(hawkCacheDir(), 'images');

/** An image's worst build on a cold layer cache (the base made, dependencies installed, Next.js built), with room. */
const IMAGE_BUILD_TIMEOUT_MS = 1_800_000;

/**
 * hawkImages gives hawk's server and web images. From HEAD they are built once per content of their build inputs: a
 * tag named by the hash of those inputs (see inputsKey) is reused when podman has it, so every test file of a run
 * (and a later run of the same sources) shares one build instead of repeating podman's cached build, 8-12 s an image.
 * From the working tree they are always built (podman's layer cache keeps an unchanged rebuild to seconds).
 * One process at a time builds: `pnpm test` builds HEAD's images beside the lab's first files (`pnpm lab images`),
 * and a test file asking meanwhile waits for that build instead of repeating it.
 */
export async function hawkImages(source: ImageSource, progress: (line: string) => void): Promise<HawkImages> {
  await mkdir(imageCache(), { recursive: true });
  const building = join(imageCache(), 'build.lock');
  return withMutationLock(building, () => buildOrReuse(source, progress), IMAGE_BUILD_TIMEOUT_MS);
}

async function buildOrReuse(source: ImageSource, progress: (line: string) => void): Promise<HawkImages> {
  await ensureNodeBase(progress);
  if (source === 'worktree') {
    progress('building hawk-server and hawk-web with podman from the working tree');
    return {
      server: await buildHawkImage('server', REPO_ROOT, `localhost/hawk-server:local`, progress),
      web: await buildHawkImage('web', REPO_ROOT, `localhost/hawk-web:local`, progress),
    };
  }
  const base = (await must('podman', ['image', 'inspect', '--format', '{{.Id}}', NODE_BASE])).trim();
  // One commit for the key and the export alike: others may commit in a shared checkout meanwhile.
  const commit = (await must('git', ['-C', REPO_ROOT, 'rev-parse', 'HEAD'])).trim();
  const short = commit.slice(0, 7);
  const tags = {
    server: `localhost/hawk-server:src-${await inputsKey(commit, 'server', base)}`,
    web: `localhost/hawk-web:src-${await inputsKey(commit, 'web', base)}`,
  };
  const missing: Component[] = [];
  for (const component of COMPONENTS)
    if ((await run('podman', ['image', 'exists', tags[component]])).code !== 0) missing.push(component);
  const found = COMPONENTS.filter((c) => !missing.includes(c));
  if (found.length > 0)
    progress(`reusing ${found.map((c) => tags[c]).join(', ')} (the build inputs of commit ${short})`);
  const built: Partial<Record<Component, HawkImage>> = {};
  if (missing.length > 0) {
    progress(`building ${missing.map((c) => `hawk-${c}`).join(' and ')} with podman from commit ${short}`);
    const dir = await exportCommit(commit);
    try {
      for (const component of missing)
        built[component] = await buildHawkImage(component, dir, tags[component], progress);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return {
    server: built.server ?? (await imageFor('server', tags.server)),
    web: built.web ?? (await imageFor('web', tags.web)),
  };
}

/**
 * inputsKey hashes everything podman reads to build a component's image from HEAD: its Dockerfile, .dockerignore, the
 * git object id (a hash of the content) of every path the Dockerfile copies from the context, and the base image's
 * id. A superset of the context (.dockerignore's exclusions are not applied), so a change to any input is a new key.
 */
async function inputsKey(commit: string, component: Component, baseImageId: string): Promise<string> {
  const dockerfile = `apps/${component}/Dockerfile`;
  const sources = copySources(await must('git', ['-C', REPO_ROOT, 'show', `${commit}:${dockerfile}`]), dockerfile);
  const paths = [dockerfile, '.dockerignore', ...sources];
  // commit:path is the object id of a file or a whole directory; rev-parse fails on a path the commit lacks.
  const ids = await must('git', ['-C', REPO_ROOT, 'rev-parse', ...paths.map((path) => `${commit}:${path}`)]).catch(
    (error: Error) => {
      throw new Error(`${dockerfile}'s inputs at ${commit}: ${error.message}`);
    },
  );
  const listed = ids
    .trim()
    .split('\n')
    .map((id, i) => `${paths[i]} ${id}`)
    .join('\n');
  return createHash('sha256').update(`${baseImageId}\n${listed}`).digest('hex').slice(0, 16);
}

/**
 * copySources lists the context paths a Dockerfile's COPY and ADD instructions read (not those copying from another
 * stage). A form it cannot read exactly (JSON arrays, wildcards, bind mounts of the context) throws: an input left
 * out of the key would let a stale image be reused.
 */
export function copySources(dockerfile: string, name: string): string[] {
  const sources = new Set<string>();
  for (const raw of dockerfile.replace(/\\\n/g, ' ').split('\n')) {
    const line = raw.trim();
    const refuse = (why: string) => {
      throw new Error(`${name}: cannot key the image on "${line}": ${why}`);
    };
    if (/^RUN\b.*--mount=[^ ]*type=bind/i.test(line)) refuse('a bind mount reads the context');
    if (!/^(COPY|ADD)\s/i.test(line)) continue;
    const words = line.split(/\s+/).slice(1);
    if (words.some((w) => w.startsWith('--from='))) continue;
    const args = words.filter((w) => !w.startsWith('--'));
    if (args[0]?.startsWith('[')) refuse('the JSON form is not read here');
    for (const source of args.slice(0, -1)) {
      if (/[*?[\\]/.test(source)) refuse('wildcards are not read here');
      const path = source.replace(/^\.\//, '').replace(/\/$/, '');
      if (path === '' || path === '.' || path.startsWith('..')) refuse('it copies the whole context');
      sources.add(path);
    }
  }
  return [...sources];
}

/** imageFor: the image-id tag and archive of an image podman already has. */
async function imageFor(component: Component, tag: string): Promise<HawkImage> {
  return archived(component, (await must('podman', ['image', 'inspect', '--format', '{{.Id}}', tag])).trim());
}

/** archived tags an image by its id and makes sure its OCI archive exists (written once per id). */
async function archived(component: Component, fullId: string): Promise<HawkImage> {
  const id = fullId.slice(0, 12);
  const image = `localhost/hawk-${component}:lab-${id}`;
  await must('podman', ['tag', fullId, image]);
  const archive = join(imageCache(), `hawk-${component}-${id}.oci.tar`);
  if (!existsSync(archive)) {
    await mkdir(imageCache(), { recursive: true });
    await must('podman', ['save', '--format', 'oci-archive', '--output', `${archive}.tmp`, image], 300_000);
    await rename(`${archive}.tmp`, archive);
  }
  return { image, archive };
}

/** buildHawkImage builds one of hawk's images with podman from a build context, under `tag` and its id's tag. */
async function buildHawkImage(
  component: Component,
  context: string,
  tag: string,
  progress: (line: string) => void,
): Promise<HawkImage> {
  const started = Date.now();
  const dockerfile = `apps/${component}/Dockerfile`;
  const file = join(context, dockerfile);
  const args = ['build', '--pull=never', '--network', 'host', '--format', 'docker', '-f', file, '-t', tag, context];
  await must('podman', args, IMAGE_BUILD_TIMEOUT_MS).catch((error: Error) => {
    throw new Error(`podman build of ${dockerfile}: ${error.message.slice(-3000)}`);
  });
  const built = await imageFor(component, tag);
  progress(`${built.image} (${tag}) ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return built;
}

/** exportCommit writes a commit's files to a directory of their own, as the images' build context. */
async function exportCommit(commit: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hawk-images-'));
  const script = 'git -C "$1" archive --format=tar "$3" | tar -x -C "$2"';
  await must('sh', ['-c', script, 'sh', REPO_ROOT, dir, commit], 120_000);
  return dir;
}

/**
 * ensureNodeBase makes sure podman has the Dockerfiles' base: public images cannot be pulled on this machine kind, so
 * ../shared/container-base.sh makes a local stand-in under the public name where it exists; elsewhere it is pulled.
 */
async function ensureNodeBase(progress: (line: string) => void): Promise<void> {
  if ((await run('podman', ['image', 'exists', NODE_BASE])).code === 0) return;
  const script = join(REPO_ROOT, '..', 'shared', 'container-base.sh');
  if (existsSync(script)) {
    progress(`making ${NODE_BASE} with ${script}`);
    await must('bash', [script], IMAGE_BUILD_TIMEOUT_MS);
  } else {
    progress(`pulling ${NODE_BASE}`);
    const pulled = await run('podman', ['pull', NODE_BASE], IMAGE_BUILD_TIMEOUT_MS);
    if (pulled.code !== 0)
      throw new Error(
        `${NODE_BASE} is neither in podman's storage nor pullable, and ${script} (which makes a local stand-in) is ` +
          `missing\n${pulled.stderr.trim().split('\n').slice(-5).join('\n')}`,
      );
  }
  if ((await run('podman', ['image', 'exists', NODE_BASE])).code !== 0)
    throw new Error(`${NODE_BASE} is still missing after making it`);
}
