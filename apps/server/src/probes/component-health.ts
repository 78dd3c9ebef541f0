import { Agent, request } from 'undici';
import { describeError } from '../util/describe-error';
import { hostPort } from '../util/host-port';

/** One look at a controller-manager's or scheduler's own /healthz. */
export interface ComponentHealth {
  readonly at: number;
  /** true: answered healthy; false: down, unhealthy or silent; null: answered but would not say (401/403). */
  readonly live: boolean | null;
  readonly httpStatus: number | null;
  readonly error: string | null;
}

const NO_ANSWER = 'no answer within';

/** The probe went unanswered (not refused, not an HTTP error): the process may be busy or frozen, or hawk starved. */
export function wentUnanswered(health: ComponentHealth): boolean {
  return health.live === false && health.httpStatus === null && (health.error?.startsWith(NO_ANSWER) ?? false);
}

/**
 * ComponentHealthProber asks kube-controller-manager and kube-scheduler instances directly, so a
 * dead standby is not counted just because its mirror pod still says Running.
 *
 * Anonymous on purpose: /healthz is in both components' default --authorization-always-allow-paths,
 * and the kubeconfig's credentials must never be sent to ports hawk only reads health from.
 * Certificate verification is off for this probe only: these components serve a self-signed
 * certificate generated at start-up (no CA hawk could trust), and nothing is sent or believed
 * beyond "this address answers healthy".
 */
export interface ComponentHealthProber {
  probe(host: string, port: number, timeoutMs: number, now: () => number): Promise<ComponentHealth>;
  close(): Promise<void>;
}

/** Bytes of a /healthz body read (a few KiB holds every check line); a bigger one is not read to its end. */
const MAX_HEALTH_BODY_BYTES = 4096;

/** The first `maxBytes` of a body as text; the rest is never read (the stream is destroyed). */
async function readAtMost(body: AsyncIterable<Buffer> & { destroy(): unknown }, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= maxBytes) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

export function createComponentHealthProber(): ComponentHealthProber {
  // No keep-alive: one request per address per interval, and a frozen process must not hold a socket.
  const agent = new Agent({ connect: { rejectUnauthorized: false }, pipelining: 0 });
  return {
    async probe(host, port, timeoutMs, now) {
      const url = `https://${hostPort(host, port)}/healthz`;
      const deadline = AbortSignal.timeout(timeoutMs);
      try {
        const response = await request(url, {
          method: 'GET',
          dispatcher: agent,
          signal: deadline,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const body = (await readAtMost(response.body, MAX_HEALTH_BODY_BYTES)).trim().slice(0, 200);
        const status = response.statusCode;
        if (status === 200) return { at: now(), live: true, httpStatus: status, error: null };
        // It answered, so the process is up, but hawk may not read its health: neither live nor dead.
        if (status === 401 || status === 403)
          return {
            at: now(),
            live: null,
            httpStatus: status,
            error: `HTTP ${status}: /healthz not readable anonymously`,
          };
        return {
          at: now(),
          live: false,
          httpStatus: status,
          error: `HTTP ${status}${
            body
              ? `: ${
                  body
                    .split('\n')
                    .filter((line) => line.startsWith('[-]'))
                    .join(', ') || body
                }`
              : ''
          }`,
        };
      } catch (error) {
        const message = deadline.aborted ? `${NO_ANSWER} ${timeoutMs} ms` : describeError(error);
        return { at: now(), live: false, httpStatus: null, error: message };
      }
    },
    close: () => agent.destroy(),
  };
}
