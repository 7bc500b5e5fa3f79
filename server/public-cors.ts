// CORS for the endpoints the banner calls with a public key (CONTRACT.md §5): only
// the tenant's allowedOrigins (and Akkoord's own pages) are granted. A browser on
// another origin gets no Access-Control-Allow-Origin, and its writes are refused, so
// a foreign page cannot fill a tenant's ledger through its visitors' browsers.
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppContext } from './context.js';
import { ApiError } from './errors.js';

export type CorsEnv = { Variables: { corsDecided: boolean } };

const PREFLIGHT_MAX_AGE = '600';

/** The serialised origin (RFC 6454 §6.1), or null for "null" and garbage. */
function normaliseOrigin(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

function listed(origin: string, allowedOrigins: string[], ctx: AppContext): boolean {
  const wanted = normaliseOrigin(origin);
  if (!wanted) return false;
  if (wanted === normaliseOrigin(ctx.config.publicUrl)) return true;
  return allowedOrigins.some((allowed) => normaliseOrigin(allowed) === wanted);
}

/** Whether any active tenant lists the origin: what a preflight without a key can know. */
async function knownToSomeTenant(ctx: AppContext, origin: string): Promise<boolean> {
  const wanted = normaliseOrigin(origin);
  if (!wanted) return false;
  if (wanted === normaliseOrigin(ctx.config.publicUrl)) return true;
  // LIKE narrows the rows (its _ wildcard only widens the match); JSON.parse decides.
  const rows = await ctx.db
    .selectFrom('tenants')
    .select('allowed_origins')
    .where('status', '=', 'active')
    .where('allowed_origins', 'like', `%"${wanted}"%`)
    .limit(20)
    .execute();
  return rows.some((row) => listed(origin, JSON.parse(row.allowed_origins) as string[], ctx));
}

function grant(c: Context, origin: string): void {
  c.header('Access-Control-Allow-Origin', origin);
}

/**
 * Called by a handler once it knows the tenant: grants CORS to a listed origin and
 * refuses (403) a browser request from any other. Requests without Origin (servers,
 * curl) pass: CORS protects browsers only.
 */
export function allowTenantOrigin(c: Context<CorsEnv>, ctx: AppContext, allowedOrigins: string[]): void {
  c.set('corsDecided', true);
  const origin = c.req.header('origin');
  if (origin === undefined) return;
  if (!listed(origin, allowedOrigins, ctx)) {
    throw new ApiError(403, 'FORBIDDEN', 'This origin is not in the tenant\'s allowedOrigins');
  }
  grant(c, origin);
}

/**
 * Answers preflights (with ?key= for that tenant's origins, else any tenant's) and,
 * for answers given before the tenant was known (a bad body, an unknown key), grants
 * the origins some tenant lists so the banner can read why it failed.
 */
export function publicCors(ctx: AppContext, methods: string) {
  return createMiddleware<CorsEnv>(async (c, next) => {
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS') {
      c.header('Vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
      const key = c.req.query('key');
      let allowed = false;
      if (origin !== undefined) {
        if (key) {
          const tenant = await ctx.db.selectFrom('tenants').select(['allowed_origins', 'status']).where('public_key', '=', key).executeTakeFirst();
          allowed = tenant?.status === 'active' && listed(origin, JSON.parse(tenant.allowed_origins) as string[], ctx);
        } else {
          allowed = await knownToSomeTenant(ctx, origin);
        }
      }
      if (allowed && origin !== undefined) {
        grant(c, origin);
        c.header('Access-Control-Allow-Methods', methods);
        c.header('Access-Control-Allow-Headers', 'Content-Type');
        c.header('Access-Control-Max-Age', PREFLIGHT_MAX_AGE);
      }
      return c.body(null, 204);
    }
    await next();
    c.header('Vary', 'Origin', { append: true });
    if (origin !== undefined && !c.get('corsDecided') && c.res.status >= 400 && (await knownToSomeTenant(ctx, origin))) {
      c.res.headers.set('Access-Control-Allow-Origin', origin);
    }
  });
}
