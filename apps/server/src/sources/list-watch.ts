import type { KubeClient } from '../clusters/kube-client';
import { SERVER_DEFAULTS } from '../defaults';

/** What to list and watch: one collection path with optional selectors. */
export interface WatchSpec {
  /** Collection path, e.g. /apis/coordination.k8s.io/v1/namespaces/kube-system/leases. */
  readonly path: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Server-side watch timeout (s): the server ends the watch then, and it is resumed from the last resourceVersion. */
  readonly watchTimeoutSeconds: number;
}

export interface WatchHandlers {
  /**
   * The full current set, after every (re)list: replaces what was known, so deletions missed while away are not kept.
   */
  onList(items: readonly unknown[]): void;
  onEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: unknown): void;
  /** The server spoke without a change (watch opened, bookmark): proof of life for the watchdog. */
  onActivity(): void;
}

/** GoneError: the resourceVersion is too old (410 Gone, as status or in-stream ERROR); only a relist recovers. */
export class GoneError extends Error {
  constructor(message = '410 Gone') {
    super(message);
    this.name = 'GoneError';
  }
}

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

/** ShortWatchError: the server ended a watch within SERVER_DEFAULTS.shortWatchMs having sent nothing. */
export class ShortWatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShortWatchError';
  }
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

function statusError(status: number, body: string, what: string): Error {
  if (status === 410) return new GoneError(`${what}: 410 Gone`);
  let message = body.slice(0, 200);
  try {
    message = (JSON.parse(body) as { message?: string }).message ?? message;
  } catch {
    // Not a Status object: keep the raw text.
  }
  return new HttpStatusError(status, `${what}: HTTP ${status}${message ? `: ${message}` : ''}`);
}

interface ListResult {
  readonly items: unknown[];
  readonly resourceVersion: string;
}

async function list(client: KubeClient, spec: WatchSpec, signal: AbortSignal): Promise<ListResult> {
  const items: unknown[] = [];
  let continueToken: string | undefined;
  let resourceVersion = '';
  do {
    const path =
      spec.path +
      query({
        labelSelector: spec.labelSelector,
        fieldSelector: spec.fieldSelector,
        limit: SERVER_DEFAULTS.listPageSize,
        continue: continueToken,
      });
    const response = await client.open(path, {
      signal,
      headersTimeoutMs: SERVER_DEFAULTS.listWatchHeadersTimeoutMs,
      bodyTimeoutMs: SERVER_DEFAULTS.listWatchHeadersTimeoutMs,
    });
    const text = await response.body.text();
    if (response.status !== 200) throw statusError(response.status, text, `list ${spec.path}`);
    const page = JSON.parse(text) as { items?: unknown[]; metadata?: { resourceVersion?: string; continue?: string } };
    items.push(...(page.items ?? []));
    resourceVersion = page.metadata?.resourceVersion ?? '';
    continueToken = page.metadata?.continue || undefined;
  } while (continueToken !== undefined);
  return { items, resourceVersion };
}

function resourceVersionOf(object: unknown): string | undefined {
  return (object as { metadata?: { resourceVersion?: string } } | null)?.metadata?.resourceVersion;
}

/**
 * watchOnce streams one watch from `resourceVersion` until the server ends it, returning the last
 * resourceVersion seen so the next watch resumes there. Throws GoneError on 410 in either form.
 */
async function watchOnce(
  client: KubeClient,
  spec: WatchSpec,
  resourceVersion: string,
  handlers: WatchHandlers,
  signal: AbortSignal,
): Promise<{ latest: string; events: number }> {
  const path =
    spec.path +
    query({
      watch: 1,
      resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: spec.watchTimeoutSeconds,
      labelSelector: spec.labelSelector,
      fieldSelector: spec.fieldSelector,
    });
  // No body timeout: silence is judged by the supervisor's watchdog, which knows what silence means per source.
  const response = await client.open(path, {
    signal,
    headersTimeoutMs: SERVER_DEFAULTS.listWatchHeadersTimeoutMs,
    bodyTimeoutMs: 0,
  });
  if (response.status !== 200) throw statusError(response.status, await response.body.text(), `watch ${spec.path}`);
  handlers.onActivity();
  let latest = resourceVersion;
  let events = 0;
  let buffered = '';
  response.body.setEncoding('utf8');
  for await (const chunk of response.body as AsyncIterable<string>) {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
      if (line === '') continue;
      const event = JSON.parse(line) as { type?: string; object?: unknown };
      if (event.type === 'ERROR') {
        const status = event.object as { code?: number; message?: string } | undefined;
        if (status?.code === 410) throw new GoneError(`watch ${spec.path}: ${status.message ?? '410 Gone'}`);
        throw new HttpStatusError(status?.code ?? 500, `watch ${spec.path}: ${status?.message ?? 'ERROR event'}`);
      }
      latest = resourceVersionOf(event.object) ?? latest;
      events += 1;
      if (event.type === 'BOOKMARK') handlers.onActivity();
      else if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED')
        handlers.onEvent(event.type, event.object);
    }
  }
  return { latest, events };
}

/**
 * runListWatch lists, then watches from the list's resourceVersion, resuming each time the server
 * ends the watch. It never returns while `signal` is live: it throws, and the supervisor decides
 * between relist (GoneError) and backoff (anything else).
 */
export async function runListWatch(
  client: KubeClient,
  spec: WatchSpec,
  handlers: WatchHandlers,
  signal: AbortSignal,
): Promise<void> {
  const listed = await list(client, spec, signal);
  handlers.onList(listed.items);
  let resourceVersion = listed.resourceVersion;
  while (!signal.aborted) {
    const openedAt = performance.now();
    const watched = await watchOnce(client, spec, resourceVersion, handlers, signal);
    // As client-go's reflector: a watch the server ends at once with nothing in it is a failure
    // (an apiserver whose cache is rebuilding after etcd came back does this), not a normal end.
    // Re-opening it at once would spin; the supervisor's backoff paces the retries instead.
    if (watched.events === 0 && performance.now() - openedAt < SERVER_DEFAULTS.shortWatchMs && !signal.aborted) {
      throw new ShortWatchError(
        `watch ${spec.path}: closed by the server after ${Math.round(performance.now() - openedAt)} ms with no event`,
      );
    }
    resourceVersion = watched.latest;
  }
}
