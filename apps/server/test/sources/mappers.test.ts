import { describe, expect, it } from 'vitest';
import { parseConfigFile } from '../../src/clusters/cluster-config';
import { slugClusterId, uniqueIds } from '../../src/clusters/slug';
import { parseAlarms, parseGatewayJson, parseMemberList, parseStatus } from '../../src/probes/etcd-gateway';
import { foldEtcdAnswers } from '../../src/probes/etcd-probe';
import { etcdVerdict, parseReadyzVerbose } from '../../src/probes/readyz';
import { mapEndpointSlice } from '../../src/sources/endpoint-slice';
import { candidateIdentity, mapLeaseCandidate, pickServedVersion } from '../../src/sources/lease-candidates';
import { mapIdentityLease, mapLeaderLease } from '../../src/sources/leases';
import { mapControlPlaneNode } from '../../src/sources/nodes';
import { etcdServersOf, healthTargetOf, mapControlPlanePod, quotaBackendBytesOf } from '../../src/sources/pods';
import { classifyFrontDoor, NO_HEALTH } from '../../src/hub/assemble';

const lease = (spec: object, metadata: object = {}) => ({
  metadata: { name: 'kube-scheduler', namespace: 'kube-system', resourceVersion: '7', ...metadata },
  spec,
});

describe('mapLeaderLease', () => {
  it.each([
    [
      'a held lease',
      lease({ holderIdentity: 'cp-1_x', renewTime: '2026-01-01T00:00:00.000000Z', leaseDurationSeconds: 15 }),
      { key: 'kube-system/kube-scheduler', holder: 'cp-1_x', duration: 15 },
    ],
    [
      'no holder: kept, judged malformed later',
      lease({ leaseDurationSeconds: 15 }),
      { key: 'kube-system/kube-scheduler', holder: null, duration: 15 },
    ],
    [
      'zero duration and no renew time',
      lease({ holderIdentity: 'cp-1_x', leaseDurationSeconds: 0 }),
      { key: 'kube-system/kube-scheduler', holder: 'cp-1_x', duration: 0 },
    ],
    [
      'spec missing entirely',
      { metadata: { name: 'odd', namespace: 'kube-system' } },
      { key: 'kube-system/odd', holder: null, duration: null },
    ],
  ])('%s', (_name, raw, expected) => {
    const mapped = mapLeaderLease(raw);
    if ('error' in mapped) throw new Error(mapped.error);
    expect({
      key: mapped.key,
      holder: mapped.value.holderIdentity,
      duration: mapped.value.leaseDurationSeconds,
    }).toEqual(expected);
  });

  it.each([
    ['no name', { metadata: {}, spec: {} }],
    ['not an object', 'lease'],
    ['an identity lease', lease({}, { labels: { 'apiserver.kubernetes.io/identity': 'kube-apiserver' } })],
  ])('skips %s', (_name, raw) => expect(mapLeaderLease(raw)).toHaveProperty('error'));
});

describe('mapIdentityLease', () => {
  it.each([
    [
      {
        metadata: { name: 'apiserver-abc', labels: { 'kubernetes.io/hostname': 'cp-1' } },
        spec: { holderIdentity: 'apiserver-abc_1', renewTime: '2026-01-01T00:00:00Z' },
      },
      {
        key: 'apiserver-abc',
        value: {
          name: 'apiserver-abc',
          hostname: 'cp-1',
          holderIdentity: 'apiserver-abc_1',
          renewTime: '2026-01-01T00:00:00Z',
        },
      },
    ],
    [
      { metadata: { name: 'apiserver-def' } },
      { key: 'apiserver-def', value: { name: 'apiserver-def', hostname: null, holderIdentity: null, renewTime: null } },
    ],
    [{ metadata: {} }, { error: 'identity lease has no metadata.name' }],
  ])('%#', (raw, expected) => expect(mapIdentityLease(raw)).toEqual(expected));
});

