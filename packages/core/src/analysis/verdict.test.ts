import { describe, expect, it } from 'vitest';
import type { ClusterInput } from '../model/cluster';
import type { Impact } from '../rules/rule';
import { verdictOf } from './verdict';

const input = (fields: Partial<ClusterInput>) =>
  ({ reachability: { state: 'reachable' }, controlPlaneHidden: false, ...fields }) as ClusterInput;

describe('verdictOf', () => {
  it.each<[string, Partial<ClusterInput>, Impact[], string]>([
    ['nothing wrong', {}, ['none'], 'ha-ok'],
    ['degraded', {}, ['degraded', 'none'], 'degraded'],
    ['a spof outranks degraded', {}, ['degraded', 'spof'], 'spof'],
    ['a stale view outranks spof', {}, ['spof', 'unknown'], 'unknown'],
    ['down outranks all', {}, ['unknown', 'down', 'spof'], 'down'],
    ['managed', { controlPlaneHidden: true }, ['none'], 'not-visible'],
    ['unreachable', { reachability: { state: 'unreachable', error: 'x', since: 0 } }, ['unknown'], 'unknown'],
    ['connecting', { reachability: { state: 'connecting' } }, [], 'unknown'],
  ])('%s', (_name, fields, impacts, verdict) => {
    expect(verdictOf(input(fields), impacts)).toBe(verdict);
  });
});
