/**
 * judgeMargin: how close a holder's renewals come to its elector's renew deadline.
 *
 * client-go's elector retries its renewal every retry period; a leader that has not renewed within the renew deadline
 * gives up leadership (kube-controller-manager and kube-scheduler exit). The interval hawk observes between one
 * holder's renewals is how long that took: 2 s on kube's 15/10/2 s elector when all is well, and it stretches when the
 * holder's apiserver or etcd answers slowly, or the holder itself is starved or paused. Judged over the holder's last
 * few intervals, so one slow renewal (a watch's delivery, a GC pause) does not warn, a run of them does.
 *
 * The Lease carries only its duration: the deadline comes from a known elector of that duration (config), else the
 * same fraction of it kube's and cert-manager's electors use.
 */
import type { HawkConfig } from '../config';
import type { LeaderMargin, LeaseTrack } from '../model/lease';

export function judgeMargin(track: LeaseTrack, config: HawkConfig): LeaderMargin | null {
  const leaseDurationSeconds = track.record?.leaseDurationSeconds ?? 0;
  if (!track.record?.holderIdentity || leaseDurationSeconds <= 0) return null;
  const known = config.knownElectorTimings.find((t) => t.leaseDurationSeconds === leaseDurationSeconds);
  const renewDeadlineMs =
    known?.renewDeadlineMs ?? leaseDurationSeconds * 1000 * config.unknownElectorRenewDeadlineRatio;
  const intervalsMs = (track.holderIntervalsMs ?? []).slice(-config.leaderMarginWindow);
  const lateAfterMs = renewDeadlineMs * config.leaderMarginLateRatio;
  const late = intervalsMs.filter((interval) => interval >= lateAfterMs).length;
  // The margin left by the run of late renewals: the deadline minus the lateCount-th longest recent interval, so it is
  // low exactly when the finding would open, and one outlier does not make it so.
  const longest = [...intervalsMs].sort((a, b) => b - a);
  const judged = longest[config.leaderMarginLateCount - 1];
  return {
    renewDeadlineMs,
    deadlineBasis: known?.renewDeadlineMs !== undefined ? 'known-elector' : 'lease-ratio',
    intervalsMs,
    late,
    marginMs: judged === undefined ? null : renewDeadlineMs - judged,
    low: late >= config.leaderMarginLateCount,
  };
}
