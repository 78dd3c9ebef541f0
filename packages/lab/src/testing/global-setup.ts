import type { TestProject } from 'vitest/node';
import { ensureLab, labDown, openLab } from '../lifecycle';

/** Projects whose tests run against the lab; a run of only other projects (core, web) never needs root or the lab. */
const PROJECTS_USING_THE_LAB = ['lab', 'server'];

/**
 * Vitest global setup (wired in the root vitest.config.ts, so it runs once per run for every project): brings the
 * default lab up and, at the end, takes it down again unless it was already running before the run, in which case
 * someone else owns it. A missing prerequisite throws here and fails the run with the reason; nothing is skipped.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const selected = project.vitest.projects.map((p) => p.name);
  if (!selected.some((name) => PROJECTS_USING_THE_LAB.includes(name))) return undefined;
  const wasRunning = (await openLab().catch(() => undefined)) !== undefined;
  const started = Date.now();
  await ensureLab({}, { onProgress: (line) => console.log(`[hawk lab] ${line}`) });
  console.log(`[hawk lab] ready after ${((Date.now() - started) / 1000).toFixed(1)}s (${wasRunning ? 'was running: will be left up' : 'started for this run: will be taken down'})`);
  return async () => {
    if (!wasRunning) await labDown({ onProgress: (line) => console.log(`[hawk lab] ${line}`) });
  };
}
