// Who is calling: the bootstrap admin token, a tenant's secret key (by hash, with
// scopes), a console staff session (a cookie; its role is a set of the same scopes),
// or a tenant's public key (the banner). A missing or unknown credential is 401; a
// principal without the scope is 403. One check serves keys and staff alike.
import crypto from 'node:crypto';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Scope } from '../shared/scopes.js';
import type { AppContext } from './context.js';
import { ApiError } from './errors.js';
import { sha256Hex } from './ids.js';
import { connectionIp } from './http/request-context.js';
import { readStaffSession, STAFF_COOKIE, staffCsrfMatches } from './services/staff/staff.js';

export interface KeyAuth {
  tenantId: string;
  /** The actor the audit log names: the key's id, or the staff member's id (stf_...) for a console session. */
  keyId: string;
  scopes: Scope[];
  /** How the caller signed in: a secret key or a console staff session. */
  kind?: 'key' | 'staff';
}

export type AuthEnv = { Variables: { auth: KeyAuth } };

function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match ? match[1] : null;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(sha256Hex(a), 'hex');
  const right = Buffer.from(sha256Hex(b), 'hex');
  return crypto.timingSafeEqual(left, right);
}

/**
 * Only the operator's bootstrap token; the admin API does not exist without one.
 * Wrong tokens are counted per client IP: past the limit every attempt from that IP,
 * the right token included, is 429 until the window ends, so guessing gets nowhere
 * and an answer never tells a lucky guess apart.
 */
export function requireAdminToken(ctx: AppContext) {
  return createMiddleware(async (c, next) => {
    if (!ctx.config.adminToken)
      throw new ApiError(404, 'NOT_FOUND', 'The admin API is off: set AKKOORD_ADMIN_TOKEN');
    const token = bearer(c.req.header('authorization'));
    if (!token) throw new ApiError(401, 'UNAUTHORIZED', 'Missing bearer token');
    const ip = connectionIp(c) ?? 'no-socket';
    await ctx.rateLimits.adminTokenPerIp.check(ip);
    if (!safeEqual(token, ctx.config.adminToken)) {
      await ctx.rateLimits.adminTokenPerIp.consume(ip);
      throw new ApiError(401, 'UNAUTHORIZED', 'Unknown token');
    }
    await next();
  });
}

/** Resolves a secret key to its tenant and scopes; null when unknown or revoked. */
export async function resolveSecretKey(
  ctx: AppContext,
  secretKey: string,
): Promise<KeyAuth | null> {
  const row = await ctx.db
    .selectFrom('api_keys')
    .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
    .select([
      'api_keys.id',
      'api_keys.tenant_id',
      'api_keys.scopes',
      'api_keys.revoked_at',
      'tenants.status',
    ])
    .where('api_keys.key_hash', '=', sha256Hex(secretKey))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null || row.status !== 'active') return null;
  return { tenantId: row.tenant_id, keyId: row.id, scopes: JSON.parse(row.scopes) as Scope[] };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A console session as a principal. A call that changes something must carry the
 * session's CSRF token in `x-csrf-token` (the cookie alone would be sent by a forged form).
 */
async function staffAuth(ctx: AppContext, c: Context): Promise<KeyAuth | null> {
  const cookie = getCookie(c, STAFF_COOKIE);
  if (!cookie) return null;
  const session = await readStaffSession(ctx, cookie);
  if (!session) throw new ApiError(401, 'UNAUTHORIZED', 'Not signed in, or the session has ended');
  if (!SAFE_METHODS.has(c.req.method) && !staffCsrfMatches(session, c.req.header('x-csrf-token'))) {
    throw new ApiError(403, 'CSRF_FAILED', 'Missing or wrong x-csrf-token header');
  }
  return {
    tenantId: session.tenantId,
    keyId: session.staffId,
    scopes: session.scopes,
    kind: 'staff',
  };
}

/** The caller: a bearer secret key, else a console session; 401 when neither. */
export async function resolvePrincipal(ctx: AppContext, c: Context): Promise<KeyAuth> {
  const header = c.req.header('authorization');
  if (header === undefined) {
    const staff = await staffAuth(ctx, c);
    if (staff) return staff;
  }
  const token = bearer(header);
  if (!token)
    throw new ApiError(401, 'UNAUTHORIZED', 'Missing bearer token: Authorization: Bearer sk_...');
  if (!token.startsWith('sk_')) throw new ApiError(401, 'UNAUTHORIZED', 'Not a secret key');
  const auth = await resolveSecretKey(ctx, token);
  if (!auth) throw new ApiError(401, 'UNAUTHORIZED', 'Unknown or revoked key');
  return { ...auth, kind: 'key' };
}

/** A secret key or a staff session that carries at least one of `anyOf`. */
export function requireScope(ctx: AppContext, ...anyOf: Scope[]) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const auth = await resolvePrincipal(ctx, c);
    if (!anyOf.some((scope) => auth.scopes.includes(scope))) {
      throw new ApiError(
        403,
        'FORBIDDEN',
        `${auth.kind === 'staff' ? 'Your role' : 'This key'} lacks the scope ${anyOf.join(' or ')}`,
      );
    }
    c.set('auth', auth);
    await next();
  });
}

/**
 * The banner resolves its public key on every request. On SQLite that query would wait
 * behind the group-commit transaction on the one connection, so answers are kept for a
 * second. Offboarding forgets them at once in this process; another process (PostgreSQL)
 * sees the change within PUBLIC_KEY_TTL_MS.
 */
const PUBLIC_KEY_TTL_MS = 1000;
type PublicTenant = { id: string; allowedOrigins: string[] };
const publicKeyCache = new WeakMap<object, Map<string, { tenant: PublicTenant; until: number }>>();

export function forgetPublicKeys(ctx: Pick<AppContext, 'db'>): void {
  publicKeyCache.delete(ctx.db);
}

/** The tenant a public key (pk_...) belongs to; 401 when it is unknown or the tenant is leaving. */
export async function tenantForPublicKey(
  ctx: AppContext,
  publicKey: string | undefined,
): Promise<PublicTenant> {
  if (!publicKey) throw new ApiError(401, 'UNAUTHORIZED', 'Missing public key');
  let cache = publicKeyCache.get(ctx.db);
  const hit = cache?.get(publicKey);
  if (hit && hit.until > Date.now()) return hit.tenant;
  const row = await ctx.db
    .selectFrom('tenants')
    .select(['id', 'allowed_origins', 'status'])
    .where('public_key', '=', publicKey)
    .executeTakeFirst();
  if (!row || row.status !== 'active')
    throw new ApiError(401, 'UNAUTHORIZED', 'Unknown public key');
  const tenant = { id: row.id, allowedOrigins: JSON.parse(row.allowed_origins) as string[] };
  if (!cache) publicKeyCache.set(ctx.db, (cache = new Map()));
  // Only known keys are kept, so the map is bounded by the number of tenants.
  cache.set(publicKey, { tenant, until: Date.now() + PUBLIC_KEY_TTL_MS });
  return tenant;
}
