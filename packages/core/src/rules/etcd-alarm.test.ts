import { describe, expect, it } from 'vitest';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { etcdAlarm } from './etcd-alarm';

describe('EtcdAlarm', () => {
  it.each([
    ['NOSPACE', 'etcd alarm NOSPACE on cp-2: etcd is read-only', undefined, 'alarm disarm'],
    ['CORRUPT', 'etcd alarm CORRUPT on cp-2', undefined, 'member list -w table'],
    ['SOMETHING', 'etcd alarm SOMETHING on cp-2', 'warning', 'member list -w table'],
  ])('%s', (alarm, title, severity, command) => {
    const [draft, ...rest] = judgeRule(etcdAlarm, aCluster().withEtcd(3).raiseEtcdAlarm(alarm, 2));
    expect(rest).toEqual([]);
    expect(draft!.title).toBe(title);
    expect(draft!.severity).toBe(severity);
    expect(draft!.commands.some((c) => c.endsWith(command))).toBe(true);
  });

  it('none raised', () => {
    expect(judgeRule(etcdAlarm, aCluster().withEtcd(3))).toEqual([]);
  });
});
