/**
 * `pnpm test`: every check CI runs, in two lanes at once.
 * - lab lane: the tests that use the lab (projects lab, server, e2e), one file after another, as before. Most of its
 *   time is waiting on the real control plane (leases running out, windows filling), not CPU.
 * - second lab lane: the files that mostly wait out long leases and outages (OpenShift's 137 s lease, etcd quorum
 *   lost for a minute) run on a lab of their own (HAWK_LAB_INSTANCE=1: its own subnet, namespaces and directory),
 *   beside the lab lane, which skips them.
 * - checks lane: hawk's images from HEAD (built here, beside the lab's first files, so the lab lane's image tests and
 *   helm-lab find them built instead of waiting a minute for podman), typecheck, lint, then the tests that need no lab
 *   (core, web, server-unit, server-services, bench) with core's coverage. It runs at a lower CPU priority, so the
 *   lab's load-sensitive tests (CPU quotas, frozen processes, leader elections) keep the CPU they had when everything
 *   ran in one line; it fills the lab's waits.
 * The checks lane's output is printed in one block when it ends, so the lab lane's live output stays readable.
 * A failed step's report is printed again at the very end: CI keeps only the tail of a long run's output.
 * The exit code is non-zero when any step fails; every step runs to the end, so one run says everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const REPO_ROOT = join(import.meta.dirname, '..');
/** Lower than the lab's processes (nice 0), yet not starved: its services tests have deadlines of their own. */
const CHECKS_NICENESS = 10;
/**
 * The second lab's processes inherit it from vitest: they yield to the first lab's load-sensitive tests, while the
 * files on it judge 26 s renewals and minute-long outages, which a few hundred ms of delay does not move.
 */
const SECOND_LAB_NICENESS = 5;

