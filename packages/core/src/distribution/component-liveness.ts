import type { LivenessBasis } from '../model/lease';

/** The last answer of a component's own /healthz, as the prober reports it. */
export interface HealthAnswer {
  /** true healthy; false down or unhealthy; null answered but would not say (401/403). */
  readonly live: boolean | null;
  /** HTTP status, null when nothing answered (refused, timeout, TLS error). */
  readonly httpStatus: number | null;
  readonly error: string | null;
}

/** Everything hawk knows of one controller-manager or scheduler instance's liveness. */
export interface ComponentLivenessInput {
  /** Why its health endpoint is not probed from hawk (bound to loopback, no secure port); null when it is. */
  readonly unprobeable: string | null;
  /** Its health endpoint's last answer; null before the first probe. */
  readonly probe: HealthAnswer | null;
  /** Whether that endpoint gave an HTTP answer (any status) since this container started. */
  readonly answeredSinceStart: boolean;
  /** The kubelet's Ready condition on the mirror pod; null unknown. */
  readonly podReady: boolean | null;
  /** The node's Ready condition: false means the kubelet stopped reporting, so podReady is stale. */
  readonly nodeReady: boolean | null;
}

export interface ComponentLiveness {
  /** true live, false down, null not observable (counted as a standby: hawk does not cry wolf). */
  readonly live: boolean | null;
  readonly basis: LivenessBasis;
  readonly note: string;
}

/**
 * componentLiveness judges one candidate. A health port hawk cannot reach is not a dead component:
 * kubeadm binds kube-controller-manager and kube-scheduler to 127.0.0.1, so from another host their
 * 10257/10259 refuse by design. The endpoint is believed only once it has answered in this
 * container's life; before that, the kubelet's readiness of the mirror pod judges, and without it
 * the candidate is "not observable from here", never "down".
 */
export function componentLiveness(input: ComponentLivenessInput): ComponentLiveness {
  const { probe } = input;
  // 1. An HTTP answer is first-hand: healthy, unhealthy, or up but unreadable.
  if (input.unprobeable === null && probe !== null && probe.httpStatus !== null) {
    const note =
      probe.live === true
        ? 'its /healthz answers ok'
        : probe.live === false
          ? `its /healthz answers ${probe.error ?? `HTTP ${probe.httpStatus}`}`
          : `its /healthz answers but is not readable (${probe.error ?? `HTTP ${probe.httpStatus}`})`;
    return { live: probe.live, basis: 'health-endpoint', note };
  }
  // 2. An endpoint that answered in this container's life and now does not: the process stopped or hangs.
  if (input.unprobeable === null && probe !== null && input.answeredSinceStart) {
    return {
      live: false,
      basis: 'health-endpoint',
      note: `its /healthz answered before and now fails: ${probe.error ?? 'no answer'}`,
    };
  }
  // 3. Never reached from here: the kubelet, which probes it on the node, is the witness.
  const why =
    input.unprobeable ??
    (probe === null
      ? 'not probed yet'
      : `its /healthz has not answered hawk since the container started (${probe.error ?? 'no answer'})`);
  if (input.nodeReady === false)
    return {
      live: null,
      basis: 'not-observable',
      note: `${why}; its node is not ready, so the kubelet's report is stale: not observable from here`,
    };
  if (input.podReady === true)
    return { live: true, basis: 'kubelet-readiness', note: `${why}; the kubelet reports its mirror pod Ready` };
  if (input.podReady === false)
    return { live: false, basis: 'kubelet-readiness', note: `${why}; the kubelet reports its mirror pod not Ready` };
  return { live: null, basis: 'not-observable', note: `${why}: not observable from here` };
}

/**
 * containerStartKey names one life of a container (its start time and restart count): a health
 * history belongs to one life, since a restart may come back with another bind address.
 */
export function containerStartKey(startedAt: string | null, restartCount: number | null): string {
  return `${startedAt ?? '?'}#${restartCount ?? '?'}`;
}
