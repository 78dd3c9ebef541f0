/**
 * A probe loop runs `probe(target)` for every target each interval, never two at once for the
 * same target: a slow target skips a beat instead of piling requests up.
 */
export interface ProbeLoop {
  start(): void;
  stop(): void;
  /** Probe now rather than at the next tick (a new target appeared). */
  kick(): void;
}

export function createProbeLoop(
  intervalMs: number,
  targets: () => readonly string[],
  probe: (target: string) => Promise<void>,
): ProbeLoop {
  const inFlight = new Set<string>();
  let timer: NodeJS.Timeout | null = null;

  const tick = () => {
    const round = targets().filter((target) => !inFlight.has(target));
    if (round.length === 0) return;
    for (const target of round) inFlight.add(target);
    // allSettled: a failed probe is the probe's own business to record; here it only frees the target.
    void Promise.allSettled(
      round.map((target) =>
        probe(target).finally(() => {
          inFlight.delete(target);
        }),
      ),
    );
  };

  return {
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, intervalMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    kick: tick,
  };
}
