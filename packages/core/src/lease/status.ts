import type { HawkConfig } from '../config';
import type { Freshness } from '../model/freshness';
import type { LeaseStatus, LeaseTrack, LeaseView } from '../model/lease';
import { standbysOf } from './candidates';
import { expectRenewal } from './expectation';
import { judgeMargin } from './margin';

/**
 * judgeLease gives a track its status at `now` (hawk's clock, epoch ms). Only hawk's own stamps are
 * compared with `now`: the holder's renewTime never enters the judgement (see lease/tracker.ts).
 */
export function judgeLease(track: LeaseTrack, now: number, watchFreshness: Freshness, config: HawkConfig): LeaseView {
  const durationMs = (track.record?.leaseDurationSeconds ?? 0) * 1000;
  const renewedAt = track.observedRenewAt;
  const expectedRenewal = expectRenewal(track, config);
  const overdueAfterMs = expectedRenewal?.overdueAfterMs ?? durationMs;
  return {
    ...track,
    status: statusOf(track, now, watchFreshness, durationMs, overdueAfterMs),
    expiresAt: renewedAt !== null && durationMs > 0 ? renewedAt + durationMs : null,
    overdueAt: renewedAt !== null && expectedRenewal !== null ? renewedAt + overdueAfterMs : null,
    expectedRenewal,
    standbys: standbysOf(track),
    skewNoted:
      track.skewMs !== null && !!track.record?.holderIdentity && Math.abs(track.skewMs) > config.clockSkewNoteMs,
    margin: judgeMargin(track, config),
  };
}

function statusOf(
  track: LeaseTrack,
  now: number,
  watchFreshness: Freshness,
  durationMs: number,
  overdueAfterMs: number,
): LeaseStatus {
  // 1. A watch that is not live makes hawk blind: never blame the component for that.
  if (watchFreshness.state !== 'live') return 'unknown';
  // 2. Deleted, released or never acquired.
  const record = track.record;
  if (record === null || record.holderIdentity === null) return 'no-holder';
  // 3. A holder without a renew time or a positive duration cannot be judged.
  if (record.renewTime === null || durationMs <= 0) return 'malformed';
  if (track.observedRenewAt === null) return 'unknown';
  // 4. Judge by the time since the observed renewal.
  const silentMs = now - track.observedRenewAt;
  if (silentMs > durationMs) return 'expired';
  if (silentMs > overdueAfterMs) return 'renew-overdue';
  return 'held';
}
