'use client';

import type { TimelineEvent } from '@hawk/core';
import { useState } from 'react';
import { formatClock, formatDateTime } from '../lib/format';
import { describeEvent, eventKey } from '../lib/selectors';

export const RANGE_PRESETS: readonly { readonly label: string; readonly spanMs: number }[] = [
  { label: '15 min', spanMs: 15 * 60_000 },
  { label: '1 h', spanMs: 60 * 60_000 },
  { label: '6 h', spanMs: 6 * 60 * 60_000 },
  { label: '24 h', spanMs: 24 * 60 * 60_000 },
];

/** Events listed under the strip; the strip itself shows them all. */
const LISTED = 30;

export interface TimelinePanelProps {
  readonly events: readonly TimelineEvent[];
  readonly from: number;
  readonly to: number;
  /** The replayed instant, null when live. */
  readonly at: number | null;
  readonly spanMs: number | null;
  readonly onScrub: (at: number) => void;
  readonly onSpan: (spanMs: number) => void;
  readonly error?: string | null;
}

/** Transitions, findings and outages over a range; pick a moment to see the cluster as it was. */
export function TimelinePanel({ events, from, to, at, spanMs, onScrub, onSpan, error = null }: TimelinePanelProps) {
  const [selected, setSelected] = useState<TimelineEvent | null>(null);
  const width = Math.max(1, to - from);
  const position = (t: number) => `${(((t - from) / width) * 100).toFixed(3)}%`;
  const shown = selected ?? events[events.length - 1] ?? null;
  const detail = shown ? describeEvent(shown) : null;

  return (
    <section className="panel timeline" aria-label="timeline">
      <header className="panel-head">
        <h2>Timeline</h2>
        <div className="range-presets detail-only" role="group" aria-label="range">
          {RANGE_PRESETS.map((preset) => (
            <button
              key={preset.label}
              type="button"
              aria-pressed={spanMs === preset.spanMs}
              onClick={() => onSpan(preset.spanMs)}
            >
              {preset.label}
            </button>
          ))}
        </div>
        <span className="muted">
          {formatDateTime(from)} – {formatClock(to)}
        </span>
      </header>
      {error && <p className="failed-checks">history unavailable: {error}</p>}
      <div
        className="strip"
        data-testid="timeline-strip"
        onClick={(event) => {
          const box = event.currentTarget.getBoundingClientRect();
          if (box.width > 0) onScrub(Math.round(from + ((event.clientX - box.left) / box.width) * width));
        }}
      >
        {events.map((event) => {
          const described = describeEvent(event);
          return (
            <button
              key={eventKey(event)}
              type="button"
              className={`mark tone-${described.tone} mark-${event.kind}`}
              style={{ left: position(event.at) }}
              title={`${formatClock(event.at)} ${described.title}: ${described.detail}`}
              aria-label={`${formatClock(event.at)} ${described.title}`}
              onMouseEnter={() => setSelected(event)}
              onFocus={() => setSelected(event)}
              onClick={(click) => {
                click.stopPropagation();
                setSelected(event);
                onScrub(event.at);
              }}
            />
          );
        })}
        {at !== null && <span className="playhead" style={{ left: position(at) }} data-testid="playhead" />}
      </div>
      <input
        className="scrubber detail-only"
        type="range"
        aria-label="replay moment"
        min={from}
        max={to}
        step={1000}
        value={at ?? to}
        onChange={(change) => onScrub(Number(change.target.value))}
      />
      {detail && shown && (
        <p className={`timeline-detail tone-${detail.tone}`} data-testid="timeline-detail">
          <strong>{formatClock(shown.at)}</strong> {detail.title} <span className="muted">{detail.detail}</span>
        </p>
      )}
      <ol className="events detail-only">
        {events.length === 0 && <li className="muted">nothing happened in this range</li>}
        {events
          .slice(-LISTED)
          .reverse()
          .map((event) => {
            const described = describeEvent(event);
            return (
              <li key={eventKey(event)} className={`tone-${described.tone}`} data-testid="timeline-event">
                <button
                  type="button"
                  className="link"
                  onClick={() => onScrub(event.at)}
                  title="show the cluster as it was then"
                >
                  {formatClock(event.at)}
                </button>{' '}
                {described.title} <span className="muted">{described.detail}</span>
              </li>
            );
          })}
      </ol>
    </section>
  );
}
