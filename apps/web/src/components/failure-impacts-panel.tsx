import type { FailureImpact } from '@hawk/core';
import { StatusTag } from './status-icon';

/** N-1: what losing each node or zone right now would do, survivable ones last. */
export function FailureImpactsPanel({ impacts }: { impacts: readonly FailureImpact[] }) {
  const sorted = [...impacts].sort(
    (a, b) => Number(a.survivable) - Number(b.survivable) || a.name.localeCompare(b.name),
  );
  return (
    <section className="panel n1" aria-label="N-1">
      <header className="panel-head">
        <h2>If we lost one…</h2>
      </header>
      {sorted.length === 0 ? (
        <p className="muted">no nodes known to analyse</p>
      ) : (
        <ul className="impacts">
          {sorted.map((impact) => (
            <li key={`${impact.kind}:${impact.name}`} className="impact" data-testid="impact">
              <StatusTag
                display={
                  impact.survivable
                    ? { label: 'survivable', tone: 'ok', shape: 'check' }
                    : { label: 'not survivable', tone: 'bad', shape: 'cross' }
                }
              />
              <span className="impact-name">
                {impact.kind} <strong>{impact.name}</strong>
              </span>
              <span className="impact-summary">{impact.summary}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
