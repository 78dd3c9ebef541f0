/**
 * ProbeCadence decides when each target of one kind of probe is asked, never while its last probe is in flight. Pure:
 * the caller passes the clock, so it is tested with a fake one. The scheduler keeps one per kind: the apiserver
 * addresses (the instances and the front door, asked for `/readyz`, the only kind ever calm), the components'
 * /healthz, etcd, and etcd's metrics, each with its interval.
 *
 * - fast (today's cadence): every target each `fastMs`. Used whenever anything is not known good.
 * - calm: every target is vouched for (its held connection answers PINGs, its last /readyz passed,
 *   its identity lease is renewed) and the cluster is otherwise quiet. Then one target is asked per
 *   `fastMs`: the `everyOther` target (the front door) every other time, the others in turn, the one
 *   asked longest ago first. A failure common to all instances (etcd lost: every /readyz fails) is
 *   still seen within `fastMs`; one instance's own change that leaves its process answering PINGs is
 *   seen within 2 × `fastMs` × the number of instances. A dead or frozen instance is seen by its
 *   connection, at once (see `urge`). The front door's last good answer stays at most 2 × `fastMs`
 *   old, so a load balancer that briefly relays to an instance that just died is still within the
 *   grace its rule allows (loadBalancerFailureGraceMs) rather than judged down.
 * - urgent: a target whose connection was just lost is asked at once, whatever the mode.
 * - recovering: a target whose last /readyz failed is asked every `recoveringMs` (never calm then), so its return
 *   is seen, and an incident's end and recovery time told, within that rather than a whole interval later.
 */
export interface ProbeCadence {
  /** The targets to probe at `now`; `calm` says whether every target is vouched for and the cluster is quiet. */
  due(targets: readonly string[], now: number, calm: boolean): string[];
  /** A probe of `target` started at `now` (call for each target `due` returned). */
  started(target: string, now: number): void;
  /** The probe of `target` ended; `passed` false puts it on the recovering cadence until one passes. */
  finished(target: string, passed?: boolean): void;
  /** Probe `target` at the next `due`, even in calm mode or when it was just probed. */
  urge(target: string): void;
}

interface Track {
  lastStartedAt: number | null;
  inFlight: boolean;
  urgent: boolean;
  failing: boolean;
}

export function createProbeCadence(fastMs: number, everyOther?: string, recoveringMs = fastMs): ProbeCadence {
  const tracks = new Map<string, Track>();
  let lastCalmPickAt: number | null = null;
  let lastCalmPick: string | null = null;
  const track = (target: string): Track => {
    let found = tracks.get(target);
    if (!found) tracks.set(target, (found = { lastStartedAt: null, inFlight: false, urgent: false, failing: false }));
    return found;
  };
  const olderFirst = (a: Track, b: Track) => (a.lastStartedAt ?? -Infinity) - (b.lastStartedAt ?? -Infinity);

  return {
    due(targets, now, calm) {
      for (const target of [...tracks.keys()]) if (!targets.includes(target)) tracks.delete(target);
      const idle = targets.filter((target) => !track(target).inFlight);
      const picked = new Set(idle.filter((target) => track(target).urgent || track(target).lastStartedAt === null));
      if (!calm) {
        for (const target of idle) {
          const { lastStartedAt, failing } = track(target);
          if (now - (lastStartedAt ?? -Infinity) >= (failing ? Math.min(recoveringMs, fastMs) : fastMs))
            picked.add(target);
        }
      } else if (lastCalmPickAt === null || now - lastCalmPickAt >= fastMs) {
        const waiting = idle.filter((target) => !picked.has(target));
        const others = waiting.filter((target) => target !== everyOther);
        const priority =
          everyOther !== undefined &&
          waiting.includes(everyOther) &&
          (lastCalmPick !== everyOther || others.length === 0);
        const pick = priority ? everyOther : others.sort((a, b) => olderFirst(track(a), track(b)))[0];
        if (pick !== undefined) picked.add(pick);
        lastCalmPick = pick ?? null;
        lastCalmPickAt = now;
      }
      return targets.filter((target) => picked.has(target));
    },
    started(target, now) {
      const started = track(target);
      started.lastStartedAt = now;
      started.inFlight = true;
      started.urgent = false;
    },
    finished(target, passed) {
      const done = tracks.get(target);
      if (!done) return;
      done.inFlight = false;
      if (passed !== undefined) done.failing = !passed;
    },
    urge(target) {
      track(target).urgent = true;
    },
  };
}
