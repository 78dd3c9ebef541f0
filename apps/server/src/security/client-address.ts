import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { parseCidrs } from './trusted-proxy';

/**
 * Which client a request stands for, for per-client limits. Behind hawk's web every browser arrives from the
 * web's address, so one bucket would be shared by all; the web replaces X-Forwarded-For with the client it
 * vouches for (apps/web/server/web-proxy.ts). That header counts only from HAWK_WEB_PROXY_CIDRS: from any other
 * peer it is the sender's own claim and is ignored.
 */
export interface ClientAddressing {
  /** The peer is hawk's web: its X-Forwarded-For may be believed. */
  trusts(address: string): boolean;
  /** The client's address: the nearest untrusted hop of X-Forwarded-For when the peer is trusted, else the peer. */
  clientOf(peer: string | undefined, headers: IncomingHttpHeaders): string;
}

export function createClientAddressing(webProxyCidrs: string | undefined): ClientAddressing {
  const trusted = webProxyCidrs ? parseCidrs(webProxyCidrs) : undefined;
  const trusts = (address: string): boolean => {
    const family = isIP(address);
    return trusted !== undefined && family !== 0 && trusted.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
  return {
    trusts,
    clientOf(peer, headers) {
      let client = peer ?? 'unknown';
      if (!trusts(client)) return client;
      const forwarded = headers['x-forwarded-for'];
      const chain = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => isIP(entry) !== 0);
      for (let index = chain.length - 1; index >= 0 && trusts(client); index--) client = chain[index]!;
      return client;
    },
  };
}
