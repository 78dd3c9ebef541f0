import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sleep } from './shell';

/** How deep this process holds each lock directory: re-entrant per lock, so holding one never skips another. */
const heldDepth = new Map<string, number>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * withMutationLock serialises lab mutations across processes with a lock directory (mkdir is atomic) holding the
 * owner's pid; a lock whose owner died is taken over. Re-entrant within one process, so `up` may call fault helpers.
 * It is advisory and separate from /tmp/hawk-lab.lock, which callers hold around whole test runs. Any directory may be
 * such a lock: hawk's image builds take one of their own.
 */
export async function withMutationLock<T>(lockDir: string, action: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  const depth = heldDepth.get(lockDir) ?? 0;
  if (depth > 0) {
    heldDepth.set(lockDir, depth + 1);
    try {
      return await action();
    } finally {
      heldDepth.set(lockDir, depth);
    }
  }
  const owner = join(lockDir, 'pid');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(await readFile(owner, 'utf8').catch(() => '0'));
      // No pid yet means the owner is between mkdir and writeFile, or died there: judge by the directory's age.
      const ageMs =
        Date.now() -
        (await stat(lockDir)
          .then((s) => s.mtimeMs)
          .catch(() => Date.now()));
      const stale = pid > 0 ? !alive(pid) : ageMs > 5_000;
      if (stale) await rm(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`lab is locked by pid ${pid} (${lockDir})`);
      else await sleep(200);
    }
  }
  heldDepth.set(lockDir, 1);
  try {
    return await action();
  } finally {
    heldDepth.delete(lockDir);
    await rm(lockDir, { recursive: true, force: true });
  }
}
