'use client';

import type { ClusterState, ClusterSummary } from '@hawk/core';
import Link from 'next/link';
import { formatClock, formatExpected } from '../lib/format';
import { componentGlance } from '../lib/selectors';
import { useVerdictChange } from '../lib/use-verdict-change';
import { EXPECTED_DISPLAY, SEVERITY_DISPLAY, VERDICT_DISPLAY } from '../lib/verdict-display';
import { ClusterName } from './cluster-name';
import { FreshnessLabel } from './freshness-label';
import { StatusIcon, StatusTag } from './status-icon';
import { useViewNow } from './view-time';

/** A verdict that just changed, in words; the tile's class makes it flash (or, without motion, stand out). */
export function VerdictChangeNote({ change }: { change: ReturnType<typeof useVerdictChange> }) {
  if (!change) return null;
  return (
    <p className="verdict-change-note" data-testid="verdict-change">
      changed at {formatClock(change.at)}, was {VERDICT_DISPLAY[change.from].label}
    </p>
  );
}

/** One cluster on the overview: verdict in word, colour and shape, the worst finding, and how fresh it is. */
export function ClusterTile({
  summary,
  href,
  state = null,
}: {
  summary: ClusterSummary;
  href: string;
  state?: ClusterState | null;
}) {
  const verdict = VERDICT_DISPLAY[summary.verdict];
  const change = useVerdictChange(summary.verdict);
  const { critical, warning } = summary.findingCounts;
  const now = useViewNow();
  const soonest = summary.soonestExpected ?? null;
  return (
    <Link
      href={href}
      className={`tile tone-${verdict.tone} verdict-${summary.verdict}${change ? ' verdict-changed' : ''}`}
      data-testid="cluster-tile"
      data-cluster={summary.id}
      data-verdict={summary.verdict}
    >
      <div className="tile-verdict">
        <StatusIcon display={verdict} />
        <span className="tile-verdict-word">{verdict.label}</span>
      </div>
      <h2 className="tile-name">
        <ClusterName name={summary.name} />
      </h2>
      <VerdictChangeNote change={change} />
      {summary.worstFinding ? (
        <p className="tile-worst" title={summary.worstFinding.title}>
          <StatusTag display={SEVERITY_DISPLAY[summary.worstFinding.severity]} /> {summary.worstFinding.title}
        </p>
      ) : (
        <p className="tile-worst muted">
          {summary.verdict === 'not-visible' ? 'managed: control plane hidden' : 'nothing to act on'}
        </p>
      )}
      {state && (
        <dl className="glance" data-testid="glance">
          {componentGlance(state).map((item) => (
            <div key={item.label} className={`glance-item tone-${item.tone}`}>
              <dt title={item.label}>{item.label}</dt>
              <dd>{item.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {/* What core expects to fail: one calm line, never the tile's colour (the verdict is today's). */}
      {soonest && (
        <p className="tile-expected" title={soonest.title} data-testid="tile-expected">
          <StatusTag display={EXPECTED_DISPLAY} /> {soonest.title}
          {now ? ` · ${formatExpected(soonest, now)}` : ''}
        </p>
      )}
      <p className="tile-counts">
        {critical} critical · {warning} warning
        {summary.expectedCount ? ` · ${summary.expectedCount} expected` : ''}
      </p>
      <FreshnessLabel at={summary.observedAt} />
    </Link>
  );
}
