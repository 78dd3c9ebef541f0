import { describe, expect, it } from 'vitest';
import type { ApiServerInstance } from '../model/apiserver';
import type { EtcdMember } from '../model/etcd';
import type { ControlPlaneNode } from '../model/node';
import { hostOf, nodeOfInstance, nodeOfMember } from './placement';

const nodes: ControlPlaneNode[] = [
  { name: 'cp-1', addresses: ['10.0.0.11'], zone: null, ready: true },
  { name: 'cp-2', addresses: ['10.0.0.12', 'fd00::12'], zone: null, ready: true },
];

describe('placement', () => {
  it.each([
    ['https://10.0.0.11:2379', '10.0.0.11'],
    ['https://[fd00::12]:2380', 'fd00::12'],
    ['not a url', null],
  ])('host of %s', (url, host) => {
    expect(hostOf(url)).toBe(host);
  });

  it.each([
    [{ node: 'cp-9', address: null, host: null }, 'cp-9'],
    [{ node: null, address: '10.0.0.12', host: null }, 'cp-2'],
    [{ node: null, address: null, host: 'cp-1' }, 'cp-1'],
    [{ node: null, address: '192.168.0.1', host: 'elsewhere' }, null],
  ])('instance %j is on %s', (instance, node) => {
    expect(nodeOfInstance(instance as ApiServerInstance, nodes)).toBe(node);
  });

  it.each([
    [{ name: 'cp-1', peerURLs: [], clientURLs: [] }, 'cp-1'],
    [{ name: 'etcd-b', peerURLs: ['https://[fd00::12]:2380'], clientURLs: [] }, 'cp-2'],
    [{ name: 'etcd-c', peerURLs: ['https://10.9.9.9:2380'], clientURLs: ['bogus'] }, null],
  ])('member %j is on %s', (member, node) => {
    expect(nodeOfMember(member as unknown as EtcdMember, nodes)).toBe(node);
  });
});
