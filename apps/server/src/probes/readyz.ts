/** Checks in `/readyz?verbose` that report the apiserver's view of etcd. */
export const ETCD_CHECKS = ['etcd', 'etcd-readiness'] as const;

export interface ReadyzChecks {
  readonly passed: readonly string[];
  /** Failing checks by name, e.g. "etcd" from "[-]etcd failed: reason withheld". */
  readonly failed: readonly string[];
}

/** parseReadyzVerbose reads the `[+]name ok` / `[-]name failed: …` lines of a verbose health endpoint. */
export function parseReadyzVerbose(body: string): ReadyzChecks {
  const passed: string[] = [];
  const failed: string[] = [];
  for (const line of body.split('\n')) {
    const match = /^\[([+-])\]([^\s]+)\s/.exec(line.trim() + ' ');
    if (!match) continue;
    (match[1] === '+' ? passed : failed).push(match[2]!);
  }
  return { passed, failed };
}

/** etcdVerdict says what one apiserver's readyz tells of etcd: null when it names no etcd check. */
export function etcdVerdict(checks: ReadyzChecks): boolean | null {
  const isEtcd = (name: string) => (ETCD_CHECKS as readonly string[]).includes(name);
  if (checks.failed.some(isEtcd)) return false;
  if (checks.passed.some(isEtcd)) return true;
  return null;
}
