import type { ProbeResult } from '@hawk/core';
import type { KubeClient } from '../clusters/kube-client';
import { describeError } from '../util/describe-error';
import { etcdVerdict, parseReadyzVerbose } from './readyz';

/** The health of one address, as its /readyz?verbose says it. */
export interface EndpointProbe {
  /** What /readyz implies of liveness (see probeEndpoint): /livez is not asked. */
  readonly livez: ProbeResult;
  readonly readyz: ProbeResult;
  /** What this apiserver's readyz says of etcd: null when it did not answer or named no etcd check. */
  readonly etcdOk: boolean | null;
}

/** One GET at one address (a held HTTP/2 connection or a plain request); rejects when there was no answer. */
export type ProbeGet = (path: string) => Promise<{ status: number; body: string }>;

/** getThrough asks with one ordinary request through the client's agent: the way when no HTTP/2 connection is held. */
export function getThrough(kube: KubeClient, base: string, timeoutMs: number): ProbeGet {
  return async (path) => {
    const response = await kube.openAt(base, path, { headersTimeoutMs: timeoutMs, bodyTimeoutMs: timeoutMs });
    return { status: response.status, body: await response.body.text() };
  };
}

async function probePath(
  get: ProbeGet,
  path: string,
  now: () => number,
): Promise<{ result: ProbeResult; body: string }> {
  const started = performance.now();
  try {
    const response = await get(path);
    const latencyMs = Math.round(performance.now() - started);
    const failedChecks = parseReadyzVerbose(response.body).failed;
    const ok = response.status === 200;
    return {
      result: {
        at: now(),
        ok,
        httpStatus: response.status,
        latencyMs,
        failedChecks,
        error: ok ? null : `HTTP ${response.status}${failedChecks.length ? `: ${failedChecks.join(', ')} failed` : ''}`,
      },
      body: response.body,
    };
  } catch (error) {
    return { result: unanswered(describeError(error), now), body: '' };
  }
}

/** A probe that got no answer at all: the address is neither live nor ready. */
export function unanswered(error: string, now: () => number): ProbeResult {
  return { at: now(), ok: false, httpStatus: null, latencyMs: null, failedChecks: [], error };
}

/**
 * probeEndpoint asks one address (an instance or the front door) for `/readyz?verbose`. /livez is
 * not asked: /readyz runs the same checks and more, an answer of any status shows the process alive,
 * and a timeout or refusal would be the same on /livez. Asking both doubled hawk's probe requests,
 * which are most of its load on the apiservers, for nothing the judgement uses.
 */
export async function probeEndpoint(get: ProbeGet, now: () => number): Promise<EndpointProbe> {
  const readyz = await probePath(get, '/readyz?verbose', now);
  return endpointProbe(readyz.result, readyz.body);
}

/** endpointProbe reads what one /readyz answer (or its absence) says of liveness, readiness and etcd. */
export function endpointProbe(readyz: ProbeResult, body = ''): EndpointProbe {
  const answered = readyz.httpStatus !== null;
  const livez: ProbeResult = answered ? { ...readyz, ok: true, failedChecks: [], error: null } : readyz;
  return { livez, readyz, etcdOk: answered ? etcdVerdict(parseReadyzVerbose(body)) : null };
}
