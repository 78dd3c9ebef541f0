/**
 * One AbortController per request, aborted by the caller's long-lived signal or by a timeout.
 * AbortSignal.any would do the same, but Node keeps every observed composite of a live source
 * (nodejs/node#64476): one per request, which grew hawk by 100 MB/s when a watch re-opened fast.
 * Here the link to the caller's signal is one listener, removed by `detach()`.
 */
export interface LinkedAbort {
  readonly signal: AbortSignal;
  /** True when the timeout, not the caller, aborted the request. */
  timedOut(): boolean;
  /** Stops the timeout (e.g. once headers arrived) while the caller's signal still applies. */
  stopTimer(): void;
  /** Unlinks from the caller's signal and stops the timeout: call when the request is over. */
  detach(): void;
}

export function linkAbort(parent: AbortSignal | undefined, timeoutMs: number, timeoutReason: () => Error): LinkedAbort {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(timeoutReason());
  }, timeoutMs);
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    stopTimer: () => clearTimeout(timer),
    detach() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
