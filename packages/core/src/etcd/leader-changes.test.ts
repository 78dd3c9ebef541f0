import { describe, expect, it } from 'vitest';
import type { EtcdView } from '../model/etcd';
import { anEtcdView } from '../testing/etcd-view';
import { observeEtcdLeader } from './leader-changes';

const view = (leaderId: string | null, raftTerm: string | null = '2'): EtcdView => anEtcdView({ leaderId, raftTerm });

function fold(reads: readonly EtcdView[], keep?: number): EtcdView {
  let current: EtcdView | undefined;
  reads.forEach((read, i) => (current = observeEtcdLeader(current, read, i * 1000, keep)));
  return current!;
}

describe('observeEtcdLeader', () => {
  it.each([
    ['first read is no change', [view('a')], []],
    ['same leader, same term', [view('a'), view('a')], []],
    ['leader moves', [view('a'), view('b', '3')], [{ at: 1000, from: 'a', to: 'b' }]],
    ['same leader re-elected in a new term', [view('a'), view('a', '3')], [{ at: 1000, from: 'a', to: 'a' }]],
    ['a gap with no leader, then the same leader', [view('a'), view(null, null), view('a')], []],
    [
      'a gap with no leader, then another one',
      [view('a'), view(null, null), view('b', '4')],
      [{ at: 2000, from: 'a', to: 'b' }],
    ],
    ['no leader ever known, then one', [view(null, null), view('a')], []],
  ])('%s', (_name, reads, changes) => {
    expect(fold(reads).leaderChanges).toEqual(changes);
  });

  it('keeps a bounded list', () => {
    const reads = Array.from({ length: 10 }, (_, i) => view(i % 2 ? 'a' : 'b', String(i)));
    expect(fold(reads, 4).leaderChanges).toHaveLength(4);
  });
});
