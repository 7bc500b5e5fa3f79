// Which public (no secret key) endpoints are limited per client IP and per public key.
// The banner calls them from every visitor of every tenant's site, so they are the
// ones a flood reaches first.
import type { Context, MiddlewareHandler } from 'hono';
import type { AppContext } from '../context.js';
import { connectionIp } from '../http/request-context.js';
import { rateLimit } from './rate-limit.js';

async function publicKeyOf(c: Context): Promise<string | null> {
  const fromQuery = c.req.query('key');
  if (fromQuery) return fromQuery;
  if (c.req.method !== 'POST' || !(c.req.header('content-type') ?? '').includes('json'))
    return null;
  try {
    // Hono caches the parsed body, so the route's validator reads it again for free.
    const body = (await c.req.json()) as { key?: unknown };
    return typeof body.key === 'string' ? body.key : null;
  } catch {
    return null; // the route answers the malformed body itself
  }
}

export function publicRateLimits(ctx: AppContext): Record<string, MiddlewareHandler[]> {
  const perIp = rateLimit(ctx.rateLimits.publicPerIp, (c) => connectionIp(c) ?? 'no-socket');
  const perKey = rateLimit(ctx.rateLimits.publicPerKey, publicKeyOf);
  // A pattern ending in /* matches its base path too, so each path is listed once.
  return {
    '/v1/consents/*': [perIp, perKey],
    '/widget.js': [perIp],
    '/widget-settings.js': [perIp],
    '/v1/me/login': [perIp],
    '/console/api/sign-in': [perIp],
    '/console/api/passkeys/sign-in/*': [perIp],
    '/v1/me/visitor-link': [perIp, perKey],
    '/u/*': [perIp],
    '/c/*': [perIp],
  };
}
