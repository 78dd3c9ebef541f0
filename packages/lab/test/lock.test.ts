import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withMutationLock } from '../src/lock';

describe('withMutationLock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hawk-lock-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // hawk's image build takes its own lock while a lab mutation may hold the lab's: the one held must not stand in for
  // the other, or two processes build the same images at once.
  it('is re-entrant per lock: inside one, another is still taken (its directory made), and both are released', async () => {
    const lab = join(dir, 'lab.lock');
    const images = join(dir, 'images.lock');
    const seen = await withMutationLock(lab, () =>
      withMutationLock(images, async () => ({
        images: existsSync(images),
        labAgain: await withMutationLock(lab, async () => existsSync(lab)),
        imagesStillHeld: existsSync(images),
      })),
    );
    expect(seen).toEqual({ images: true, labAgain: true, imagesStillHeld: true });
    expect([existsSync(lab), existsSync(images)]).toEqual([false, false]);
  });
});
