/**
 * The backends the web proxies to (HAWK_API_URL, comma-separated) and which one serves now: the first
 * healthy one in the listed order. Ordered failover rather than round-robin keeps a socket.io session's
 * long-polling requests on one backend (no sticky sessions needed), and moves every browser to the next
 * backend only when the first stops answering /livez.
 */

export interface Backends {
  /** The backend to send the next request to: the first healthy, or the first listed when none is. */
  current(): URL;
  /** A request to `backend` failed at the connection level: skip it until its next /livez answers. */
  markDown(backend: URL): void;
  /** Every backend with its last known health, for the web's own /healthz. */
  status(): readonly { url: string; healthy: boolean }[];
  stop(): void;
}

export function parseBackendList(list: string): URL[] {
  const urls = list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const url = new URL(entry);
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new Error(`HAWK_API_URL: ${entry} is not an http(s) URL`);
      if (url.pathname !== '/' || url.search)
        throw new Error(`HAWK_API_URL: ${entry} must be a bare origin (scheme://host:port)`);
      return url;
    });
  if (urls.length === 0) throw new Error('HAWK_API_URL names no backend');
  return urls;
}

export function watchBackends(
  urls: readonly URL[],
  options: { intervalMs?: number; timeoutMs?: number } = {},
): Backends {
  const intervalMs = options.intervalMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 1500;
  // Optimistic until the first check: a fresh web must not refuse requests while its first probes run.
  const healthy = new Map(urls.map((url) => [url.href, true]));
  let stopped = false;

  async function check(url: URL): Promise<void> {
    try {
      const response = await fetch(new URL('/livez', url), { signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      healthy.set(url.href, response.ok);
    } catch {
      healthy.set(url.href, false);
    }
  }
  async function loop(): Promise<void> {
    while (!stopped) {
      await Promise.all(urls.map(check));
      await new Promise((resolve) => setTimeout(resolve, intervalMs).unref());
    }
  }
  void loop();

  return {
    current: () => urls.find((url) => healthy.get(url.href)) ?? urls[0]!,
    markDown: (backend) => {
      if (urls.length > 1) healthy.set(backend.href, false);
    },
    status: () => urls.map((url) => ({ url: url.origin, healthy: healthy.get(url.href) ?? false })),
    stop: () => {
      stopped = true;
    },
  };
}