describe('lease candidates', () => {
  it('maps a candidate and strips the lease prefix from its identity', () => {
    const mapped = mapLeaseCandidate({
      metadata: { name: 'kube-scheduler-cp-1_abc' },
      spec: { leaseName: 'kube-scheduler', renewTime: '2026-01-01T00:00:00Z', binaryVersion: '1.36.3' },
    });
    if ('error' in mapped) throw new Error(mapped.error);
    expect(candidateIdentity(mapped.value)).toBe('cp-1_abc');
    expect(mapped.value.binaryVersion).toBe('1.36.3');
  });
  it('skips a candidate without leaseName', () =>
    expect(mapLeaseCandidate({ metadata: { name: 'x' }, spec: {} })).toHaveProperty('error'));
  it.each([
    [
      {
        v1beta1: { resources: [{ name: 'leases' }, { name: 'leasecandidates' }] },
        v1: { resources: [{ name: 'leases' }] },
      },
      'v1beta1',
    ],
    [{ v1alpha2: { resources: [{ name: 'leasecandidates' }] } }, 'v1alpha2'],
    [{ v1: { resources: [{ name: 'leases' }] } }, null],
    [{ v1beta1: { resources: 'garbage' } }, null],
  ])('discovery %# → %s', (documents, expected) => expect(pickServedVersion(documents)).toBe(expected));
});

describe('mapEndpointSlice', () => {
  it.each([
    [
      'three ready apiservers',
      {
        metadata: { name: 'kubernetes' },
        ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
        endpoints: [
          { addresses: ['10.0.0.11'], conditions: { ready: true } },
          { addresses: ['10.0.0.12'] },
          { addresses: ['10.0.0.13'], conditions: { ready: false }, nodeName: 'cp-3' },
        ],
      },
      [
        { address: '10.0.0.11', port: 6443, ready: true, nodeName: null },
        { address: '10.0.0.12', port: 6443, ready: true, nodeName: null },
        { address: '10.0.0.13', port: 6443, ready: false, nodeName: 'cp-3' },
      ],
    ],
    ['no port: nothing to probe', { metadata: { name: 'kubernetes' }, endpoints: [{ addresses: ['10.0.0.11'] }] }, []],
    [
      'malformed endpoints',
      {
        metadata: { name: 'kubernetes' },
        ports: [{ port: 443 }],
        endpoints: [{ addresses: [null, 7, '10.0.0.1'] }, 'junk', { conditions: {} }],
      },
      [{ address: '10.0.0.1', port: 443, ready: true, nodeName: null }],
    ],
  ])('%s', (_name, raw, endpoints) =>
    expect(mapEndpointSlice(raw)).toEqual({ key: 'kubernetes', value: { name: 'kubernetes', endpoints } }),
  );
});

