'use client';

import type { Freshness, LeaseView } from '@hawk/core';
import { formatClock, formatDuration, formatMs } from '../lib/format';
import { HANDOVER_TEXT, LEASE_STATUS_TEXT, leaseHolder, leaseWindowMs, skewNote } from '../lib/selectors';
import type { Display } from '../lib/verdict-display';
import { CountdownRing } from './countdown-ring';
import { FreshnessLabel } from './freshness-label';
import { StatusTag } from './status-icon';
import { useCountdownStop, useViewNow } from './view-time';

const STATUS_DISPLAY: Readonly<Record<LeaseView['status'], Display>> = {
  held: { label: LEASE_STATUS_TEXT.held, tone: 'ok', shape: 'check' },
  'renew-overdue': { label: LEASE_STATUS_TEXT['renew-overdue'], tone: 'warn', shape: 'triangle' },
  expired: { label: LEASE_STATUS_TEXT.expired, tone: 'bad', shape: 'cross' },
  'no-holder': { label: LEASE_STATUS_TEXT['no-holder'], tone: 'bad', shape: 'cross' },
  malformed: { label: LEASE_STATUS_TEXT.malformed, tone: 'warn', shape: 'question' },
  unknown: { label: LEASE_STATUS_TEXT.unknown, tone: 'unknown', shape: 'question' },
};

/** Transitions shown per lease; the timeline holds the rest. */
const TRANSITIONS_SHOWN = 3;

function Lease({ lease, watch }: { lease: LeaseView; watch: Freshness | undefined }) {
  const now = useViewNow();
  const stopAt = useCountdownStop();
  const holder = leaseHolder(lease);
  const display = STATUS_DISPLAY[lease.status];
  // Core judged who stands by (standbysOf); the card lists exactly that.
  const others = lease.standbys;
  const transitions = lease.transitions.slice(-TRANSITIONS_SHOWN).reverse();
  const skew = skewNote(lease);
  return (
    <article className={`lease lease-${lease.status}`} data-testid="lease" data-lease={lease.component}>
      <h3>{lease.component}</h3>
      <div className="lease-main">
        <CountdownRing
          expiresAt={lease.expiresAt}
          windowMs={leaseWindowMs(lease)}
          frozenAt={stopAt}
          tone={display.tone}
          label={`${lease.component} lease: seconds left before the deadline`}
        />
        <div className="lease-holder">
          <StatusTag display={display} />
          <div className="holder-node" data-testid="lease-holder-node">
            {holder.node ? `on ${holder.node}` : holder.identity ? 'node unknown' : 'no holder'}
          </div>
          <div className="holder-name" data-testid="lease-holder" title="holder identity">
            {holder.identity ?? 'no holder'}
          </div>
          {lease.holderSinceAt !== null && now !== 0 && (
            <div className="muted">leading for {formatDuration(now - lease.holderSinceAt)}</div>
          )}
          {lease.observedRenewAt !== null && (
            <div className="muted detail-only">last renewal seen {formatClock(lease.observedRenewAt)}</div>
          )}
        </div>
      </div>
      {skew && (
        <p
          className="skew-note"
          data-testid="skew-note"
          title={`skewMs = ${lease.skewMs}: hawk's clock at the observed renewal minus the holder's renewTime`}
        >
          {skew}
        </p>
      )}
      <div className="standbys" data-testid="standbys">
        <span className="label">standbys ({others.length}):</span>{' '}
        {others.length === 0 ? (
          <span className="muted">none: no one to take over</span>
        ) : (
          others.map((c) => (
            <span key={c.identity} className="chip" data-testid="standby" title={c.identity}>
              {c.node ?? c.identity}
            </span>
          ))
        )}
      </div>
      {transitions.length > 0 && (
        <ul className="transitions detail-only">
          {transitions.map((t) => (
            <li key={`${t.at}-${t.to}`}>
              {formatClock(t.at)} {t.from ?? 'nobody'} → {t.to ?? 'nobody'}
              {t.handover && <span className={`handover handover-${t.handover}`}> {HANDOVER_TEXT[t.handover]}</span>}
              {t.leaderlessMs !== null && <span className="gap"> leaderless {formatMs(t.leaderlessMs)}</span>}
            </li>
          ))}
        </ul>
      )}
      <FreshnessLabel freshness={watch} />
    </article>
  );
}

/**
 * Active-standby: per leader lease, who leads, how long until its lease runs out, who waits. `watch` is the leases
 * watch's freshness (state.sources.leases), one for all: core keeps no copy per lease, which would change every lease
 * at every renewal and make each patch carry them all.
 */
export function LeasesPanel({ leases, watch }: { leases: readonly LeaseView[]; watch: Freshness | undefined }) {
  return (
    <section className="panel" aria-label="leader election">
      <header className="panel-head">
        <h2>Leader election</h2>
      </header>
      {leases.length === 0 ? (
        <p className="muted">no leader-election leases seen</p>
      ) : (
        leases.map((lease) => <Lease key={`${lease.namespace}/${lease.name}`} lease={lease} watch={watch} />)
      )}
    </section>
  );
}
