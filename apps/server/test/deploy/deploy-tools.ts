/**
 * Finds the real tools the deploy tests run (built or installed by scripts/setup.sh), failing clearly when one is
 * missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..', '..');
export const CHART_DIR = join(REPO_ROOT, 'deploy', 'helm', 'hawk');

/** Where scripts/setup.sh caches the tools it builds or fetches. */
const toolsDir = () => join(process.env.HAWK_CACHE ?? join(homedir(), '.cache', 'hawk'), 'tools');

export function helmBinary(): string {
  const candidates = [process.env.HAWK_HELM, join(toolsDir(), 'helm-v3.22.0', 'helm')];
  const found = candidates.find((path): path is string => !!path && existsSync(path));
  if (!found)
    throw new Error(
      `helm not found (looked at ${candidates.filter(Boolean).join(', ')}): run scripts/setup.sh, which builds ` +
        'it from the Go module proxy',
    );
  return found;
}

export function requireCommand(command: string, installHint: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${command} is not installed: ${installHint}`);
  }
}

export function helm(args: readonly string[]): string {
  return execFileSync(helmBinary(), [...args], { encoding: 'utf8', cwd: REPO_ROOT });
}

/**
 * The prometheus-operator CRDs that scripts/setup.sh fetches, so the lab can validate ServiceMonitor and
 * PrometheusRule.
 */
export function monitoringCrdsDir(): string {
  const candidates = [process.env.HAWK_MONITORING_CRDS, join(toolsDir(), 'prometheus-operator-v0.85.0', 'crds')];
  const found = candidates.find(
    (path): path is string => !!path && existsSync(join(path, 'monitoring.coreos.com_servicemonitors.yaml')),
  );
  if (!found)
    throw new Error(
      `prometheus-operator CRDs not found (looked at ${candidates.filter(Boolean).join(', ')}): run ` +
        'scripts/setup.sh, which fetches them from the Go module proxy',
    );
  return found;
}
