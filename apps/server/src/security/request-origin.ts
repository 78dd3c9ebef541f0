import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

/**
 * Which browsers' pages may talk to hawk. Two guards, one place:
 * - Host: a page on an attacker's domain that re-binds its DNS name to hawk's address sends that
 *   domain as Host. Only allow-listed names pass; an IP literal cannot be re-bound, so it passes.
 * - Origin: socket.io's `cors` option is not applied to WebSocket upgrades, so any page could open
 *   a socket to a token-less hawk. The upgrade (and every socket.io request) must come from a web
 *   origin hawk serves, or from hawk's own origin (the web proxying /socket.io), or from no browser
 *   at all (no Origin header: a CLI or a test client, which a page cannot impersonate).
 */
export interface RequestOriginPolicy {
  /** The Host header names a host hawk answers to. */
  hostAllowed(host: string | undefined): boolean;
  /** The Origin header (if any) is one hawk's pages come from. */
  originAllowed(headers: IncomingHttpHeaders): boolean;
  /** The web origins, for CORS. */
  readonly webOrigins: readonly string[];
}

/** hostname of a Host header value (`name:port`, `[v6]:port`), lower-cased. */
function hostnameOf(host: string): string {
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(1, trimmed.indexOf(']'));
  const colon = trimmed.lastIndexOf(':');
  return colon > 0 && trimmed.indexOf(':') === colon ? trimmed.slice(0, colon) : trimmed;
}

/** createRequestOriginPolicy from HAWK_WEB_ORIGIN and HAWK_ALLOWED_HOSTS (both comma-separated). */
export function createRequestOriginPolicy(webOrigin: string, allowedHosts: string): RequestOriginPolicy {
  const webOrigins = webOrigin.split(',').map((origin) => new URL(origin.trim()).origin);
  const anyHost = allowedHosts.trim() === '*';
  const names = new Set(['localhost', ...webOrigins.map((origin) => new URL(origin).hostname.toLowerCase())]);
  if (!anyHost) for (const name of allowedHosts.split(',')) if (name.trim()) names.add(name.trim().toLowerCase());

  const hostAllowed = (host: string | undefined): boolean => {
    if (anyHost) return true;
    if (!host) return false;
    const name = hostnameOf(host);
    return isIP(name) !== 0 || names.has(name) || name.endsWith('.localhost');
  };

  return {
    webOrigins,
    hostAllowed,
    originAllowed(headers) {
      const origin = headers.origin;
      if (origin === undefined) return true;
      let parsed: URL;
      try {
        parsed = new URL(origin);
      } catch {
        return false;
      }
      if (webOrigins.includes(parsed.origin)) return true;
      // Same origin: the page was served by whoever answers this Host (the web's proxy preserves it).
      return headers.host !== undefined && parsed.host === headers.host.toLowerCase() && hostAllowed(headers.host);
    },
  };
}
