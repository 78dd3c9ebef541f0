'use client';

import type { Finding } from '@hawk/core';
import { useEffect, useRef } from 'react';
import { formatClock, formatDuration, formatExpected } from '../lib/format';
import { describeEvidenceList } from '../lib/evidence-text';
import { groupFindings } from '../lib/selectors';
import { EXPECTED_DISPLAY, SEVERITY_DISPLAY } from '../lib/verdict-display';
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
  const expected = finding.kind === 'expected';
  // An expected finding keeps its severity as a word, never as the card's colour: it is foreseen, not broken.
  const tone = expected ? `finding-expected expected-${finding.severity}` : `severity-${finding.severity}`;
  return (
    <article
      ref={ref}
      id={`finding-${finding.id}`}
      className={`finding ${tone}${highlighted ? ' finding-highlighted' : ''}`}
      data-testid="finding"
      data-finding-id={finding.id}
      data-kind={finding.kind}
    >
      <header className="finding-head">
        <StatusTag display={expected ? EXPECTED_DISPLAY : SEVERITY_DISPLAY[finding.severity]} />
        {expected && finding.severity !== 'info' && <span className="expected-severity">{finding.severity}</span>}
        <h3>{finding.title}</h3>
        {expected ? (
          <span className="finding-since finding-due" data-testid="finding-due">
            {now ? formatExpected(finding, now) : `since ${formatClock(finding.since)}`}
          </span>
        ) : (
          <span className="finding-since">
            since {formatClock(finding.since)}
            {now ? ` (${formatDuration(now - finding.since)})` : ''}
          </span>
        )}
      </header>
      {/* Info and expected findings fold their details away so what is broken stays above the fold; the linked one
          opens. */}
      <details className="finding-details detail-only" open={(finding.severity !== 'info' && !expected) || highlighted}>
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

/**
 * Findings on top: root causes, critical first, each with what follows from it folded beneath; then, apart and calm,
 * what core expects to fail (early warnings), each with when it is due.
 */
export function FindingsPanel({
  findings,
  highlightId = null,
}: {
  findings: readonly Finding[];
  highlightId?: string | null;
}) {
  const groups = groupFindings(findings.filter((f) => f.kind !== 'expected'));
  const expected = findings.filter((f) => f.kind === 'expected');
  return (
    <section className="panel findings" aria-label="findings">
      <h2>Findings</h2>
      {groups.length === 0 ? (
        <p className="all-clear" data-testid="no-findings">
          {expected.length === 0 ? 'No findings: nothing to act on.' : 'Nothing broken now.'}
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
      {expected.length > 0 && (
        <section className="findings-expected" aria-label="expected" data-testid="expected-findings">
          <h3 className="findings-expected-head">Expected: early warnings, nothing broken yet</h3>
          {expected.map((finding) => (
            <FindingCard
              key={finding.id}
              finding={finding}
              consequences={[]}
              highlighted={highlightId === finding.id}
            />
          ))}
        </section>
      )}
    </section>
  );
}
