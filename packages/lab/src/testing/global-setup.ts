import type { TestProject } from 'vitest/node';
import { ensureLab, labDown, openLab } from '../lifecycle';

/** Projects whose tests run against the lab; a run of only other projects (core, web) never needs root or the lab. */
const PROJECTS_USING_THE_LAB = ['lab', 'server', 'e2e'];

const log = (line: string) => console.log(`[hawk lab] ${line}`);

/**
 * Vitest global setup (wired in the root vitest.config.ts, so it runs once per run for every project): brings the
 * default lab up and, at the end, takes it down again only if it was not running before and this run created the
 * lab that is there now. The lab is shared by everyone on the machine: a lab someone else started is left alone.
 * A missing prerequisite throws here and fails the run with the reason; nothing is skipped.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const selected = project.vitest.projects.map((p) => p.name);
  if (!selected.some((name) => PROJECTS_USING_THE_LAB.includes(name))) return undefined;
  // `vitest list` only collects: it must not bring up (and so replace) the lab another run is testing on.
  if (process.argv[2] === 'list') return undefined;
  // Inherited by the test workers, which start after this, so a lab a test recreates is still this run's.
  const owner = `vitest ${process.pid} ${new Date().toISOString()}`;
  process.env.HAWK_LAB_OWNER = owner;
  const wasRunning = (await openLab().catch(() => undefined)) !== undefined;
  const started = Date.now();
  await ensureLab({}, { onProgress: log });
  log(
    `ready after ${((Date.now() - started) / 1000).toFixed(1)}s ` +
      `(${wasRunning ? 'was running: will be left up' : 'started for this run'})`,
  );
  return async () => {
    const lab = await openLab().catch(() => undefined);
    const createdBy = (await lab?.state())?.createdBy;
    if (!wasRunning && createdBy === owner) await labDown({ onProgress: log });
    else if (lab) log(`left running (created by ${createdBy ?? 'unknown'})`);
  };
}
