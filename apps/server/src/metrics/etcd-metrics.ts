import type { ClusterState } from '@hawk/core';
import { bit, type ClusterFamily, type Sample } from './family';

/** etcd is only described when hawk has a source for it; "none" yields no samples at all. */
const whenKnown = (generate: (state: ClusterState) => readonly Sample[]) => (state: ClusterState) =>
  state.etcd.source === 'none' ? [] : generate(state);

export const etcdFamilies: readonly ClusterFamily[] = [
  {
    name: 'hawk_etcd_members',
    help: 'etcd voting members: all of them (state="total") and those answering healthy (state="healthy").',
    type: 'gauge',
    labelNames: ['cluster', 'state'],
    generate: whenKnown((state) => [
      { labels: { cluster: state.identity.id, state: 'total' }, value: state.etcd.quorum.voters },
      { labels: { cluster: state.identity.id, state: 'healthy' }, value: state.etcd.quorum.healthy },
    ]),
  },
  {
    name: 'hawk_etcd_has_leader',
    help: 'Whether the etcd cluster reports a leader.',
    type: 'gauge',
    labelNames: ['cluster'],
    generate: whenKnown((state) => [
      { labels: { cluster: state.identity.id }, value: bit(state.etcd.leaderId !== null) },
    ]),
  },
  {
    name: 'hawk_etcd_quorum_size',
    help: 'Voters needed for quorum: floor(voters/2)+1.',
    type: 'gauge',
    labelNames: ['cluster'],
    generate: whenKnown((state) => [{ labels: { cluster: state.identity.id }, value: state.etcd.quorum.quorum }]),
  },
  {
    name: 'hawk_etcd_failures_tolerated',
    help: 'How many more voters may fail with quorum kept (negative when quorum is lost).',
    type: 'gauge',
    labelNames: ['cluster'],
    generate: whenKnown((state) => [
      { labels: { cluster: state.identity.id }, value: state.etcd.quorum.failuresTolerated },
    ]),
  },
  {
    name: 'hawk_etcd_db_size_bytes',
    help: "Size of the member's backend database.",
    type: 'gauge',
    labelNames: ['cluster', 'member'],
    generate: (state) =>
      state.etcd.members.flatMap((member) =>
        member.status
          ? [{ labels: { cluster: state.identity.id, member: member.name }, value: member.status.dbSizeBytes }]
          : [],
      ),
  },
  {
    // Core's projection, exported rather than re-fitted by predict_linear, so the rule and the page say one ETA.
    name: 'hawk_etcd_db_quota_full_timestamp_seconds',
    help:
      "Unix time at which the member's DB reaches the quota at its recent growth, as core projects it; absent " +
      'while the DB is flat or shrinking, or hawk has too few reads to say.',
    type: 'gauge',
    labelNames: ['cluster', 'member'],
    generate: whenKnown((state) =>
      state.etcd.dbUse.flatMap((use) => {
        const member = state.etcd.members.find((m) => m.id === use.memberId);
        const fullAt = use.trend?.fullAt;
        return member && fullAt != null
          ? [{ labels: { cluster: state.identity.id, member: member.name }, value: fullAt / 1000 }]
          : [];
      }),
    ),
  },
  {
    // Core's judgement per member (its EtcdDegrading finding), so a rule needs no copy of etcd's tuning guidance.
    name: 'hawk_etcd_member_degrading',
    help:
      "Whether core judges the member degrading (EtcdDegrading: its own metrics past etcd's tuning guidance); 0 " +
      'also while hawk cannot read its /metrics.',
    type: 'gauge',
    labelNames: ['cluster', 'member'],
    generate: whenKnown((state) =>
      state.etcd.members.map((member) => ({
        labels: { cluster: state.identity.id, member: member.name },
        value: bit(state.findings.some((f) => f.ruleId === 'EtcdDegrading' && f.subject === member.name)),
      })),
    ),
  },
  {
    name: 'hawk_etcd_db_quota_bytes',
    help: 'Backend quota of the members (--quota-backend-bytes; 2 GiB when not known).',
    type: 'gauge',
    labelNames: ['cluster'],
    generate: whenKnown((state) => [{ labels: { cluster: state.identity.id }, value: state.etcd.quotaBytes }]),
  },
];
