/**
 * `pnpm bench:api-load`: what 1, 2 and 3 hawk replicas cost the lab's apiservers, measured at the
 * apiservers themselves (their own apiserver_request_total, every instance read directly), with the
 * difference broken down by verb and resource so the expensive part is named. Every replica
 * observes by itself (README: hawk's own HA), so this is the price of that design. The result is
 * compared with the previous run's (the file it replaces), so a change in hawk's cost shows as a ratio.
 *
 *   pnpm bench:api-load [--window-seconds 60]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureLab } from '@hawk/lab';
import { sleep, spawnHawkProcess, type HawkProcess } from '@hawk/testkit/hawk-process';
import { apiserverRequestCounters } from './support/apiserver-requests';

const { values: args } = parseArgs({ options: { 'window-seconds': { type: 'string', default: '60' } } });
const windowMs = Number(args['window-seconds']) * 1000;

const lab = await ensureLab({}, { onProgress: (message) => console.error(`[lab] ${message}`) });
await lab.fault.heal();
const env = lab.env();
const instances = lab.nodes.map((node) => `https://${node.ip}:6443`);
const counters = () => apiserverRequestCounters(env.KUBECONFIG!, instances);

/** Requests per minute over the window, by kind. */
async function perMinute(): Promise<Map<string, number>> {
  const before = await counters();
  await sleep(windowMs);
  const after = await counters();
  const rates = new Map<string, number>();
  for (const [kind, value] of after) rates.set(kind, (value - (before.get(kind) ?? 0)) * (60_000 / windowMs));
  return rates;
}

const total = (rates: Map<string, number>) => [...rates.values()].reduce((sum, value) => sum + value, 0);
const minus = (a: Map<string, number>, b: Map<string, number>) =>
  new Map([...a].map(([kind, value]) => [kind, value - (b.get(kind) ?? 0)]));

console.error(`[api-load] baseline over ${windowMs / 1000} s`);
const baseline = await perMinute();
const rows: { replicas: number; perMinute: number; perReplica: number; breakdown: [string, number][] }[] = [];
for (const count of [1, 2, 3]) {
  const replicas: HawkProcess[] = [];
  for (let index = 0; index < count; index++)
    replicas.push(await spawnHawkProcess({ ...env, HAWK_REPLICA_ID: `load-${index}` }));
  // Past the first list of every watch: steady state only.
  await sleep(15_000);
  console.error(`[api-load] ${count} replica(s) over ${windowMs / 1000} s`);
  const load = minus(await perMinute(), baseline);
  for (const replica of replicas) await replica.stop();
  const breakdown = [...load].filter(([, value]) => value >= 0.5).sort((a, b) => b[1] - a[1]);
  rows.push({ replicas: count, perMinute: total(load), perReplica: total(load) / count, breakdown });
  await sleep(5_000);
}

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const dir = join(import.meta.dirname, 'results');
const jsonPath = join(dir, 'apiserver-load-latest.json');
/**
 * The run this one replaces: its commit and per-replica figure (a carried-over `previous` when it was itself a re-run
 * of the same commit).
 */
const previous = ((): { commit: string; perReplica: number } | null => {
  if (!existsSync(jsonPath)) return null;
  const last = JSON.parse(readFileSync(jsonPath, 'utf8')) as {
    commit: string;
    rows: { perReplica: number }[];
    previous?: { commit: string; perReplica: number } | null;
  };
  if (last.commit === commit && last.previous) return last.previous;
  const rows = last.rows ?? [];
  return rows.length
    ? { commit: last.commit, perReplica: rows.reduce((sum, row) => sum + row.perReplica, 0) / rows.length }
    : null;
})();
const perReplica = rows.reduce((sum, row) => sum + row.perReplica, 0) / rows.length;
const markdown = [
  `# apiserver load of hawk replicas ${new Date().toISOString()}`,
  '',
  `commit ${commit}; the lab (3 apiservers behind HAProxy); window ${windowMs / 1000} s; baseline without hawk ` +
    `${total(baseline).toFixed(0)} requests/min`,
  '',
  "| replicas | hawk's requests / min | per replica |",
  '|---|---|---|',
  ...rows.map((row) => `| ${row.replicas} | ${row.perMinute.toFixed(0)} | ${row.perReplica.toFixed(0)} |`),
  '',
  previous
    ? `Per replica, averaged over 1–3 replicas: ${perReplica.toFixed(0)}/min, ` +
      `${(perReplica / previous.perReplica).toFixed(2)}× the previous run's ${previous.perReplica.toFixed(0)}/min ` +
      `(commit ${previous.commit}).`
    : `Per replica, averaged over 1–3 replicas: ${perReplica.toFixed(0)}/min.`,
  '',
  '## What one replica asks for (requests / min)',
  '',
  '| verb and resource | requests / min |',
  '|---|---|',
  ...rows[0]!.breakdown.map(([kind, value]) => `| ${kind} | ${value.toFixed(1)} |`),
  '',
].join('\n');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'apiserver-load-latest.md'), markdown);
writeFileSync(jsonPath, JSON.stringify({ commit, windowMs, baseline: total(baseline), rows, previous }, null, 2));
console.log(markdown);
process.exit(0);
