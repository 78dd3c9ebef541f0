import { describe, expect, it } from 'vitest';
import type { KubeClient, KubeStream } from '../../src/clusters/kube-client';
import {
  apiGroupNamesOf,
  clusterInfoSession,
  gitVersionOf,
  parseKubeadmConfig,
  readClusterInfo,
} from '../../src/sources/cluster-info';

// kubeadm v1beta4 writes its ClusterConfiguration into kube-system/kubeadm-config as YAML.
const stacked = `apiServer: {}
apiVersion: kubeadm.k8s.io/v1beta4
certificatesDir: /etc/kubernetes/pki
clusterName: kubernetes
controlPlaneEndpoint: cp.example.internal:6443
etcd:
  local:
    dataDir: /var/lib/etcd
kind: ClusterConfiguration
kubernetesVersion: v1.36.3
`;
const external = `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
clusterName: prod-eu
etcd:
  external:
    endpoints:
    - https://10.0.0.50:2379
    caFile: /etc/kubernetes/pki/etcd/ca.crt
`;

describe('kubeadm-config', () => {
  it.each([
    [
      'stacked, with an endpoint',
      { data: { ClusterConfiguration: stacked } },
      {
        controlPlaneEndpoint: 'cp.example.internal:6443',
        etcd: 'local',
        kubernetesVersion: 'v1.36.3',
        clusterName: 'kubernetes',
      },
    ],
    [
      'external etcd, no endpoint (one control-plane node)',
      { data: { ClusterConfiguration: external } },
      { controlPlaneEndpoint: null, etcd: 'external', kubernetesVersion: null, clusterName: 'prod-eu' },
    ],
    [
      'no etcd section: kubeadm defaults to local',
      { data: { ClusterConfiguration: 'kind: ClusterConfiguration\n' } },
      { controlPlaneEndpoint: null, etcd: 'local', kubernetesVersion: null, clusterName: null },
    ],
    [
      'not YAML',
      { data: { ClusterConfiguration: 'etcd: [unclosed' } },
      { controlPlaneEndpoint: null, etcd: null, kubernetesVersion: null, clusterName: null },
    ],
    ['no data', {}, { controlPlaneEndpoint: null, etcd: null, kubernetesVersion: null, clusterName: null }],
  ])('%s', (_name, configMap, expected) => expect(parseKubeadmConfig(configMap)).toEqual(expected));
});

describe('version and API groups', () => {
  it('reads them', () => {
    expect(gitVersionOf({ major: '1', minor: '31', gitVersion: 'v1.31.4+k3s1' })).toBe('v1.31.4+k3s1');
    expect(gitVersionOf({})).toBeNull();
    expect(
      apiGroupNamesOf({
        kind: 'APIGroupList',
        groups: [{ name: 'apps' }, { name: 'config.openshift.io' }, { nope: 1 }],
      }),
    ).toEqual(['apps', 'config.openshift.io']);
  });
});

/** A client answering fixed statuses and bodies per path, as an apiserver would. */
function fakeClient(answers: Record<string, [number, unknown]>): KubeClient {
  const open = async (path: string): Promise<KubeStream> => {
    const [status, body] = answers[path] ?? [404, { kind: 'Status' }];
    return { status, base: 'https://lab:6443', body: { text: async () => JSON.stringify(body) } as KubeStream['body'] };
  };
  return {
    server: 'https://lab:6443',
    setInstanceBases: () => {},
    open,
    openAt: (_base, path) => open(path),
    openSession: () => Promise.reject(new Error('no HTTP/2 in this fake')),
    servingCertificate: () => Promise.reject(new Error('no TLS in this fake')),
    clientCertificate: async () => null,
    close: async () => {},
  };
}

describe('readClusterInfo', () => {
  const version: [number, unknown] = [200, { gitVersion: 'v1.36.3' }];
  const groups: [number, unknown] = [200, { groups: [{ name: 'coordination.k8s.io' }] }];
  it.each([
    [
      'kubeadm',
      [200, { data: { ClusterConfiguration: stacked } }],
      {
        controlPlaneEndpoint: 'cp.example.internal:6443',
        etcd: 'local',
        kubernetesVersion: 'v1.36.3',
        clusterName: 'kubernetes',
      },
    ],
    ['not kubeadm', [404, {}], 'absent'],
    ['no Role for it', [403, {}], 'forbidden'],
    ['a server error: unknown, not absent', [500, {}], null],
  ] as const)('%s', async (_name, configMap, expected) => {
    const client = fakeClient({
      '/version': version,
      '/apis': groups,
      '/api/v1/namespaces/kube-system/configmaps/kubeadm-config': configMap as [number, unknown],
    });
    expect(await readClusterInfo(client, new AbortController().signal)).toEqual({
      gitVersion: 'v1.36.3',
      apiGroups: ['coordination.k8s.io'],
      kubeadmConfig: expected,
    });
  });

  it('fails when the first /version does not answer, so the supervisor retries', async () => {
    await expect(readClusterInfo(fakeClient({ '/version': [503, {}] }), new AbortController().signal)).rejects.toThrow(
      'GET /version: HTTP 503',
    );
  });

  it('a re-read that fails (a fault under way) keeps what was known', async () => {
    const known = {
      gitVersion: 'v1.36.3',
      apiGroups: ['apps'],
      kubeadmConfig: { controlPlaneEndpoint: 'lb:6443', etcd: 'local', kubernetesVersion: null },
    } as const;
    const broken: KubeClient = {
      ...fakeClient({}),
      open: async () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.10:6443')),
    };
    expect(await readClusterInfo(broken, new AbortController().signal, known)).toEqual(known);
    await expect(readClusterInfo(broken, new AbortController().signal)).rejects.toThrow(
      'GET /version: connect ECONNREFUSED',
    );
    // kubeadm-config behind an etcd without quorum: 500 or a timeout, while /version still answers.
    expect(
      await readClusterInfo(
        fakeClient({
          '/version': version,
          '/apis': groups,
          '/api/v1/namespaces/kube-system/configmaps/kubeadm-config': [500, {}],
        }),
        new AbortController().signal,
        known,
      ),
    ).toMatchObject({ kubeadmConfig: known.kubeadmConfig });
  });

  it('the session reads again after its period and ends when aborted', async () => {
    const readings: unknown[] = [];
    const abort = new AbortController();
    let synced = 0;
    const run = clusterInfoSession(
      fakeClient({ '/version': version, '/apis': groups }),
      (info) => readings.push(info),
      20,
    )(abort.signal, { activity: () => {}, synced: () => (synced += 1), unavailable: () => {}, dropped: () => {} });
    const deadline = Date.now() + 5000;
    while (readings.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    abort.abort();
    await run;
    expect(readings.length).toBeGreaterThanOrEqual(2);
    expect(synced).toBe(readings.length);
  });
});
