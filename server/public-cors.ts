// CORS for the endpoints the banner calls with a public key. The tenant's allowedOrigins (and
// Akkoord's own pages) may write; a browser on another origin is refused (403
// ORIGIN_NOT_ALLOWED) before anything is stored, so a foreign page cannot fill a tenant's ledger
// through its visitors' browsers. Preflights pass for any web origin and every error answer
// carries Access-Control-Allow-Origin: the refusal itself is what the server enforces, and the
// banner must be able to read why it failed (a page on an origin the tenant forgot to list, an
// unknown key, a rate limit) to tell the site's developer. Error bodies hold no data.
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { originAllowed, requestOrigin } from '../shared/origins.js';
import type { AppContext } from './context.js';
import { ApiError } from './errors.js';

const PREFLIGHT_MAX_AGE = '600';

/** Whether the request's origin may use a tenant whose list is allowedOrigins; Akkoord's own pages always may. */
export function originPermitted(
  ctx: AppContext,
  origin: string | undefined,
  allowedOrigins: string[],
): boolean {
  return (
    originAllowed(origin, allowedOrigins) ||
    originAllowed(origin, [new URL(ctx.config.publicUrl).origin])
  );
}

/**
 * Called by a handler once it knows the tenant: grants CORS to a listed origin and refuses
 * (403 ORIGIN_NOT_ALLOWED) a browser request from any other. Requests without Origin (servers,
 * curl) pass: CORS protects browsers only.
 */
export function allowTenantOrigin(c: Context, ctx: AppContext, allowedOrigins: string[]): void {
  const origin = c.req.header('origin');
  if (origin === undefined) return;
  if (!originPermitted(ctx, origin, allowedOrigins)) {
    throw new ApiError(
      403,
      'ORIGIN_NOT_ALLOWED',
      "This page's origin is not in the tenant's allowed origins; add it with PUT /v1/tenant/origins or `akkoord tenant origins add`",
    );
  }
  c.header('Access-Control-Allow-Origin', origin);
}

/**
 * Lets the page read every error answer of the public endpoints, also those given before the
 * route knew the tenant (a rate limit, a bad body, an unknown key). Mounted before the rate
 * limiters, so their 429 is readable too.
 */
/** Adds Origin to Vary unless it is there already (two CORS layers must not say it twice). */
function varyOrigin(headers: Headers): void {
  if (!/(^|,)\s*origin\s*(,|$)/i.test(headers.get('Vary') ?? '')) headers.append('Vary', 'Origin');
}

export function readableErrors() {
  return createMiddleware(async (c, next) => {
    await next();
    const origin = requestOrigin(c.req.header('origin'));
    if (origin && c.res.status >= 400 && !c.res.headers.has('Access-Control-Allow-Origin')) {
      c.res.headers.set('Access-Control-Allow-Origin', origin);
      varyOrigin(c.res.headers);
    }
  });
}

/** Answers preflights for any web origin; the request itself is then granted or refused. */
export function publicCors(methods: string) {
  return createMiddleware(async (c, next) => {
    const origin = requestOrigin(c.req.header('origin'));
    if (c.req.method === 'OPTIONS') {
      c.header('Vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
      if (origin) {
        c.header('Access-Control-Allow-Origin', origin);
        c.header('Access-Control-Allow-Methods', methods);
        c.header('Access-Control-Allow-Headers', 'Content-Type');
        c.header('Access-Control-Max-Age', PREFLIGHT_MAX_AGE);
      }
      return c.body(null, 204);
    }
    await next();
    // Once, however many routers or middlewares add it.
    varyOrigin(c.res.headers);
  });
}
