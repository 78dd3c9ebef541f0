/**
 * Where hawk's backend is and how to authenticate to it. The browser only ever talks to hawk's
 * backend, never to a cluster: credentials for clusters stay server-side.
 */

const TOKEN_KEY = 'hawk.token';

/**
 * The page's own origin: the web serves the page and proxies /api, /socket.io and /docs to the backend
 * it was started with (HAWK_API_URL, read at run time), so one build serves any host and the browser
 * never needs a second address (nor CORS). Nothing about the backend is baked into the bundle.
 */
export function hawkApiBase(): string {
  return typeof window === 'undefined' ? '' : window.location.origin;
}

/** The HAWK_TOKEN the user entered, kept for this tab only (sessionStorage) so it dies with the tab. */
export function readToken(): string | null {
  if (typeof window === 'undefined') return null;
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
    else window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled (private mode): the token lives only as long as the socket.
  }
}

/** GETs JSON from the backend's REST API with the token, throwing a readable error on failure. */
export async function fetchHawk<T>(path: string, signal?: AbortSignal): Promise<T> {
  const token = readToken();
  const response = await fetch(`${hawkApiBase()}${path}`, {
    signal,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    cache: 'no-store',
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}
