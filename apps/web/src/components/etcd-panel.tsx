import type { ClusterState, EtcdDbUse, EtcdMember } from '@hawk/core';
import { formatBytes } from '../lib/format';
import { quorumText } from '../lib/selectors';
import { healthDisplay } from '../lib/verdict-display';
import { FreshnessLabel } from './freshness-label';
import { StatusTag } from './status-icon';

type Etcd = ClusterState['etcd'];

function QuorumBar({ quorum }: { quorum: Etcd['quorum'] }) {
  const cells = Array.from({ length: quorum.voters }, (_, index) => index < quorum.healthy);
  const tone = !quorum.hasQuorum ? 'bad' : quorum.failuresTolerated < 1 ? 'warn' : 'ok';
  return (
    <div className={`quorum tone-${tone}`} data-testid="quorum">
      <div className="quorum-cells" aria-hidden="true">
        {cells.map((healthy, index) => (
          <span
            key={index}
            className={[
              'quorum-cell',
              healthy ? 'quorum-cell-up' : 'quorum-cell-down',
              index === quorum.quorum - 1 ? 'quorum-line' : '',
            ]
              .filter(Boolean)
              .join(' ')}
          />
        ))}
      </div>
      <strong className="quorum-text">{quorumText(quorum)}</strong>
      {quorum.evenCount && <p className="muted">even member count: no more fault tolerance than one member fewer</p>}
    </div>
  );
}

const DB_TONE: Readonly<Record<EtcdDbUse['severity'], string>> = { ok: 'ok', warning: 'warn', critical: 'bad' };

/** The DB against the quota, coloured by the severity core judged (the EtcdDbNearQuota finding's). */
function DbBar({ bytes, quota, use }: { bytes: number; quota: number; use: EtcdDbUse | undefined }) {
  const width = use ? Math.min(1, use.ratio) : 0;
  return (
    <div className="db" title={`${formatBytes(bytes)} of ${formatBytes(quota)} quota`}>
      <div
        className={`db-bar tone-${use ? DB_TONE[use.severity] : 'unknown'}`}
        data-testid="etcd-db"
        data-severity={use?.severity ?? 'unknown'}
      >
        <span style={{ width: `${(width * 100).toFixed(1)}%` }} />
      </div>
      <span className="db-text">
        {formatBytes(bytes)} / {formatBytes(quota)}
      </span>
    </div>
  );
}

function Member({
  member,
  leader,
  quota,
  use,
}: {
  member: EtcdMember;
  leader: boolean;
  quota: number;
  use: EtcdDbUse | undefined;
}) {
  return (
    <li
      className={`member${member.reachable ? '' : ' member-down'}${leader ? ' member-leader' : ''}`}
      data-testid="etcd-member"
    >
      <div className="member-name">
        <strong>{member.name || member.id}</strong>
        {leader && (
          <span className="leader-mark" data-testid="etcd-leader">
            ★ leader
          </span>
        )}
        {member.isLearner && <span className="chip">learner</span>}
      </div>
      <StatusTag display={healthDisplay(member.reachable, ['healthy', 'unreachable', 'unknown'])} />
      {member.status ? (
        <>
          <span className="muted detail-only">v{member.status.version}</span>
          <DbBar bytes={member.status.dbSizeBytes} quota={quota} use={use} />
        </>
      ) : (
        member.error && <p className="failed-checks">{member.error}</p>
      )}
    </li>
  );
}

const TOPOLOGY_TEXT: Readonly<Record<Etcd['topology'], string>> = {
  stacked: 'stacked (etcd on the control-plane nodes)',
  external: 'external (etcd on its own hosts)',
  unknown: 'topology unknown',
  'managed-hidden': 'managed: hidden by the provider',
};

/** The store: members and their leader, quorum, space, and where etcd lives. */
export function EtcdPanel({ etcd }: { etcd: Etcd }) {
  return (
    <section className="panel" aria-label="etcd">
      <header className="panel-head">
        <h2>etcd</h2>
        {etcd.raftTerm && <span className="panel-figure">raft term {etcd.raftTerm}</span>}
      </header>
      {etcd.source === 'apiserver-readyz' && (
        <p className="source-note" data-testid="etcd-source">
          via apiserver /readyz
          {etcd.readyzEtcd ? `: ${etcd.readyzEtcd.ok}/${etcd.readyzEtcd.answered} apiservers report etcd ok` : ''}
        </p>
      )}
      {etcd.source === 'none' && (
        <p className="source-note">no etcd data: neither the etcd API nor apiserver /readyz answered</p>
      )}
      <QuorumBar quorum={etcd.quorum} />
      {etcd.alarms.length > 0 && (
        <p className="failed-checks">
          alarms: {etcd.alarms.map((alarm) => `${alarm.alarm} on ${alarm.memberId}`).join(', ')}
        </p>
      )}
      <ul className="members">
        {etcd.members.map((member) => (
          <Member
            key={member.id}
            member={member}
            leader={etcd.leaderId === member.id}
            quota={etcd.quotaBytes}
            use={etcd.dbUse.find((use) => use.memberId === member.id)}
          />
        ))}
      </ul>
      <div className="topology">
        <strong>{TOPOLOGY_TEXT[etcd.topology]}</strong>
        {etcd.topologyEvidence.length > 0 && (
          <ul className="evidence-list detail-only">
            {etcd.topologyEvidence.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
      </div>
      <FreshnessLabel freshness={etcd.freshness} />
    </section>
  );
}
