import type { LeaseCandidate, LeaseTrack, Standby } from '../model/lease';
import type { ComponentLiveness } from '../distribution/component-liveness';
import type { ControlPlanePod } from '../model/node';

/** setLeaseCandidates replaces a track's candidates, saying where they came from. */
export function setLeaseCandidates(
  track: LeaseTrack,
  candidates: readonly LeaseCandidate[],
  source: LeaseTrack['candidatesSource'],
): LeaseTrack {
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
  return nodeOfIdentity(holder);
}

/** nodeOfIdentity reads the hostname of a client-go identity ("<hostname>_<uuid>"); null when it has none. */
export function nodeOfIdentity(identity: string): string | null {
  const separator = identity.lastIndexOf('_');
  return separator > 0 ? identity.slice(0, separator) : null;
}

/**
 * LeaseCandidate objects are renewed every 5 minutes (client-go's requeueInterval) and when the
 * election controller pings them: one not renewed for longer, plus slack, has no live process behind it.
 */
export const LEASE_CANDIDATE_STALE_MS = 6 * 60_000;

/** A LeaseCandidate object as observed: whose, for which lease, and when hawk saw it renewed (hawk's clock). */
export interface ObservedLeaseCandidate {
  /** The candidate's identity, as it would write it as holder ("<hostname>_<uuid>"). */
  readonly identity: string;
  readonly leaseName: string;
  readonly observedRenewAt: number;
}

/** How live each candidate is, as observed. */
export interface CandidateLiveness {
  readonly now: number;
  /**
   * A component pod judged by componentLiveness: its own /healthz, else the kubelet's readiness, else not observable.
   */
  readonly pod: (pod: ControlPlanePod) => ComponentLiveness;
}

/**
 * candidatesFor lists who could take a lease over: LeaseCandidate objects when the API serves them,
 * else the pods of the lease's component, each judged by componentLiveness (its own /healthz once
 * it has answered; else the kubelet's readiness; else not observable, never down), with why.
 */
export function candidatesFor(
  track: LeaseTrack,
  served: boolean,
  candidates: readonly ObservedLeaseCandidate[],
  pods: readonly ControlPlanePod[],
  liveness: CandidateLiveness,
): { candidates: LeaseCandidate[]; source: 'lease-candidate' | 'pod' } {
  const componentPods = pods.filter((pod) => pod.component === track.component);
  const fromObjects = candidates
    .filter((candidate) => candidate.leaseName === track.name)
    .map((candidate): LeaseCandidate => {
      const node = nodeOfIdentity(candidate.identity);
      const stale = liveness.now - candidate.observedRenewAt > LEASE_CANDIDATE_STALE_MS;
      // The renewal only tells "gone" after minutes; the same node's pod answering or not tells it now.
      const pod = node === null ? undefined : componentPods.find((p) => p.node === node);
      const podLiveness = pod ? liveness.pod(pod) : null;
      const base = {
        identity: candidate.identity,
        node,
        source: 'lease-candidate',
        observedRenewAt: candidate.observedRenewAt,
      } as const;
      if (stale)
        return {
          ...base,
          live: false,
          liveBasis: 'lease-candidate',
          liveNote: `its LeaseCandidate was not renewed for over ${LEASE_CANDIDATE_STALE_MS / 60_000} min`,
        };
      if (podLiveness?.live === false)
        return { ...base, live: false, liveBasis: podLiveness.basis, liveNote: podLiveness.note };
      return { ...base, live: true, liveBasis: 'lease-candidate', liveNote: 'its LeaseCandidate is renewed' };
    });
  if (served && fromObjects.length > 0) return { candidates: fromObjects, source: 'lease-candidate' };
  const fromPods = componentPods.map((pod): LeaseCandidate => {
    const judged = liveness.pod(pod);
    return {
      identity: pod.name,
      node: pod.node,
      source: 'pod',
      observedRenewAt: null,
      live: judged.live,
      liveBasis: judged.basis,
      liveNote: judged.note,
    };
  });
  return { candidates: fromPods, source: 'pod' };
}

/** liveCandidates: candidates not known to be dead (unknown liveness counts as live). */
export function liveCandidates(track: LeaseTrack): readonly LeaseCandidate[] {
  return track.candidates.filter((c) => c.live !== false);
}

/**
 * standbysOf lists who could take the lease over if its holder died now: the live (or not observable)
 * candidates that are another process than the holder. The one judgement of standbys: rules, metrics and
 * screens read `LeaseView.standbys`.
 *
 * 1. No holder: every live candidate may acquire.
 * 2. The holder is the candidate with its identity. A LeaseCandidate with another identity is another process,
 *    even on the holder's node. Pod-derived candidates are named after pods, not identities: the pod on the
 *    holder's node is the holder.
 * 3. Holder not found. LeaseCandidates are all other processes (the holder's own is not seen): all stand by.
 *    Pods: the holder is one of them that hawk cannot place on its node (the pod's node is not known yet, or the
 *    identity's hostname is not the node's name), so one live pod is left out and the holder never counts as its
 *    own standby; a pod whose node is not known yet first, as it may be the one on the holder's node.
 */
export function standbysOf(track: LeaseTrack): Standby[] {
  const live = liveCandidates(track);
  const holder = track.record?.holderIdentity ?? null;
  if (holder === null) return live.map(standbyOf);
  const node = holderNode(track);
  const isHolder = (c: LeaseCandidate) =>
    c.identity === holder || (c.source === 'pod' && node !== null && c.node === node);
  if (track.candidates.some(isHolder)) return live.filter((c) => !isHolder(c)).map(standbyOf);
  const livePods = live.filter((c) => c.source === 'pod');
  const presumedHolder = livePods.find((c) => c.node === null) ?? livePods[0];
  return live.filter((c) => c !== presumedHolder).map(standbyOf);
}

const standbyOf = (candidate: LeaseCandidate): Standby => ({
  identity: candidate.identity,
  node: candidate.node,
  source: candidate.source,
  live: candidate.live ?? null,
});
