import type { ProbeResult } from '@hawk/core';
import { describeError, type KubeClient } from '../clusters/kube-client';
import { etcdVerdict, parseReadyzVerbose } from './readyz';

/** The health of one address, as its /readyz?verbose says it. */
export interface EndpointProbe {
  /** What /readyz implies of liveness (see probeEndpoint): /livez is not asked. */
  readonly livez: ProbeResult;
  readonly readyz: ProbeResult;
  /** What this apiserver's readyz says of etcd: null when it did not answer or named no etcd check. */
  readonly etcdOk: boolean | null;
}

async function probePath(kube: KubeClient, base: string, path: string, timeoutMs: number, now: () => number): Promise<{ result: ProbeResult; body: string }> {
  const started = performance.now();
  try {
    const response = await kube.openAt(base, path, { headersTimeoutMs: timeoutMs, bodyTimeoutMs: timeoutMs });
    const body = await response.body.text();
    const latencyMs = Math.round(performance.now() - started);
    const failedChecks = parseReadyzVerbose(body).failed;
    const ok = response.status === 200;
    return {
      result: { at: now(), ok, httpStatus: response.status, latencyMs, failedChecks, error: ok ? null : `HTTP ${response.status}${failedChecks.length ? `: ${failedChecks.join(', ')} failed` : ''}` },
      body,
    };
  } catch (error) {
    return { result: { at: now(), ok: false, httpStatus: null, latencyMs: null, failedChecks: [], error: describeError(error) }, body: '' };
  }
}

/**
 * probeEndpoint asks one address (an instance or the front door) for `/readyz?verbose`. /livez is
 * not asked: /readyz runs the same checks and more, an answer of any status shows the process alive,
 * and a timeout or refusal would be the same on /livez. Asking both doubled hawk's probe requests,
 * which are most of its load on the apiservers, for nothing the judgement uses.
 */
export async function probeEndpoint(kube: KubeClient, base: string, timeoutMs: number, now: () => number): Promise<EndpointProbe> {
  const readyz = await probePath(kube, base, '/readyz?verbose', timeoutMs, now);
  const answered = readyz.result.httpStatus !== null;
  const livez: ProbeResult = answered ? { ...readyz.result, ok: true, failedChecks: [], error: null } : readyz.result;
  return { livez, readyz: readyz.result, etcdOk: answered ? etcdVerdict(parseReadyzVerbose(readyz.body)) : null };
}
