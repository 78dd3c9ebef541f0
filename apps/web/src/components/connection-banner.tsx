import type { Connection } from '../lib/fold-message';
import { formatClock } from '../lib/format';

/** The page-wide statement that what is on screen is no longer live. */
export function ConnectionBanner({ connection }: { connection: Connection }) {
  if (connection.state !== 'disconnected') return null;
  const asOf = connection.lastMessageAt ?? connection.since;
  return (
    <div className="disconnected-banner" role="alert" data-testid="disconnected">
      <strong>disconnected</strong> — {asOf === null ? 'no data received yet' : `data as of ${formatClock(asOf)}`}
      <span className="muted"> · reconnecting by itself{connection.error ? ` (${connection.error})` : ''}</span>
    </div>
  );
}
