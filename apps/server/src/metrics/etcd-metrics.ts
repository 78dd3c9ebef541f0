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
    name: 'hawk_etcd_db_quota_bytes',
    help: 'Backend quota of the members (--quota-backend-bytes; 2 GiB when not known).',
    type: 'gauge',
    labelNames: ['cluster'],
    generate: whenKnown((state) => [{ labels: { cluster: state.identity.id }, value: state.etcd.quotaBytes }]),
  },
];
