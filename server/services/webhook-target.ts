// Where a webhook may be sent (issue 8, SSRF): a tenant chooses the URL, and the
// server posts to it from inside the operator's network, so a URL whose host is (or
// resolves to) a loopback, private, link-local or otherwise non-public address is
// refused, at registration and again before each delivery, because DNS can change
// between the two. AKKOORD_WEBHOOK_ALLOW_PRIVATE=true lifts this for local receivers.
import dns from 'node:dns/promises';
import net from 'node:net';
import { ApiError } from '../errors.js';

/** Addresses that are not the public internet (IANA special-purpose registries, RFC 6890). */
const blocked = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32],
  ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) blocked.addSubnet(network, prefix, 'ipv6');

/** True for an IP literal that is not a public unicast address. */
export function isNonPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  // BlockList matches IPv4-mapped IPv6 (::ffff:7f00:1) against the IPv4 rules itself.
  if (family === 6) return blocked.check(address, 'ipv6');
  return true; // not an address at all: never a place to send to
}

/**
 * Why this URL may not receive webhooks, or null when it may. The WHATWG parser has
 * already turned 0x7f.1, 2130706433 and the like into dotted quads.
 */
export async function webhookTargetProblem(url: string, allowPrivate: boolean): Promise<string | null> {
  if (allowPrivate) return null;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (net.isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = (await dns.lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
    } catch {
      return 'unresolvable_host';
    }
  }
  // Every address must be public: a name with one private address among public ones could be served from it.
  return addresses.length === 0 || addresses.some(isNonPublicAddress) ? 'private_address' : null;
}

/** At registration: a 422 that names the rule, without echoing the URL. */
export async function assertWebhookTarget(url: string, allowPrivate: boolean): Promise<void> {
  const problem = await webhookTargetProblem(url, allowPrivate);
  if (problem === 'unresolvable_host') {
    throw new ApiError(422, 'WEBHOOK_URL_NOT_ALLOWED', 'The webhook URL\'s host name does not resolve', [{ path: 'url', message: 'a host name that resolves' }]);
  }
  if (problem) {
    throw new ApiError(422, 'WEBHOOK_URL_NOT_ALLOWED', 'The webhook URL must reach a public address, not a loopback, private or link-local one',
      [{ path: 'url', message: 'a URL whose host is a public address' }]);
  }
}