describe('control-plane pods', () => {
  it.each([
    [
      [
        {
          command: [
            'kube-apiserver',
            '--advertise-address=10.0.0.11',
            '--etcd-servers=https://10.0.0.11:2379,https://10.0.0.12:2379',
          ],
        },
      ],
      ['https://10.0.0.11:2379', 'https://10.0.0.12:2379'],
    ],
    [[{ command: ['kube-apiserver'], args: ['--etcd-servers', 'https://127.0.0.1:2379'] }], ['https://127.0.0.1:2379']],
    [[{ command: ['kube-apiserver'] }], []],
    [['junk', { command: 'not-a-list' }], []],
  ])('--etcd-servers %#', (containers, expected) => expect(etcdServersOf(containers)).toEqual(expected));

  it('maps an apiserver mirror pod', () => {
    const raw = {
      metadata: { name: 'kube-apiserver-cp-1', labels: { component: 'kube-apiserver', tier: 'control-plane' } },
      spec: {
        nodeName: 'cp-1',
        containers: [{ command: ['kube-apiserver', '--etcd-servers=https://10.0.0.11:2379'] }],
      },
      status: { podIP: '10.0.0.11' },
    };
    expect(mapControlPlanePod(raw)).toEqual({
      key: 'kube-apiserver-cp-1',
      value: {
        name: 'kube-apiserver-cp-1',
        component: 'kube-apiserver',
        node: 'cp-1',
        podIP: '10.0.0.11',
        etcdServers: ['https://10.0.0.11:2379'],
        health: null,
        quotaBackendBytes: null,
        ready: null,
        componentLabel: 'component',
        containerStart: '?#?',
      },
    });
  });
  it('maps a pod without spec or status', () =>
    expect(mapControlPlanePod({ metadata: { name: 'etcd-cp-2', labels: { component: 'etcd' } } })).toEqual({
      key: 'etcd-cp-2',
      value: {
        name: 'etcd-cp-2',
        component: 'etcd',
        node: null,
        podIP: null,
        etcdServers: [],
        health: null,
        quotaBackendBytes: null,
        ready: null,
        componentLabel: 'component',
        containerStart: '?#?',
      },
    }));

  it.each([
    [
      'controller-manager, upstream defaults: every address',
      'kube-controller-manager',
      [{ command: ['kube-controller-manager'] }],
      { host: null, port: 10257 },
    ],
    [
      'scheduler on a chosen port and address',
      'kube-scheduler',
      [{ command: ['kube-scheduler', '--secure-port=11259', '--bind-address', '10.0.0.12'] }],
      { host: '10.0.0.12', port: 11259 },
    ],
    [
      'kubeadm default: loopback only',
      'kube-scheduler',
      [{ command: ['kube-scheduler', '--bind-address=127.0.0.1'] }],
      { reason: '--bind-address=127.0.0.1: health endpoint only reachable on the node' },
    ],
    [
      'secure serving off',
      'kube-controller-manager',
      [{ command: ['kube-controller-manager', '--secure-port=0'] }],
      { reason: '--secure-port=0: no secure health endpoint' },
    ],
    ['not a leader-elected component', 'etcd', [{ command: ['etcd'] }], null],
  ])('health target: %s', (_name, component, containers, expected) =>
    expect(healthTargetOf(component, containers)).toEqual(expected),
  );
});

describe('etcd quota', () => {
  it.each([
    [[{ command: ['etcd', '--quota-backend-bytes=8589934592'] }], 8_589_934_592],
    [[{ command: ['etcd'], args: ['--quota-backend-bytes', '4294967296'] }], 4_294_967_296],
    [[{ command: ['etcd', '--quota-backend-bytes=0'] }], null],
    [[{ command: ['etcd', '--quota-backend-bytes=8Gi'] }], null],
    [[{ command: ['etcd'] }], null],
  ])('--quota-backend-bytes %#', (containers, expected) => expect(quotaBackendBytesOf(containers)).toBe(expected));

  it('an etcd pod carries its quota', () => {
    const raw = {
      metadata: { name: 'etcd-cp-1', labels: { component: 'etcd' } },
      spec: { containers: [{ command: ['etcd', '--quota-backend-bytes=8589934592'] }] },
    };
    expect(mapControlPlanePod(raw)).toMatchObject({ value: { quotaBackendBytes: 8_589_934_592 } });
  });
});

