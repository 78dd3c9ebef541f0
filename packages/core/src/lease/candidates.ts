import type { LeaseCandidate, LeaseTrack } from '../model/lease';

/** setLeaseCandidates replaces a track's candidates, saying where they came from. */
export function setLeaseCandidates(track: LeaseTrack, candidates: readonly LeaseCandidate[], source: LeaseTrack['candidatesSource']): LeaseTrack {
  return { ...track, candidates, candidatesSource: candidates.length === 0 ? 'none' : source };
}

/**
 * holderNode finds the node the current holder runs on: from its candidate entry, else from the
 * identity client-go components write ("<hostname>_<uuid>").
 */
export function holderNode(track: LeaseTrack): string | null {
  const holder = track.record?.holderIdentity ?? null;
  if (holder === null) return null;
  const candidate = track.candidates.find((c) => c.identity === holder);
  if (candidate?.node) return candidate.node;
  const separator = holder.lastIndexOf('_');
  return separator > 0 ? holder.slice(0, separator) : null;
}

/** standbyCount: candidates other than the holder. */
export function standbyCount(track: LeaseTrack): number {
  const holder = track.record?.holderIdentity ?? null;
  if (holder === null) return track.candidates.length;
  // Pod-derived candidates are named after pods, not identities: then one of them is the holder.
  const others = track.candidates.filter((c) => c.identity !== holder).length;
  return others === track.candidates.length ? Math.max(0, others - 1) : others;
}
