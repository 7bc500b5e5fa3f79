// Where a webhook may be sent (SSRF): a tenant chooses the URL, and the server posts
// to it from inside the operator's network, so a URL whose host is (or resolves to) a
// loopback, private, link-local or otherwise non-public address is refused, at
// registration and again before each delivery. A delivery resolves the name once,
// checks every address, and connects only to a checked one (webhook-http.ts): a second
// lookup could answer differently (DNS rebinding). AKKOORD_WEBHOOK_ALLOW_PRIVATE=true
// lifts the check for local receivers; the connection is still pinned.
import dns from 'node:dns/promises';
import net from 'node:net';
import { ApiError } from '../../errors.js';

/** Addresses that are not the public internet (IANA special-purpose registries, RFC 6890). */
const blocked = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  // ::/96 holds the deprecated IPv4-compatible form (::127.0.0.1), ::ffff:0:0:0/96 the
  // SIIT IPv4-translated one (::ffff:0:127.0.0.1); neither is a real public destination.
  ['::', 96],
  ['::ffff:0:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(network, prefix, 'ipv6');

/** The eight 16-bit groups of an IPv6 literal (with or without a dotted-quad tail). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad[1].split('.').map(Number);
    text = `${text.slice(0, -quad[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === null ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((group) => parseInt(group, 16));
}

/**
 * The IPv4 address an IPv6 address carries in its last 32 bits when it is one of the
 * forms that reach that IPv4 host: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d),
 * translated (::ffff:0:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d). Null otherwise.
 */
export function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const embeds =
    (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) ||
    (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) ||
    (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6));
  return embeds ? [g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff].join('.') : null;
}

/** True for an IP literal that is not a public unicast address. */
export function isNonPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    return blocked.check(address, 'ipv6') || (v4 !== null && blocked.check(v4, 'ipv4'));
  }
  return true; // not an address at all: never a place to send to
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Name resolution, replaceable so a test can play a rebinding DNS server. */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (host) => dns.lookup(host, { all: true, verbatim: true });

export type TargetCheck =
  | { problem: 'unresolvable_host' | 'blocked'; addresses?: undefined }
  | { problem: null; addresses: ResolvedAddress[] };

/**
 * Resolves the URL's host once and checks every address. The WHATWG parser has already
 * turned 0x7f.1, 2130706433 and the like into dotted quads. The addresses returned are
 * the only ones a delivery may connect to.
 */
export async function checkWebhookTarget(
  url: string,
  allowPrivate: boolean,
  resolve: Resolver = systemResolver,
): Promise<TargetCheck> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  let addresses: ResolvedAddress[];
  const family = net.isIP(host);
  if (family) {
    addresses = [{ address: host, family }];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      return { problem: 'unresolvable_host' };
    }
  }
  if (addresses.length === 0) return { problem: 'unresolvable_host' };
  // Every address must be public: a name with one private address among public ones could be served from it.
  if (!allowPrivate && addresses.some((entry) => isNonPublicAddress(entry.address)))
    return { problem: 'blocked' };
  return { problem: null, addresses };
}

/** At registration: a 422 that names the rule, without echoing the URL. */
export async function assertWebhookTarget(url: string, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  const { problem } = await checkWebhookTarget(url, allowPrivate);
  if (problem === 'unresolvable_host') {
    throw new ApiError(
      422,
      'WEBHOOK_URL_NOT_ALLOWED',
      "The webhook URL's host name does not resolve",
      [{ path: 'url', message: 'a host name that resolves' }],
    );
  }
  if (problem) {
    throw new ApiError(
      422,
      'WEBHOOK_URL_NOT_ALLOWED',
      'The webhook URL must reach a public address, not a loopback, private or link-local one',
      [{ path: 'url', message: 'a URL whose host is a public address' }],
    );
  }
}
