import type { ProbeResult } from '@hawk/core';
import { describeError, type KubeClient } from '../clusters/kube-client';
import { etcdVerdict, parseReadyzVerbose } from './readyz';

/** Both health endpoints of one address, probed together. */
export interface EndpointProbe {
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

/** probeEndpoint asks one address (an instance or the front door) for `/livez` and `/readyz?verbose`, in parallel. */
export async function probeEndpoint(kube: KubeClient, base: string, timeoutMs: number, now: () => number): Promise<EndpointProbe> {
  const [livez, readyz] = await Promise.all([probePath(kube, base, '/livez', timeoutMs, now), probePath(kube, base, '/readyz?verbose', timeoutMs, now)]);
  return { livez: livez.result, readyz: readyz.result, etcdOk: readyz.result.httpStatus === null ? null : etcdVerdict(parseReadyzVerbose(readyz.body)) };
}
