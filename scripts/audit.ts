/**
 * `pnpm audit:prod`: the production dependencies against the registry's advisories. Three outcomes, never a silent
 * pass: exit 0 when the registry answered and listed no advisory; exit 1 when it listed any (each printed with its
 * path and fix); exit 2 "not audited" when the audit endpoint could not be asked (offline, or a registry mirror that
 * does not serve it: this machine's answers 405). CI here runs offline, so it does not run this; see
 * docs/development.md.
 */
import { spawnSync } from 'node:child_process';

interface Advisory {
  readonly module_name: string;
  readonly severity: string;
  readonly title: string;
  readonly url: string;
  readonly patched_versions: string;
  readonly findings?: readonly { readonly paths: readonly string[] }[];
}
interface AuditAnswer {
  readonly error?: { readonly code: string; readonly message: string };
  readonly advisories?: Readonly<Record<string, Advisory>>;
}

const run = spawnSync('pnpm', ['audit', '--prod', '--json'], { encoding: 'utf8', timeout: 120_000 });
let answer: AuditAnswer;
try {
  answer = JSON.parse(run.stdout) as AuditAnswer;
} catch {
  const said = `${run.stdout}${run.stderr}`.trim().slice(0, 400) || String(run.error ?? `exit ${run.status}`);
  console.error(`not audited: pnpm audit gave no JSON answer: ${said}`);
  process.exit(2);
}
if (answer.error || !answer.advisories) {
  console.error(`not audited: ${answer.error?.code ?? 'no advisories field'}: ${answer.error?.message ?? ''}`.trim());
  console.error('run `pnpm audit:prod` where the registry serves its audit endpoint (docs/development.md)');
  process.exit(2);
}
const advisories = Object.values(answer.advisories);
for (const advisory of advisories) {
  const paths = (advisory.findings ?? []).flatMap((finding) => finding.paths).slice(0, 3);
  console.log(
    `${advisory.severity}: ${advisory.module_name}: ${advisory.title} (${advisory.url}); ` +
      `patched ${advisory.patched_versions}; via ${paths.join(', ')}`,
  );
}
console.log(`${advisories.length} advisories in the production dependencies`);
process.exit(advisories.length === 0 ? 0 : 1);
