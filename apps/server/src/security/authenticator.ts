import type { IncomingHttpHeaders } from 'node:http';
import { tokenMatches } from './bearer-token';
import type { TrustedProxy } from './trusted-proxy';

/** Who a request or socket was let in as. The token itself is never part of it. */
export interface Principal {
  readonly via: 'trusted-proxy' | 'token';
  /** The user the proxy named; null for a bearer token, which names nobody. */
  readonly user: string | null;
}

/** What a request or a socket handshake presents. */
export interface Credentials {
  /** The TCP peer's address (never a forwarded-for header). */
  readonly peer: string | undefined;
  readonly headers: IncomingHttpHeaders;
  /** The bearer token presented, if any. */
  readonly token: string | null | undefined;
}

/** One check shared by REST and the socket.io handshake, so the two cannot drift apart. */
export interface Authenticator {
  /** False when neither a token nor a trusted proxy is configured: everything is open. */
  readonly required: boolean;
  /** The principal, or null when the credentials let nobody in. */
  authenticate(credentials: Credentials): Principal | null;
}

export interface AuthenticatorConfig {
  /** HAWK_TOKEN. */
  readonly token?: string;
  /** HAWK_TRUSTED_PROXY_HEADER from HAWK_TRUSTED_PROXY_CIDRS. */
  readonly trustedProxy?: TrustedProxy;
}

/**
 * createAuthenticator accepts the trusted proxy's header from a trusted peer first (it names a
 * user), else a matching bearer token. Either configured alone is enough to require one of them.
 */
export function createAuthenticator(config: AuthenticatorConfig): Authenticator {
  const { token, trustedProxy } = config;
  return {
    required: token !== undefined || trustedProxy !== undefined,
    authenticate(credentials) {
      const user = trustedProxy?.userFrom(credentials.peer, credentials.headers) ?? null;
      if (user !== null) return { via: 'trusted-proxy', user };
      if (token !== undefined && tokenMatches(token, credentials.token)) return { via: 'token', user: null };
      return null;
    },
  };
}
