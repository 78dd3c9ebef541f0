import type { EndpointHealth, Freshness, Reachability, SourceName } from '@hawk/core';
import { FRONT_DOOR } from './assemble';
import { SERVER_DEFAULTS } from '../defaults';

/** The watched sources: one live means the cluster answers. */
const WATCHES: readonly SourceName[] = [
  'leases',
  'identity-leases',
  'lease-candidates',
  'endpointslice',
  'pods',
  'nodes',
];

/** What reachability is judged from: the fold's stores, read only. */
export interface ReachabilitySeen {
  /** Why the cluster cannot be watched at all (a bad context), else null. */
  readonly error: string | null;
  readonly startedAt: number;
  readonly freshness: Partial<Record<SourceName, Freshness>>;
  readonly health: ReadonlyMap<string, EndpointHealth>;
  /** Keys of the known apiserver endpoints. */
  readonly endpoints: readonly string[];
  /** Apiserver probe rounds completed. */
  readonly rounds: number;
}

/**
 * judgeReachability: connecting during the first look, reachable while any watch is live or any apiserver answered
 * (an HTTP status, or PINGs on its held connection), else unreachable since the first moment it was judged so
 * (carried in `unreachableSince`).
 */
export function judgeReachability(
  seen: ReachabilitySeen,
  now: number,
  unreachableSince: number | null,
): { reachability: Reachability; unreachableSince: number | null } {
  if (seen.error)
    return { reachability: { state: 'unreachable', error: seen.error, since: seen.startedAt }, unreachableSince };
  const watching = WATCHES.some((source) => seen.freshness[source]?.state === 'live');
  // An apiserver answers when it gave any HTTP status, or when its /readyz timed out on a held connection whose PINGs
  // it still answers (the probe scheduler then marks it live): blocked on etcd, as every instance is without quorum,
  // it is reached and not serving. Calling that "unreachable" would hide the cause (etcd) behind the network.
  const answered = [...seen.health.values()].some(
    (health) => health.readyz?.httpStatus != null || health.livez?.httpStatus != null || health.livez?.ok === true,
  );
  // Until every known apiserver has been probed once, judging would call them "not probed yet".
  const firstLook =
    now - seen.startedAt < SERVER_DEFAULTS.firstLookMs &&
    (seen.rounds === 0 ||
      seen.endpoints.some((key) => !seen.health.has(key)) ||
      seen.freshness.endpointslice?.lastEventAt == null);
  if (firstLook) return { reachability: { state: 'connecting' }, unreachableSince };
  if (watching || answered) return { reachability: { state: 'reachable' }, unreachableSince: null };
  const frontDoor = seen.health.get(FRONT_DOOR);
  const since = unreachableSince ?? now;
  return {
    reachability: {
      state: 'unreachable',
      error: frontDoor?.readyz?.error ?? frontDoor?.livez?.error ?? 'no answer from any apiserver',
      since,
    },
    unreachableSince: since,
  };
}
