// What a consent record keeps of the request that carried it (GDPR-04): a truncated IP
// address, the user agent and the Global Privacy Control signal. The IP is cut before
// it is stored so the ledger never holds a full address (Art. 5(1)(c) minimisation).
import net from 'node:net';
import type { Context } from 'hono';
import { clientIp } from '../middleware/trusted-proxies.js';

const MAX_USER_AGENT = 512;

/**
 * IPv4: the last octet zeroed (192.0.2.77 → 192.0.2.0). IPv6: the last 80 bits zeroed,
 * keeping the /48 (2001:db8:1:2::5 → 2001:db8:1::). An IPv4-mapped IPv6 address
 * (::ffff:192.0.2.77, as a dual-stack socket reports IPv4 peers) is treated as IPv4.
 * Anything else is null.
 */
export function truncateIp(address: string | null | undefined): string | null {
  if (!address) return null;
  const ip = address.replace(/%.*$/, '');
  if (net.isIPv4(ip)) return ip.replace(/\.\d+$/, '.0');
  if (!net.isIPv6(ip)) return null;
  const groups = ipv6Groups(ip);
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) return `${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.0`;
  return formatIpv6([groups[0], groups[1], groups[2], 0, 0, 0, 0, 0]);
}

/** The eight 16-bit groups of a valid IPv6 address (with :: and a trailing dotted quad). */
function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text =
      text.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((g) => parseInt(g, 16));
}

/** RFC 5952 text form: lowercase, no leading zeros, the longest run of zero groups as ::. */
function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * The client's address: the TCP peer, or, when that peer is a proxy named in
 * AKKOORD_TRUSTED_PROXIES, the address it forwards (middleware/trusted-proxies.ts).
 * Under app.request() (tests) there is no socket, and the answer is null.
 */
export function connectionIp(c: Context): string | null {
  return clientIp(c);
}

/** GPC-01: set only when a Sec-GPC header is exactly "1" (several headers arrive comma-joined). */
export function gpcHeader(c: Context): boolean {
  const value = c.req.header('sec-gpc');
  return value !== undefined && value.split(',').some((part) => part.trim() === '1');
}

export interface RequestContext {
  ipTruncated: string | null;
  userAgent: string | null;
  gpcHeader: boolean;
}

export function readRequestContext(c: Context): RequestContext {
  const userAgent = c.req.header('user-agent');
  return {
    ipTruncated: truncateIp(connectionIp(c)),
    userAgent: userAgent ? userAgent.slice(0, MAX_USER_AGENT) : null,
    gpcHeader: gpcHeader(c),
  };
}
