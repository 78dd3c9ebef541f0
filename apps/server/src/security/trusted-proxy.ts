import type { IncomingHttpHeaders } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * TrustedProxy reads the user an authenticating proxy (oauth2-proxy's `X-Auth-Request-User`)
 * vouches for, but only on connections whose TCP peer is that proxy: anyone else could set the
 * header too, so from other peers it is ignored.
 */
export interface TrustedProxy {
  /** The header's name, lower-cased as node presents it. */
  readonly header: string;
  /** The user named by the header when `peer` is a trusted proxy; null otherwise. */
  userFrom(peer: string | undefined, headers: IncomingHttpHeaders): string | null;
}

/** Longest user name accepted: a header is not a place for a payload. */
const MAX_USER_LENGTH = 256;

/**
 * parseCidrs reads a comma-separated list of CIDRs (or single addresses) into a BlockList. Throws
 * naming the first entry that is not one; an empty list is an error too, since it trusts nobody.
 */
export function parseCidrs(value: string): BlockList {
  const list = new BlockList();
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('no CIDR given');
  for (const entry of entries) {
    const [address = '', prefixText, extra] = entry.split('/');
    const family = isIP(address);
    const maxPrefix = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
    if (family === 0 || extra !== undefined || !/^\d+$/.test(prefixText ?? String(maxPrefix)) || prefix > maxPrefix) {
      throw new Error(`${JSON.stringify(entry)} is not a CIDR (like 10.0.0.0/8 or fd00::/8)`);
    }
    list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

const hasControlCharacter = (text: string) =>
  [...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);

/** createTrustedProxy trusts `header` from peers within `cidrs` (comma-separated). Throws on a bad CIDR. */
export function createTrustedProxy(header: string, cidrs: string): TrustedProxy {
  const trusted = parseCidrs(cidrs);
  const name = header.toLowerCase();
  const isTrusted = (peer: string | undefined) => {
    const family = peer === undefined ? 0 : isIP(peer);
    // An IPv4-mapped IPv6 peer (::ffff:10.0.0.1) matches IPv4 subnets: BlockList handles the mapping.
    return family !== 0 && trusted.check(peer!, family === 4 ? 'ipv4' : 'ipv6');
  };
  return {
    header: name,
    userFrom(peer, headers) {
      if (!isTrusted(peer)) return null;
      const value = headers[name];
      const user = typeof value === 'string' ? value.trim() : '';
      // Control characters would forge log lines; an empty or oversized value names nobody.
      if (user.length === 0 || user.length > MAX_USER_LENGTH || hasControlCharacter(user)) return null;
      return user;
    },
  };
}
