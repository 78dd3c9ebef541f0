import { etcdctl, type Rule } from './rule';

/** EtcdAlarm: a raised alarm. NOSPACE makes etcd read-only, CORRUPT means a member diverged. */
export const etcdAlarm: Rule = {
  id: 'EtcdAlarm',
  component: 'etcd',
  severity: 'critical',
  impact: 'down',
  summary: 'etcd has an alarm raised (NOSPACE, CORRUPT).',
  evaluate: (input, derived) => {
    if (!derived.etcdLive) return [];
    return input.etcd.alarms.map((alarm) => {
      const member = input.etcd.members.find((m) => m.id === alarm.memberId)?.name ?? alarm.memberId;
      const known = alarm.alarm === 'NOSPACE' || alarm.alarm === 'CORRUPT';
      return {
        subject: `${alarm.alarm}:${alarm.memberId}`,
        title: `etcd alarm ${alarm.alarm} on ${member}${alarm.alarm === 'NOSPACE' ? ': etcd is read-only' : ''}`,
        evidence: { alarm: alarm.alarm, member, memberId: alarm.memberId },
        ...(known ? {} : { severity: 'warning' as const, impact: 'degraded' as const }),
        remediation:
          alarm.alarm === 'NOSPACE'
            ? 'The backend hit its quota: compact old revisions, defragment every member, then disarm the ' +
              'alarm; raise --quota-backend-bytes if the data really grew.'
            : alarm.alarm === 'CORRUPT'
              ? "A member's data diverged: remove and re-add that member from a healthy snapshot; do not " +
                'disarm until it is replaced.'
              : "Read the alarm in etcd's logs before disarming it.",
        commands:
          alarm.alarm === 'NOSPACE'
            ? [
                etcdctl('alarm list'),
                etcdctl('endpoint status --cluster -w table'),
                etcdctl('defrag --cluster'),
                etcdctl('alarm disarm'),
              ]
            : [etcdctl('alarm list'), etcdctl('member list -w table')],
      };
    });
  },
};