interface Step {
  readonly name: string;
  readonly command: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

interface FailedStep {
  readonly name: string;
  readonly report: string;
}

interface LaneResult {
  readonly lane: string;
  /** The steps that failed: every step runs even after one fails, so one run says everything. */
  readonly failed: readonly FailedStep[];
  readonly seconds: number;
}

/** Lines of a failed step's output repeated at the end. */
const FAILURE_REPORT_MAX_LINES = 200;

/**
 * What a failed step said about its failure: vitest's failures section (from its first "Failed Tests", "Failed
 * Suites" or "Unhandled" banner) when there is one, else the step's last lines.
 */
function failureReport(output: string): string {
  const lines = output.split('\n');
  const banner = lines.findIndex((line) => /⎯{2,}.*(Failed Tests|Failed Suites|Unhandled)/.test(line));
  const from = banner >= 0 ? banner : Math.max(0, lines.length - FAILURE_REPORT_MAX_LINES);
  const report = lines.slice(from, from + FAILURE_REPORT_MAX_LINES);
  const cut = lines.length - from > FAILURE_REPORT_MAX_LINES ? ['[test] (cut; the whole output is above)'] : [];
  return [...report, ...cut].join('\n');
}

/**
 * Files on the second lab (paths within their project: server's, then the lab's), about 620 s of the lab lane's
 * 1,970: OpenShift's 137 s lease waited out, the margin of a leader frozen in cycles, the lab's profiles and variants
 * brought up, certificates re-issued, 5,000 Leases, etcd members stopped and restarted, standbys read, kubeadm's
 * layouts checked. Files with tight timing (within 1 s of raft, of a Lease's own transition), those needing workers
 * and the e2e files (fixed ports) stay on lab 0.
 */
const SECOND_LAB_FILES = [
  'test/sources/elector-timings-lab.test.ts',
  'test/sources/leader-margin.test.ts',
  'test/sources/certificates-lab.test.ts',
  'test/sources/profiles-lab.test.ts',
  'test/sources/variants.test.ts',
  'test/sources/size-bounds.test.ts',
  'test/sources/etcd.test.ts',
  'test/sources/etcd-flapping.test.ts',
  'test/sources/standbys.test.ts',
  'test/kubeadm.test.ts',
];

const LAB_LANE: readonly Step[] = [
  {
    name: 'lab tests',
    command: [
      ...['pnpm', 'exec', 'vitest', 'run', '--project', 'lab', '--project', 'server', '--project', 'e2e'],
      ...SECOND_LAB_FILES.flatMap((file) => ['--exclude', `**/${file}`]),
    ],
  },
];

const SECOND_LAB_LANE: readonly Step[] = [
  {
    name: 'tests on the second lab',
    command: ['pnpm', 'exec', 'vitest', 'run', '--project', 'server', '--project', 'lab', ...SECOND_LAB_FILES],
    env: { HAWK_LAB_INSTANCE: '1' },
  },
];

const CHECKS_LANE: readonly Step[] = [
  { name: "hawk's images from HEAD", command: ['pnpm', 'lab', 'images'] },
  { name: 'typecheck', command: ['pnpm', 'typecheck'] },
  { name: 'lint', command: ['pnpm', 'lint'] },
  {
    name: 'tests without the lab (coverage of core)',
    command: [
      'pnpm',
      'exec',
      'vitest',
      'run',
      '--coverage',
      ...['core', 'web', 'server-unit', 'server-services', 'bench'].flatMap((project) => ['--project', project]),
    ],
  },
];

const running = new Set<ChildProcess>();

function runStep(step: Step, options: { niceness: number; onOutput: (chunk: Buffer) => void }): Promise<number> {
  const [program, ...args] =
    options.niceness === 0 ? step.command : ['nice', '-n', String(options.niceness), ...step.command];
  const child = spawn(program!, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...step.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout.on('data', options.onOutput);
  child.stderr.on('data', options.onOutput);
  return new Promise((resolve) => {
    child.once('error', (error) => {
      options.onOutput(Buffer.from(`[test] could not start ${step.command.join(' ')}: ${error.message}\n`));
      resolve(127);
    });
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

async function runLane(
  lane: string,
  steps: readonly Step[],
  options: { niceness: number; live: boolean },
): Promise<LaneResult> {
  const started = Date.now();
  const buffered: Buffer[] = [];
  const onOutput = options.live
    ? (chunk: Buffer) => process.stdout.write(chunk)
    : (chunk: Buffer) => buffered.push(chunk);
  const failed: FailedStep[] = [];
  for (const step of steps) {
    const stepStarted = Date.now();
    const stepOutput: Buffer[] = [];
    const code = await runStep(step, {
      niceness: options.niceness,
      onOutput: (chunk) => {
        stepOutput.push(chunk);
        onOutput(chunk);
      },
    });
    const seconds = Math.round((Date.now() - stepStarted) / 1000);
    console.log(`[test] ${lane}: ${step.name} ${code === 0 ? 'passed' : `failed (exit ${code})`} in ${seconds} s`);
    if (code !== 0) failed.push({ name: step.name, report: failureReport(Buffer.concat(stepOutput).toString()) });
  }
  if (!options.live) {
    console.log(`\n[test] ---- ${lane} lane output ----`);
    process.stdout.write(Buffer.concat(buffered));
    console.log(`[test] ---- end of ${lane} lane output ----\n`);
  }
  return { lane, failed, seconds: Math.round((Date.now() - started) / 1000) };
}

if (process.argv.length > 2) {
  console.error(
    'pnpm test runs everything and takes no arguments; for some files: ' +
      'pnpm exec vitest run --project <project> <files> (with the lab lock for lab files)',
  );
  process.exit(2);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const child of running) child.kill(signal);
  });
}

const results = await Promise.all([
  runLane('lab', LAB_LANE, { niceness: 0, live: true }),
  runLane('second lab', SECOND_LAB_LANE, { niceness: SECOND_LAB_NICENESS, live: false }),
  runLane('checks', CHECKS_LANE, { niceness: CHECKS_NICENESS, live: false }),
]);
for (const result of results) {
  for (const step of result.failed) {
    console.log(`\n[test] ---- ${result.lane} lane: ${step.name} failed; what it said ----`);
    console.log(step.report);
  }
}
for (const result of results) {
  const verdict =
    result.failed.length === 0 ? 'passed' : `FAILED (${result.failed.map((step) => step.name).join(', ')})`;
  console.log(`[test] ${result.lane} lane ${verdict} in ${result.seconds} s`);
}
process.exitCode = results.every((result) => result.failed.length === 0) ? 0 : 1;
