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
export async function pauseImageArchive(binDir: string): Promise<string> {
  const binary = join(binDir, 'pause');
  const archive = join(binDir, 'pause-image.oci.tar');
  if (existsSync(archive) && (await stat(archive)).mtimeMs >= (await stat(binary)).mtimeMs) return archive;
  const context = await mkdtemp(join(tmpdir(), 'hawk-pause-'));
  try {
    await copyFile(binary, join(context, 'pause'));
    await writeFile(join(context, 'Containerfile'), 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n');
    await must('podman', ['build', '--pull=never', '--quiet', '--tag', PAUSE_IMAGE, context], 300_000);
    await must('podman', ['save', '--format', 'oci-archive', '--output', `${archive}.tmp`, PAUSE_IMAGE], 120_000);
    await must('mv', [`${archive}.tmp`, archive]);
    // The image lives on in the archive; podman's store is left as it was.
    await run('podman', ['rmi', PAUSE_IMAGE]);
    return archive;
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

/** importImage loads an OCI archive into a worker's containerd, in the namespace the CRI plugin reads. */
export async function importImage(containerdSocket: string, archive: string): Promise<void> {
  await must('ctr', ['--address', containerdSocket, '-n', 'k8s.io', 'images', 'import', archive], 300_000);
}
