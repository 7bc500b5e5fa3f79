// Who the client is and whether it spoke https, behind a reverse proxy. The forwarding
// headers (X-Forwarded-For, Forwarded, X-Forwarded-Proto) are believed only when the TCP
// peer is in AKKOORD_TRUSTED_PROXIES: anyone else could write any address into the ledger
// or dodge the per-IP limits with them. Links never come from these headers (nor from Host):
// they are built from PUBLIC_URL.
import net from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Subnet } from '../config.js';

interface Client {
  ip: string | null;
  https: boolean;
}

/** Per request, what this middleware found; read through clientIp and isHttps. */
const clients = new WeakMap<Request, Client>();

/** The address of the TCP peer; null under app.request() (tests), which has no socket. */
export function socketIp(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}

/** ::ffff:192.0.2.1 (a dual-stack socket's IPv4 peer) as 192.0.2.1; anything not an IP as null. */
function normalise(address: string): string | null {
  const ip = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  return net.isIP(ip) ? ip : null;
}

function blockList(subnets: readonly Subnet[]): net.BlockList {
  const list = new net.BlockList();
  for (const subnet of subnets) list.addSubnet(subnet.address, subnet.prefix, subnet.family);
  return list;
}

/** The for= addresses of a Forwarded header (RFC 7239), quotes, brackets and ports removed. */
function forwardedFor(header: string): string[] {
  return header.split(',').map((element) => {
    const pair = element
      .split(';')
      .map((p) => p.trim())
      .find((p) => /^for=/i.test(p));
    const value = (pair ?? '').slice(4).replace(/^"|"$/g, '');
    const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
    if (bracketed) return bracketed[1];
    return /^\d+\.\d+\.\d+\.\d+:\d+$/.test(value) ? value.replace(/:\d+$/, '') : value;
  });
}

/** The proto= of the last element of a Forwarded header (the one our proxy added). */
function forwardedProto(header: string): string | undefined {
  const last = header.split(',').at(-1) ?? '';
  return /(?:^|;)\s*proto="?([a-z]+)"?/i.exec(last)?.[1];
}

/**
 * Walks the forwarding chain from the right (the hop nearest to us) while the hops are
 * trusted proxies; the first one that is not is the client. X-Forwarded-For wins over
 * Forwarded; the proxy must set the one it uses (nginx: $proxy_add_x_forwarded_for).
 */
function resolveClient(c: Context, trusted: net.BlockList): Client {
  const peer = socketIp(c);
  const direct: Client = { ip: peer, https: new URL(c.req.url).protocol === 'https:' };
  const peerIp = peer === null ? null : normalise(peer);
  if (peerIp === null || !trusted.check(peerIp, net.isIPv4(peerIp) ? 'ipv4' : 'ipv6'))
    return direct;
  const xff = c.req.header('x-forwarded-for');
  const forwarded = c.req.header('forwarded');
  const chain =
    xff !== undefined
      ? xff.split(',').map((s) => s.trim())
      : forwarded !== undefined
        ? forwardedFor(forwarded)
        : [];
  let ip = peerIp;
  for (const hop of chain.reverse()) {
    const hopIp = normalise(hop);
    if (hopIp === null) break; // "unknown", an obfuscated name or garbage: keep the last address we can vouch for
    ip = hopIp;
    if (!trusted.check(hopIp, net.isIPv4(hopIp) ? 'ipv4' : 'ipv6')) break;
  }
  const xfp = c.req.header('x-forwarded-proto');
  const proto =
    xfp !== undefined
      ? xfp.split(',').at(-1)?.trim()
      : forwarded !== undefined
        ? forwardedProto(forwarded)
        : undefined;
  return { ip, https: proto === undefined ? direct.https : proto.toLowerCase() === 'https' };
}

/** Works out the client once per request, before the rate limits and routes ask for it. */
export function trustedProxies(subnets: readonly Subnet[]) {
  const trusted = blockList(subnets);
  return createMiddleware(async (c, next) => {
    if (subnets.length > 0) clients.set(c.req.raw, resolveClient(c, trusted));
    await next();
  });
}

/** The client's address: the forwarded one behind a trusted proxy, else the TCP peer. */
export function clientIp(c: Context): string | null {
  return clients.get(c.req.raw)?.ip ?? socketIp(c);
}

/** Whether the client reached us over https (directly, or as a trusted proxy says). */
export function isHttps(c: Context): boolean {
  return clients.get(c.req.raw)?.https ?? new URL(c.req.url).protocol === 'https:';
}
