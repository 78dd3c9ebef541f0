import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CHART_DIR, REPO_ROOT, helm, requireCommand } from './deploy-tools';

interface Manifest { kind: string; metadata: { name: string; namespace?: string }; rules?: { apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; verbs: string[]; nonResourceURLs?: string[] }[]; spec?: Record<string, unknown> }

function render(extra: readonly string[] = []): Manifest[] {
  const text = helm(['template', 'hawk', CHART_DIR, '--namespace', 'hawk', ...extra]);
  return parseAllDocuments(text).map((document) => document.toJS() as Manifest).filter(Boolean);
}

describe('Helm chart (real helm)', () => {
  it('passes helm lint', () => {
    expect(helm(['lint', CHART_DIR])).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('renders two spread replicas, a PDB and read-only RBAC', () => {
    const manifests = render();
    const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'hawk-hawk');
    expect(deployment?.spec?.replicas).toBe(2);
    expect(JSON.stringify(deployment?.spec)).toContain('podAntiAffinity');
    expect(manifests.some((m) => m.kind === 'PodDisruptionBudget')).toBe(true);
    const roles = manifests.filter((m) => m.kind === 'Role' || m.kind === 'ClusterRole');
    // Toward what hawk watches: read only.
    const readRules = roles.filter((m) => m.metadata.name !== 'hawk-hawk-leader-election').flatMap((m) => m.rules ?? []);
    for (const rule of readRules) expect(rule.verbs.every((verb) => ['get', 'list', 'watch'].includes(verb))).toBe(true);
    expect(readRules.flatMap((rule) => rule.resources ?? []).sort()).toEqual(['endpointslices', 'leasecandidates', 'leases', 'nodes', 'pods']);
    // Its own leader Lease, in its own namespace, is the one write.
    const election = roles.find((m) => m.metadata.name === 'hawk-hawk-leader-election');
    expect(election?.kind).toBe('Role');
    expect(election?.metadata.namespace).toBe('hawk');
    expect(election?.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['hawk-hawk-leader'], verbs: ['get', 'update'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    ]);
    const env = JSON.stringify(deployment?.spec);
    expect(env).toContain('"name":"HAWK_LEADER_LEASE","value":"hawk/hawk-hawk-leader"');
    expect(manifests.some((m) => m.kind === 'Ingress' || m.kind === 'ServiceMonitor')).toBe(false);
  });

  it('renders the optional Ingress, ServiceMonitor, PrometheusRule and etcd cert mount when asked', () => {
    const manifests = render(['--set', 'ingress.enabled=true', '--set', 'metrics.serviceMonitor.enabled=true', '--set', 'metrics.prometheusRule.enabled=true', '--set', 'etcd.clientCertSecret=etcd-client', '--set', 'etcd.endpoints={https://10.0.0.1:2379}']);
    expect(manifests.map((m) => m.kind)).toEqual(expect.arrayContaining(['Ingress', 'ServiceMonitor', 'PrometheusRule']));
    const rule = manifests.find((m) => m.kind === 'PrometheusRule');
    expect(JSON.stringify(rule?.spec)).toContain('groups');
    expect(JSON.stringify(manifests.find((m) => m.kind === 'Deployment'))).toContain('/etc/hawk/etcd/tls.crt');
  });

  it('keeps deploy/manifests/hawk.yaml equal to a fresh render (deploy/scripts/render-manifests.sh)', () => {
    const committed = readFileSync(join(REPO_ROOT, 'deploy', 'manifests', 'hawk.yaml'), 'utf8');
    const fresh = helm(['template', 'hawk', CHART_DIR, '--namespace', 'hawk', '--set', 'auth.existingSecret=hawk-token']);
    const header = committed.slice(0, committed.length - fresh.length);
    expect(committed.endsWith(fresh)).toBe(true);
    expect(header.split('\n').filter(Boolean).every((line) => line.startsWith('#'))).toBe(true);
    // The plain manifests reference a token Secret the user creates; a rendered one would give everyone the same token.
    expect(parseAllDocuments(committed).some((document) => (document.toJS() as Manifest | null)?.kind === 'Secret')).toBe(false);
  });

  it('ships the same alerting rules in the chart as in deploy/prometheus', () => {
    const chartCopy = readFileSync(join(CHART_DIR, 'files', 'hawk-rules.yaml'), 'utf8');
    const source = readFileSync(join(REPO_ROOT, 'deploy', 'prometheus', 'hawk-rules.yaml'), 'utf8');
    expect(chartCopy).toBe(source);
  });
});

describe('docker-compose.yml (Debian docker-compose)', () => {
  it('validates and wires two replicas to Redis with the kubeconfig read-only', () => {
    const compose = requireCommand('docker-compose', 'apt-get install docker-compose (scripts/setup.sh does)');
    const text = execFileSync(compose, ['-f', join(REPO_ROOT, 'docker-compose.yml'), 'config'], { encoding: 'utf8', env: { ...process.env, HAWK_TOKEN: 'x'.repeat(32), KUBECONFIG_FILE: '/dev/null' } });
    const config = parseAllDocuments(text)[0]!.toJS() as { services: Record<string, { environment?: Record<string, string>; volumes?: unknown[] }> };
    expect(Object.keys(config.services).sort()).toEqual(['redis', 'server-a', 'server-b', 'web']);
    for (const name of ['server-a', 'server-b']) {
      expect(config.services[name]!.environment?.HAWK_REDIS_URL).toBe('redis://redis:6379');
      expect(JSON.stringify(config.services[name]!.volumes)).toMatch(/\/kube\/config.*(:ro|read_only)/);
    }
  });
});
