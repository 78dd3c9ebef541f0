'use client';

import type { Finding } from '@hawk/core';
import { useEffect, useRef } from 'react';
import { formatClock, formatDuration } from '../lib/format';
import { describeEvidenceList } from '../lib/evidence-text';
import { groupFindings } from '../lib/selectors';
import { SEVERITY_DISPLAY } from '../lib/verdict-display';
import { CopyCommand } from './copy-command';
import { StatusTag } from './status-icon';
import { useViewNow } from './view-time';

function EvidenceList({ evidence }: { evidence: Finding['evidence'] }) {
  const lines = describeEvidenceList(evidence);
  if (lines.length === 0) return null;
  return (
    <ul className="evidence" aria-label="evidence">
      {lines.map((line) => (
        <li key={line.key} title={line.raw} data-evidence-key={line.key}>
          {line.text}
        </li>
      ))}
    </ul>
  );
}

function FindingCard({
  finding,
  highlighted,
  consequences,
}: {
  finding: Finding;
  highlighted: boolean;
  consequences: readonly Finding[];
}) {
  const now = useViewNow();
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (highlighted) ref.current?.scrollIntoView?.({ block: 'center' });
  }, [highlighted]);
  return (
    <article
      ref={ref}
      id={`finding-${finding.id}`}
      className={`finding severity-${finding.severity}${highlighted ? ' finding-highlighted' : ''}`}
      data-testid="finding"
      data-finding-id={finding.id}
    >
      <header className="finding-head">
        <StatusTag display={SEVERITY_DISPLAY[finding.severity]} />
        <h3>{finding.title}</h3>
        <span className="finding-since">
          since {formatClock(finding.since)}
          {now ? ` (${formatDuration(now - finding.since)})` : ''}
        </span>
      </header>
      {/* Info findings fold their details away so the control plane stays above the fold; the linked one opens. */}
      <details className="finding-details detail-only" open={finding.severity !== 'info' || highlighted}>
        <summary>evidence, what to do, commands</summary>
        <div className="finding-body">
          <EvidenceList evidence={finding.evidence} />
          {finding.remediation && (
            <p className="remediation">
              <strong>What to do: </strong>
              {finding.remediation}
            </p>
          )}
          {finding.commands.map((command) => (
            <CopyCommand key={command} command={command} />
          ))}
        </div>
      </details>
      {consequences.length > 0 && (
        <details className="consequences" open>
          <summary>
            {consequences.length} consequence{consequences.length === 1 ? '' : 's'} of this
          </summary>
          <ul>
            {consequences.map((consequence) => (
              <li key={consequence.id} id={`finding-${consequence.id}`} data-testid="consequence">
                <StatusTag display={SEVERITY_DISPLAY[consequence.severity]} /> {consequence.title}
              </li>
            ))}
          </ul>
        </details>
      )}
    </article>
  );
}

/** Findings on top: root causes, critical first, each with what follows from it folded beneath. */
export function FindingsPanel({
  findings,
  highlightId = null,
}: {
  findings: readonly Finding[];
  highlightId?: string | null;
}) {
  const groups = groupFindings(findings);
  return (
    <section className="panel findings" aria-label="findings">
      <h2>Findings</h2>
      {groups.length === 0 ? (
        <p className="all-clear" data-testid="no-findings">
          No findings: nothing to act on.
        </p>
      ) : (
        groups.map(({ root, consequences }) => (
          <FindingCard
            key={root.id}
            finding={root}
            consequences={consequences}
            highlighted={highlightId === root.id || consequences.some((c) => c.id === highlightId)}
          />
        ))
      )}
    </section>
  );
}
