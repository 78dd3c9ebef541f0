import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { must, run } from '../shell';
import { PAUSE_IMAGE } from './plan';

/**
 * pauseImageArchive returns an OCI archive of the sandbox image: the pause binary build-binaries.sh compiled from the
 * release's pause.c, FROM scratch, as upstream's image is. Built with podman once and cached beside the binary (no
 * registry is reachable here, so containerd must never have to pull it).
 */
export function pauseImageArchive(binDir: string): Promise<string> {
  return buildScratchImage(
    join(binDir, 'pause'),
    'pause',
    PAUSE_IMAGE,
    join(binDir, 'pause-image.oci.tar'),
    'USER 65535:65535\n',
  );
}

/**
 * buildScratchImage puts one static binary FROM scratch as its entrypoint and saves the image as an OCI archive
 * (cached).
 */
export async function buildScratchImage(
  binary: string,
  name: string,
  image: string,
  archive: string,
  extra = '',
): Promise<string> {
  if (existsSync(archive) && (await stat(archive)).mtimeMs >= (await stat(binary)).mtimeMs) return archive;
  const context = await mkdtemp(join(tmpdir(), `hawk-${name}-`));
  try {
    await copyFile(binary, join(context, name));
    await writeFile(
      join(context, 'Containerfile'),
      `FROM scratch\nCOPY ${name} /${name}\n${extra}ENTRYPOINT ["/${name}"]\n`,
    );
    await must('podman', ['build', '--pull=never', '--quiet', '--tag', image, context], 300_000);
    await must('podman', ['save', '--format', 'oci-archive', '--output', `${archive}.tmp`, image], 120_000);
    await must('mv', [`${archive}.tmp`, archive]);
    // The image lives on in the archive; podman's store is left as it was.
    await run('podman', ['rmi', image]);
    return archive;
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

/** importImage loads an OCI archive into a worker's containerd, in the namespace the CRI plugin reads. */
export async function importImage(containerdSocket: string, archive: string): Promise<void> {
  await must('ctr', ['--address', containerdSocket, '-n', 'k8s.io', 'images', 'import', archive], 300_000);
}
