import { describe, expect, it, vi } from 'vitest';
import { resolveLabOptions } from '../src/options';
import { cidrsOverlap } from '../src/network';
import { planTopology } from '../src/topology';
import { missingPrerequisites } from '../src/prerequisites';

describe('lab options', () => {
  it.each([
    { input: {}, errors: 0 },
    {
      input: { leaderElection: { leaseDurationSeconds: 4, renewDeadlineSeconds: 3, retryPeriodSeconds: 1 } },
      errors: 0,
    },
    { input: { leaderElection: { leaseDurationSeconds: 10, renewDeadlineSeconds: 10 } }, errors: 1 },
    { input: { leaderElection: { renewDeadlineSeconds: 2.4, retryPeriodSeconds: 2 } }, errors: 1 },
    { input: { nodes: 0, etcdMembers: 1 }, errors: 1 },
    { input: { etcdMembers: 4 }, errors: 0 },
  ])('$input → $errors error(s)', ({ input, errors }) => {
    expect(resolveLabOptions(input).errors).toHaveLength(errors);
  });
});

describe('lab topology', () => {
  it('default: 3 stacked nodes behind a load balancer', () => {
    const t = planTopology(resolveLabOptions().options);
    expect(t.hosts.map((h) => `${h.name}=${h.ip}@${h.zone}`)).toEqual([
      'lb=10.213.0.10@zone-a',
      'cp-1=10.213.0.11@zone-a',
      'cp-2=10.213.0.12@zone-b',
      'cp-3=10.213.0.13@zone-c',
    ]);
    expect(t.components.filter((c) => c.kind === 'etcd').map((c) => c.host)).toEqual(['cp-1', 'cp-2', 'cp-3']);
    expect(t.apiEndpoint).toEqual({ ip: '10.213.0.10', port: 6443 });
  });

  it('single node: no load balancer, the API is the apiserver itself', () => {
    const t = planTopology(resolveLabOptions({ nodes: 1 }).options);
    expect(t.hosts.map((h) => h.name)).toEqual(['cp-1']);
    expect(t.components.map((c) => c.id)).toEqual([
      'etcd-cp-1',
      'kube-apiserver-cp-1',
      'kube-controller-manager-cp-1',
      'kube-scheduler-cp-1',
    ]);
    expect(t.apiEndpoint.ip).toBe('10.213.0.11');
  });

  it('four etcd members on three nodes: the fourth gets its own host', () => {
    const t = planTopology(resolveLabOptions({ etcdMembers: 4 }).options);
    expect(t.components.filter((c) => c.kind === 'etcd').map((c) => c.host)).toEqual([
      'cp-1',
      'cp-2',
      'cp-3',
      'etcd-4',
    ]);
    expect(t.hosts.find((h) => h.name === 'etcd-4')?.ip).toBe('10.213.0.24');
  });

  it('external etcd: every member on its own host', () => {
    const t = planTopology(resolveLabOptions({ etcdTopology: 'external' }).options);
    expect(t.hosts.filter((h) => h.role === 'etcd').map((h) => h.ip)).toEqual([
      '10.213.0.21',
      '10.213.0.22',
      '10.213.0.23',
    ]);
  });

  it('another instance (HAWK_LAB_INSTANCE=1): its own subnet, bridge, namespaces, links, directory and cgroup', async () => {
    const before = process.env.HAWK_LAB_INSTANCE;
    process.env.HAWK_LAB_INSTANCE = '1';
    vi.resetModules();
    try {
      const topology = await import('../src/topology');
      const t = topology.planTopology(resolveLabOptions().options);
      expect(t.hosts.map((h) => `${h.name}=${h.ip} ${h.netns} ${h.hostLink}`)).toEqual([
        'lb=10.214.0.10 hawk1-lb hk1-lb',
        'cp-1=10.214.0.11 hawk1-cp-1 hk1-cp-1',
        'cp-2=10.214.0.12 hawk1-cp-2 hk1-cp-2',
        'cp-3=10.214.0.13 hawk1-cp-3 hk1-cp-3',
      ]);
      expect([t.subnet, t.bridge, t.bridgeIp]).toEqual(['10.214.0.0/24', 'hawk-br1', '10.214.0.1']);
      expect(topology.NETWORK.labClientIp).toBe('10.214.0.2');
      const { labPaths } = await import('../src/paths');
      expect(labPaths().root).toBe('/tmp/hawk-lab-1');
      process.env.HAWK_LAB_INSTANCE = 'two';
      vi.resetModules();
      await expect(import('../src/topology')).rejects.toThrow('HAWK_LAB_INSTANCE must be a digit 0-9, not "two"');
    } finally {
      if (before === undefined) delete process.env.HAWK_LAB_INSTANCE;
      else process.env.HAWK_LAB_INSTANCE = before;
      vi.resetModules();
    }
  });

  it.each([
    ['10.213.0.0/24', '10.0.0.0/8', true],
    ['10.213.0.0/24', '10.213.1.0/24', false],
    ['10.213.0.0/24', '192.0.2.0/24', false],
    ['10.213.0.0/24', '10.213.0.77/32', true],
  ])('%s overlaps %s: %s', (a, b, overlap) => {
    expect(cidrsOverlap(a, b)).toBe(overlap);
  });
});

describe('prerequisites', () => {
  it('name what is missing and how to get it', async () => {
    const missing = await missingPrerequisites('/nonexistent/bin', true);
    expect(missing.join('\n')).toContain(
      'missing kube-apiserver, kube-controller-manager, kube-scheduler, kubeadm, etcd in /nonexistent/bin: ' +
        'run packages/lab/scripts/build-binaries.sh',
    );
  });
});
