import { describe, expect, it } from 'vitest';
import type { EtcdMember } from '../model/etcd';
import type { ControlPlaneNode, ControlPlanePod } from '../model/node';
import { DEFAULT_ETCD_QUOTA_BYTES, etcdTopology, smallestEtcdQuota } from './topology';

const nodes: ControlPlaneNode[] = [{ name: 'cp-1', addresses: ['10.0.0.11'], zone: null, ready: true }];
const member = (url: string): EtcdMember => ({
  id: url,
  name: url,
  peerURLs: [],
  clientURLs: [url],
  isLearner: false,
  reachable: true,
  status: null,
  error: null,
  checkedAt: null,
});
const apiserver = (etcdServers: string[]): ControlPlanePod => ({
  name: 'kube-apiserver-cp-1',
  component: 'kube-apiserver',
  node: 'cp-1',
  podIP: '10.0.0.11',
  etcdServers,
});

describe('etcdTopology', () => {
  it.each([
    ['a member on a node address', [member('https://10.0.0.11:2379')], nodes, [], 'stacked'],
    ['a member elsewhere', [member('https://10.0.0.50:2379')], nodes, [], 'external'],
    ['one of each', [member('https://10.0.0.11:2379'), member('https://10.0.0.50:2379')], nodes, [], 'unknown'],
    ['the apiserver reaching etcd on loopback', [], nodes, [apiserver(['https://127.0.0.1:2379'])], 'stacked'],
    [
      'an etcd pod address',
      [member('https://10.0.0.99:2379')],
      [],
      [{ name: 'etcd-x', component: 'etcd', node: 'cp-9', podIP: '10.0.0.99', etcdServers: [] }],
      'stacked',
    ],
    ['nothing to compare with', [member('https://10.0.0.11:2379')], [], [], 'unknown'],
    ['no address known', [], nodes, [], 'unknown'],
  ] as const)('%s → %s', (_, members, nodeList, pods, topology) => {
    const result = etcdTopology(members, nodeList, pods);
    expect(result.topology).toBe(topology);
    expect(result.evidence.length).toBeGreaterThan(0);
  });
});

describe('smallestEtcdQuota', () => {
  it.each([
    [[], DEFAULT_ETCD_QUOTA_BYTES],
    [[null, null], DEFAULT_ETCD_QUOTA_BYTES],
    [[8 * 1024 ** 3, null], DEFAULT_ETCD_QUOTA_BYTES],
    [[8 * 1024 ** 3, 4 * 1024 ** 3], 4 * 1024 ** 3],
  ])('%j → %d', (quotas, expected) => expect(smallestEtcdQuota(quotas)).toBe(expected));
});
