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

/** liveCandidates: candidates not known to be dead (unknown liveness counts as live). */
export function liveCandidates(track: LeaseTrack): readonly LeaseCandidate[] {
  return track.candidates.filter((c) => c.live !== false);
}

/** standbyCount: live candidates other than the holder. */
export function standbyCount(track: LeaseTrack): number {
  const live = liveCandidates(track);
  const holder = track.record?.holderIdentity ?? null;
  if (holder === null) return live.length;
  // Pod-derived candidates are named after pods, not identities: the holder's is the one on its node.
  const node = holderNode(track);
  const isHolder = (c: LeaseCandidate) => c.identity === holder || (c.source === 'pod' && node !== null && c.node === node);
  if (track.candidates.some(isHolder)) return live.filter((c) => !isHolder(c)).length;
  // Pod-named candidates with no node to tell: one of them is the holder.
  return Math.max(0, live.length - 1);
}
