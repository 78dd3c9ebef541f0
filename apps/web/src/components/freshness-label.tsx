'use client';

import type { Freshness } from '@hawk/core';
import { formatFreshness } from '../lib/format';
import { SOURCE_STATE_DISPLAY } from '../lib/verdict-display';
import { StatusTag } from './status-icon';
import { useViewNow } from './view-time';

/** "as of 12:03:04, 1 s ago", and the source's state in words whenever it is not live. */
export function FreshnessLabel({ freshness, at }: { freshness?: Freshness | undefined; at?: number | null }) {
  const now = useViewNow();
  const lastAt = freshness ? freshness.lastEventAt : (at ?? null);
  const notLive = freshness && freshness.state !== 'live';
  return (
    <span className={`freshness${notLive ? ' freshness-doubtful' : ''}`} data-testid="freshness">
      {notLive && <StatusTag display={SOURCE_STATE_DISPLAY[freshness.state]} />}
      {notLive && freshness.detail ? <span className="freshness-detail">{freshness.detail}</span> : null}
      <span>{now === 0 ? '' : formatFreshness(lastAt, now)}</span>
    </span>
  );
}
