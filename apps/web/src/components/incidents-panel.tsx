'use client';

import { formatDuration } from '@hawk/core';
import { useState } from 'react';
import { formatDateTime } from '../lib/format';
import type { ListedIncident } from '../lib/use-incidents';

/** Incidents shown, newest first: enough for the last few days' story without a scroll of its own. */
const LISTED = 10;

/** One click copies the summary core wrote, as it is, for the postmortem or the channel. */
function CopySummary({ incident }: { incident: ListedIncident & { summary: string } }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(incident.summary);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // Clipboard refused (plain http): the summary is in the REST answer and the resolve notification.
    }
  };
  return (
    <button type="button" className="command-copy" onClick={copy} data-testid="copy-summary">
      {copied ? 'copied' : 'Copy summary'}
    </button>
  );
}

/** Past incidents of the cluster, as core derived them from the timeline; each ended one's summary copies. */
export function IncidentsPanel({
  incidents,
  error = null,
}: {
  incidents: readonly ListedIncident[];
  error?: string | null;
}) {
  const newest = [...incidents].reverse().slice(0, LISTED);
  return (
    <section className="panel incidents" aria-label="incidents">
      <header className="panel-head">
        <h2>Incidents</h2>
        <span className="muted">the last 7 days</span>
      </header>
      {error && <p className="failed-checks">incidents unavailable: {error}</p>}
      {newest.length === 0 && !error && <p className="muted">none</p>}
      <ul className="incident-list">
        {newest.map((incident) => (
          <li key={incident.n} className="incident" data-testid="incident" data-ended={incident.endedAt !== null}>
            <div className="incident-head">
              <strong>{incident.title}</strong>
            </div>
            <span className="muted">
              {formatDateTime(incident.openedAt)} ·{' '}
              {incident.recoveryMs === null ? 'ongoing' : `recovered in ${formatDuration(incident.recoveryMs)}`}
              {' · '}
              {incident.findings.length} finding{incident.findings.length === 1 ? '' : 's'}
              {incident.transitions.length > 0 &&
                ` · ${incident.transitions.length} leader change${incident.transitions.length === 1 ? '' : 's'}`}
            </span>
            {incident.summary !== null && <CopySummary incident={{ ...incident, summary: incident.summary }} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
