import { describe, expect, it } from 'vitest';
import { parseLease } from './parse-lease';

const base = { metadata: { name: 'kube-scheduler', namespace: 'kube-system', resourceVersion: '42' } };

describe('parseLease', () => {
  it.each([
    ['not an object', 'x', { error: 'lease is not an object' }],
    ['null', null, { error: 'lease is not an object' }],
    ['an array', [], { error: 'lease is not an object' }],
    ['no name', { metadata: {} }, { error: 'lease has no metadata.name' }],
  ])('%s is an error', (_name, raw, expected) => {
    expect(parseLease(raw)).toEqual(expected);
  });

  it.each([
    [
      'a full lease with Date objects from client-node',
      {
        ...base,
        spec: {
          holderIdentity: 'cp-1_abc',
          renewTime: new Date('2026-01-01T00:00:02.5Z'),
          acquireTime: '2026-01-01T00:00:00.000000Z',
          leaseDurationSeconds: 15,
          leaseTransitions: 3,
          strategy: 'OldestEmulationVersion',
        },
      },
      {
        holderIdentity: 'cp-1_abc',
        renewTime: '2026-01-01T00:00:02.500Z',
        acquireTime: '2026-01-01T00:00:00.000000Z',
        leaseDurationSeconds: 15,
        leaseTransitions: 3,
        strategy: 'OldestEmulationVersion',
        resourceVersion: '42',
      },
    ],
    [
      'no spec at all',
      base,
      { holderIdentity: null, renewTime: null, acquireTime: null, leaseDurationSeconds: null, leaseTransitions: null },
    ],
    [
      'empty holder, zero duration',
      { ...base, spec: { holderIdentity: '', leaseDurationSeconds: 0 } },
      { holderIdentity: null, leaseDurationSeconds: 0 },
    ],
    [
      'garbage times and numbers',
      {
        ...base,
        spec: {
          renewTime: 'yesterday',
          acquireTime: new Date('nope'),
          leaseDurationSeconds: 'ten',
          leaseTransitions: Number.NaN,
        },
      },
      { renewTime: null, acquireTime: null, leaseDurationSeconds: null, leaseTransitions: null },
    ],
    ['no namespace or resourceVersion', { metadata: { name: 'x' } }, { namespace: 'default', resourceVersion: '' }],
    [
      'labels kept, non-strings dropped',
      { metadata: { name: 'x', labels: { 'apiserver.kubernetes.io/identity': 'kube-apiserver', n: 1 } } },
      { labels: { 'apiserver.kubernetes.io/identity': 'kube-apiserver' } },
    ],
  ])('%s', (_name, raw, expected) => {
    expect(parseLease(raw)).toMatchObject(expected);
  });
});