describe('mapControlPlaneNode', () => {
  it.each([
    [
      {
        metadata: { name: 'cp-1', labels: { 'topology.kubernetes.io/zone': 'zone-a' } },
        status: {
          addresses: [{ address: '10.0.0.11' }, { address: 'cp-1' }],
          conditions: [{ type: 'Ready', status: 'True' }],
        },
      },
      {
        name: 'cp-1',
        addresses: ['10.0.0.11', 'cp-1'],
        zone: 'zone-a',
        ready: true,
        osImage: null,
        kubeletVersion: null,
        roles: [],
        etcdMemberName: null,
      },
    ],
    [
      { metadata: { name: 'cp-2' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } },
      {
        name: 'cp-2',
        addresses: [],
        zone: null,
        ready: null,
        osImage: null,
        kubeletVersion: null,
        roles: [],
        etcdMemberName: null,
      },
    ],
    [
      {
        metadata: { name: 'cp-3', labels: { 'topology.kubernetes.io/zone': '' } },
        status: { conditions: [{ type: 'Ready', status: 'False' }] },
      },
      {
        name: 'cp-3',
        addresses: [],
        zone: null,
        ready: false,
        osImage: null,
        kubeletVersion: null,
        roles: [],
        etcdMemberName: null,
      },
    ],
  ])('%#', (raw, value) => expect(mapControlPlaneNode(raw)).toEqual({ key: value.name, value }));
});

describe('readyz', () => {
  const body =
    '[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n[+]etcd-readiness ' +
    'ok\n[-]poststarthook/rbac/bootstrap-roles failed: not finished\nreadyz check failed\n';
  it('parses failing and passing checks', () => {
    expect(parseReadyzVerbose(body)).toEqual({
      passed: ['ping', 'log', 'etcd-readiness'],
      failed: ['etcd', 'poststarthook/rbac/bootstrap-roles'],
    });
    expect(etcdVerdict(parseReadyzVerbose(body))).toBe(false);
    expect(etcdVerdict(parseReadyzVerbose('[+]etcd ok\nreadyz check passed'))).toBe(true);
    expect(etcdVerdict(parseReadyzVerbose('ok'))).toBeNull();
  });
});

describe('etcd gateway', () => {
  const big = '11302309185988674844';
  it('keeps uint64 ids as strings, even when sent as bare numbers', () => {
    const parsed = parseGatewayJson(
      `{"header":{"member_id":${big}},"leader":"${big}",` +
        '"dbSize":"20480","raftTerm":"4","raftIndex":"99","version":"3.6.5"}',
    );
    const status = parseStatus(parsed);
    if ('error' in status) throw new Error(status.error);
    expect(status.memberId).toBe(big);
    expect(status.status).toMatchObject({
      leaderId: big,
      dbSizeBytes: 20480,
      raftTerm: '4',
      raftIndex: '99',
      isLearner: false,
      errors: [],
    });
  });
  it('reads a member list, skipping members without an ID', () => {
    expect(
      parseMemberList({
        members: [
          { ID: big, name: 'cp-1', peerURLs: ['https://10.0.0.11:2380'], clientURLs: ['https://10.0.0.11:2379'] },
          { name: 'no-id' },
        ],
      }),
    ).toEqual([
      {
        id: big,
        name: 'cp-1',
        peerURLs: ['https://10.0.0.11:2380'],
        clientURLs: ['https://10.0.0.11:2379'],
        isLearner: false,
      },
    ]);
    expect(parseMemberList({})).toHaveProperty('error');
  });
  it('reads alarms by name or by enum number', () => {
    expect(
      parseAlarms({
        alarms: [
          { memberID: big, alarm: 'NOSPACE' },
          { memberID: '5', alarm: 2 },
          { memberID: '6', alarm: 'NONE' },
        ],
      }),
    ).toEqual([
      { memberId: big, alarm: 'NOSPACE' },
      { memberId: '5', alarm: 'CORRUPT' },
    ]);
    expect(parseAlarms({ header: {} })).toEqual([]);
  });
  it('keeps a member that stopped answering, as unreachable', () => {
    const members = [
      { id: '1', name: 'cp-1', peerURLs: [], clientURLs: ['https://a:2379'], isLearner: false },
      { id: '2', name: 'cp-2', peerURLs: [], clientURLs: ['https://b:2379'], isLearner: false },
    ];
    const status = {
      leaderId: '1',
      raftTerm: '2',
      raftIndex: '5',
      dbSizeBytes: 1,
      dbSizeInUseBytes: null,
      version: '3.6',
      isLearner: false,
      errors: [],
    };
    const folded = foldEtcdAnswers(
      [],
      [
        { endpoint: 'https://a:2379', memberId: '1', status, members, alarms: [], error: null },
        {
          endpoint: 'https://b:2379',
          memberId: null,
          status: null,
          members: null,
          alarms: null,
          error: 'connect ECONNREFUSED',
        },
      ],
      100,
    );
    expect(folded.map((member) => [member.id, member.reachable, member.error])).toEqual([
      ['1', true, null],
      ['2', false, 'connect ECONNREFUSED'],
    ]);
    // Nobody answers: membership is remembered, all unreachable.
    const later = foldEtcdAnswers(
      folded,
      [{ endpoint: 'https://a:2379', memberId: null, status: null, members: null, alarms: null, error: 'timeout' }],
      200,
    );
    expect(later.map((member) => [member.id, member.reachable])).toEqual([
      ['1', false],
      ['2', false],
    ]);
  });
});

