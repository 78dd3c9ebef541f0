/** Query parameters that describe the screen rather than the content: they follow every navigation. */
const STICKY = ['kiosk', 'cycle'] as const;

/** `path` with the sticky parameters of `current` (and `extra`, where null removes) appended. */
export function hrefWith(
  path: string,
  current: URLSearchParams | null,
  extra: Readonly<Record<string, string | null>> = {},
): string {
  const next = new URLSearchParams();
  for (const key of STICKY) {
    const value = current?.get(key);
    if (value) next.set(key, value);
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === null) next.delete(key);
    else next.set(key, value);
  }
  const query = next.toString();
  return query ? `${path}?${query}` : path;
}

/** The current URL with some parameters changed or removed, keeping all the others. */
export function withParams(
  path: string,
  current: URLSearchParams | null,
  changes: Readonly<Record<string, string | null>>,
): string {
  const next = new URLSearchParams(current?.toString() ?? '');
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) next.delete(key);
    else next.set(key, value);
  }
  const query = next.toString();
  return query ? `${path}?${query}` : path;
}

/** The cluster id in a /clusters/[id] path, null elsewhere. */
export function clusterIdOf(pathname: string | null): string | null {
  const match = /^\/clusters\/([^/]+)/.exec(pathname ?? '');
  return match ? decodeURIComponent(match[1]!) : null;
}
