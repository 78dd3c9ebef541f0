'use client';

import type { ClusterState } from '@hawk/core';
import type { ReactNode } from 'react';
import { formatClock, formatDateTime } from '../lib/format';
import { failureImpactLine } from '../lib/selectors';
import { useVerdictChange } from '../lib/use-verdict-change';
import { VERDICT_DISPLAY } from '../lib/verdict-display';
import { ApiServersPanel } from './apiservers-panel';
import { CertificatesPanel } from './certificates-panel';
import { ClusterName } from './cluster-name';
import { DistributionLabel } from './distribution-label';
import { VerdictChangeNote } from './cluster-tile';
import { EtcdPanel } from './etcd-panel';
import { FailureImpactsPanel } from './failure-impacts-panel';
import { FindingsPanel } from './findings-panel';
import { FreshnessLabel } from './freshness-label';
import { LeasesPanel } from './leases-panel';
import { StatusTag } from './status-icon';
import { FrozenAtContext } from './view-time';

export interface ClusterViewProps {
  readonly state: ClusterState;
  /** The replayed instant when showing the past, null when live. */
  readonly pastAt?: number | null;
  readonly highlightFinding?: string | null;
  /** The timeline, owned by the page (it fetches history). */
  readonly timeline?: ReactNode;
}

function Reachability({ state }: { state: ClusterState }) {
  const { reachability } = state;
  if (reachability.state === 'reachable') return null;
  if (reachability.state === 'connecting')
    return (
      <p className="cluster-notice tone-unknown" data-testid="reachability">
        connecting to the cluster…
      </p>
    );
  return (
    <p className="cluster-notice tone-bad" data-testid="reachability">
      <strong>unreachable since {formatClock(reachability.since)}</strong>: {reachability.error}. What is shown below is
      the last known state.
    </p>
  );
}

/** One cluster, laid out like its control plane: findings on top, then the three tiers, N-1 and history. */
export function ClusterView({ state, pastAt = null, highlightFinding = null, timeline = null }: ClusterViewProps) {
  const verdict = VERDICT_DISPLAY[state.verdict];
  const change = useVerdictChange(state.verdict);
  const n1 = failureImpactLine(state.failureImpacts);
  return (
    <FrozenAtContext.Provider value={pastAt}>
      <div
        className={[
          'cluster-view',
          pastAt !== null ? 'cluster-view-past' : '',
          state.reachability.state === 'unreachable' ? 'cluster-view-unreachable' : '',
        ]
          .filter(Boolean)
          .join(' ')}
        data-testid="cluster-view"
      >
        {pastAt !== null && (
          <div className="past-banner" role="status" data-testid="past-banner">
            <strong>PAST</strong> showing the cluster as it was at <time>{formatDateTime(pastAt)}</time>. Press{' '}
            <kbd>Esc</kbd> or <kbd>L</kbd> for live.
          </div>
        )}
        <header className={`cluster-head tone-${verdict.tone}${change ? ' verdict-changed' : ''}`}>
          <h1>
            <ClusterName name={state.identity.name} />
          </h1>
          <StatusTag display={verdict} className={`verdict verdict-${state.verdict}`} />
          <DistributionLabel distribution={state.distribution} />
          <VerdictChangeNote change={change} />
          <span className="cluster-server detail-only">
            <code>{state.identity.server}</code>
          </span>
          <FreshnessLabel at={state.observedAt} />
        </header>
        <Reachability state={state} />
        <FindingsPanel findings={state.findings} highlightId={highlightFinding} />
        {state.controlPlaneHidden ? (
          <section className="panel managed" data-testid="managed">
            <h2>Managed control plane: not visible</h2>
            <p>
              This cluster&apos;s API serves no control-plane objects of its own (no apiserver pods, no component
              leases): the provider runs the control plane and hides it. hawk shows what it can see and does not guess:
              this is neither healthy nor broken.
            </p>
            <p>
              Front door <code>{state.apiServers.frontDoor.url}</code>
            </p>
          </section>
        ) : (
          <div className="tiers">
            <ApiServersPanel apiServers={state.apiServers} freshness={state.sources['apiserver-probes']} />
            <LeasesPanel leases={state.leases} watch={state.sources.leases} />
            <EtcdPanel etcd={state.etcd} />
          </div>
        )}
        {!state.controlPlaneHidden && <FailureImpactsPanel impacts={state.failureImpacts} />}
        {!state.controlPlaneHidden && <CertificatesPanel certificates={state.certificates} />}
        {!state.controlPlaneHidden && n1 && (
          <p className={`n1-line wall-only tone-${n1.survivable ? 'ok' : 'bad'}`} data-testid="n1-line">
            <StatusTag
              display={
                n1.survivable
                  ? { label: 'N-1', tone: 'ok', shape: 'check' }
                  : { label: 'N-1', tone: 'bad', shape: 'cross' }
              }
            />{' '}
            {n1.text}
          </p>
        )}
        {timeline}
      </div>
    </FrozenAtContext.Provider>
  );
}