describe('assembly', () => {
  const instance = (address: string) => ({
    id: `${address}:6443`,
    address,
    port: 6443,
    host: null,
    node: null,
    inEndpointSlice: true,
    identityLease: null,
    identityRenewedAt: null,
    health: NO_HEALTH,
  });
  it.each([
    ['https://10.0.0.10:6443', 'load-balancer'],
    ['https://10.0.0.11:6443', 'instance'],
    ['https://lb.example:6443', 'load-balancer'],
  ])('front door %s is %s', (server, kind) =>
    expect(classifyFrontDoor(server, [instance('10.0.0.11'), instance('10.0.0.12')], NO_HEALTH).kind).toBe(kind),
  );
  it('front door is unknown before any instance is known', () =>
    expect(classifyFrontDoor('https://10.0.0.10:6443', [], NO_HEALTH).kind).toBe('unknown'));
});

describe('cluster config', () => {
  it('slugs context names into ids, keeping them unique', () => {
    expect(slugClusterId('kubernetes-admin@hawk-lab')).toBe('kubernetes-admin-hawk-lab');
    expect(uniqueIds(['a.b', 'a-b', '@@'])).toEqual(['a-b', 'a-b-2', 'cluster']);
  });
  it('accepts a valid file', () => {
    const result = parseConfigFile(
      'probeIntervalMs: 1000\nclusters:\n  - context: prod\n    labels: { environment: prod }\n    etcd: { ' +
        'endpoints: [https://10.0.0.11:2379], ca: /ca.crt, cert: /c.crt, key: /c.key }\n',
      'test',
    );
    expect(result).toMatchObject({
      config: { probeIntervalMs: 1000, clusters: [{ context: 'prod', labels: { environment: 'prod' } }] },
    });
  });
  it.each([
    ['clusters:\n  - context: prod\n    etcd: { endpoints: [not a url] }\n', 'clusters[0].etcd.endpoints[0]'],
    ['clusters:\n  - context: prod\n    probeIntervalMs: 5\n', 'clusters[0].probeIntervalMs'],
    ['clusters:\n  - context: prod\n    colour: red\n', 'clusters[0]'],
    ['clusters: []\n', 'clusters'],
    ['clusters:\n  - context: a\n  - context: a\n', 'clusters[1].context'],
    ['clusters: [\n', 'not valid YAML'],
    [
      'leaseNamespaces: [kube-node-lease]\nclusters:\n  - context: prod\n',
      'leaseNamespaces[0]: must be a namespace name other than kube-node-lease',
    ],
  ])('names the bad field: %#', (text, field) => {
    const result = parseConfigFile(text, 'HAWK_CONFIG x.yaml');
    expect('error' in result && result.error).toContain(field);
    expect('error' in result && result.error).toMatch(/^HAWK_CONFIG x\.yaml: /);
  });
});
