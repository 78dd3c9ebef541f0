/**
 * Release artifacts (issue 25 §5): scripts/release packages the chart and names both images under the one version
 * of deploy/helm/hawk/Chart.yaml, the plain manifests use that version, the chart README's values table is generated
 * and current, and the repository carries its license. Real helm and the real script; images are not built here
 * (`--no-images`; the lab tests build them with podman).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CHART_DIR, REPO_ROOT, helm, helmBinary } from './deploy-tools';

const RELEASE = join(REPO_ROOT, 'scripts', 'release');
const chart = parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as Record<string, string>;
const out = mkdtempSync(join(tmpdir(), 'hawk-release-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function release(args: readonly string[], env: Record<string, string> = {}): string {
  return execFileSync(RELEASE, [...args], {
    encoding: 'utf8',
    cwd: REPO_ROOT,
    env: { ...process.env, HAWK_HELM: helmBinary(), GITHUB_REF_TYPE: '', GITHUB_REF_NAME: '', ...env },
  });
}

describe('release artifacts under one version', () => {
  it('gives the chart one version: appVersion (the images’ default tag) equals version, and a kubeVersion', () => {
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(chart.appVersion).toBe(chart.version);
    expect(chart.kubeVersion).toMatch(/^>=/);
    const manifests = readFileSync(join(REPO_ROOT, 'deploy', 'manifests', 'hawk.yaml'), 'utf8');
    const images = [...manifests.matchAll(/image: "([^"]+)"/g)].map((match) => match[1]);
    expect(images.sort()).toEqual([
      `ghcr.io/hawk/hawk-server:${chart.version}`,
      `ghcr.io/hawk/hawk-web:${chart.version}`,
    ]);
    // Below kubeVersion, helm refuses the chart rather than installing objects the cluster cannot run.
    const refused = (() => {
      try {
        helm(['template', 'hawk', CHART_DIR, '--kube-version', '1.20.0']);
        return 'rendered';
      } catch (error) {
        return String((error as { stderr?: string }).stderr);
      }
    })();
    expect(refused).toContain('kubeVersion');
  });

  it('prints what it would build and push with --dry-run, doing nothing', () => {
    const plan = release(['--dry-run', '--push', '--out', out]);
    expect(plan).toContain(`hawk ${chart.version}`);
    expect(plan).toMatch(new RegExp(`\\+ \\S*helm package ${CHART_DIR} --destination ${out}`));
    for (const component of ['server', 'web']) {
      expect(plan).toContain(
        `build -f ${REPO_ROOT}/apps/${component}/Dockerfile -t ghcr.io/hawk/hawk-${component}:${chart.version}`,
      );
      expect(plan).toMatch(new RegExp(`\\+ \\S+ push ghcr.io/hawk/hawk-${component}:${chart.version}`));
    }
    expect(plan).toMatch(new RegExp(`helm push ${out}/hawk-${chart.version}.tgz oci://ghcr.io/hawk/charts`));
    expect(execFileSync('ls', [out], { encoding: 'utf8' })).toBe('');
  });

  it('packages the chart under that version, after checking the manifests and README are current', () => {
    const said = release(['--no-images', '--out', out]);
    const packaged = join(out, `hawk-${chart.version}.tgz`);
    expect(said).toContain(`chart:  ${packaged}`);
    const shown = parse(helm(['show', 'chart', packaged])) as Record<string, string>;
    expect(shown).toMatchObject({
      name: 'hawk',
      version: chart.version,
      appVersion: chart.version,
      kubeVersion: chart.kubeVersion,
    });
    // The packaged chart renders, README and schema included.
    expect(helm(['show', 'readme', packaged])).toContain('## Values');
    expect(helm(['template', 'hawk', packaged])).toContain(`ghcr.io/hawk/hawk-server:${chart.version}`);
  });

  it('refuses a tag that names another version than Chart.yaml', () => {
    let failure = '';
    try {
      release(['--dry-run'], { GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v99.0.0' });
    } catch (error) {
      failure = String((error as { stderr?: string }).stderr);
    }
    expect(failure).toContain(`tag v99.0.0 does not match Chart.yaml version ${chart.version}`);
    expect(release(['--dry-run'], { GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: `v${chart.version}` })).toContain(
      'helm package',
    );
  });

  it('keeps the chart README’s values table generated from values.yaml and the schema', () => {
    // The generator's own --check: exit 1 when the table differs from a fresh one.
    execFileSync(process.execPath, ['--import', 'tsx', 'deploy/scripts/chart-readme.ts', '--check'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    const readme = readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
    for (const key of [
      'metrics.serviceMonitor.labels',
      'podSecurityContext',
      'persistence.enabled',
      'server.extraVolumes',
    ])
      expect(readme).toContain(`| \`${key}\` |`);
  });

  it('carries the Apache-2.0 license text at the top of the repository', () => {
    const license = readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License');
    expect(license).toContain('Version 2.0, January 2004');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(license.length).toBeGreaterThan(10_000);
  });
});
