// Sign-in to the preference center: e-mailed one-time links, signed links and the
// banner visitor's link are exchanged for a session. The session id is a cookie
// (HttpOnly, SameSite=Lax, Secure on https) and is stored only hashed; each session
// has its own CSRF token. Sessions end after an hour idle or twelve hours at most.
import crypto from 'node:crypto';
import type { AppContext } from '../context.js';
import { loginMail } from '../mail/templates.js';
import { getPublishedConfig } from './config.js';
import { issueToken, preferenceCenterUrl, useToken } from './links.js';
import { emailHash } from './personal-data.js';

export const SESSION_COOKIE = 'akkoord_pc';
export const SESSION_IDLE_MS = 60 * 60_000;
export const SESSION_MAX_MS = 12 * 60 * 60_000;

export interface MeSession {
  tenantId: string;
  subjectId: string;
  csrfToken: string;
  expiresAt: string;
}

const hashSessionId = (ctx: Pick<AppContext, 'keyring'>, id: string): string => ctx.keyring.hmac('session', id);

/** The display data of a tenant's page: name, languages, notice links, controller contact. */
export async function tenantPageInfo(ctx: AppContext, tenantId: string) {
  const tenant = await ctx.db.selectFrom('tenants').select(['id', 'name', 'status']).where('id', '=', tenantId).executeTakeFirst();
  if (!tenant || tenant.status !== 'active') return null;
  const published = await getPublishedConfig(ctx.db, tenantId);
  if (!published) return null;
  return { id: tenant.id, name: tenant.name, config: published.config, version: published.version };
}

/**
 * Looks the address up and, only when it belongs to a subject of the tenant, e-mails
 * a one-time sign-in link. The caller answers 202 before this finishes, so neither
 * the answer nor its timing tells whether the address is known.
 */
export async function sendLoginLink(ctx: AppContext, input: { tenantId: string; email: string; locale?: string }): Promise<boolean> {
  const page = await tenantPageInfo(ctx, input.tenantId);
  if (!page) return false;
  const subject = await ctx.db
    .selectFrom('subjects')
    .select(['id', 'email_enc'])
    .where('tenant_id', '=', input.tenantId)
    .where('email_hash', '=', emailHash(ctx.keyring, input.email))
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  const locale = input.locale && page.config.locales.includes(input.locale) ? input.locale : page.config.defaultLocale;
  // Spent sign-in links go as new ones are asked for, so the table stays small.
  await ctx.db.deleteFrom('tokens').where('tenant_id', '=', input.tenantId).where('kind', 'in', ['login', 'visitor'])
    .where('expires_at', '<', ctx.clock.now().toISOString()).execute();
  // The same work for an unknown address: a token that can never sign anyone in (no subject)
  // and the same rendering, so the load on the server does not tell the two apart either.
  const { token } = await issueToken(ctx.db, ctx, { tenantId: input.tenantId, kind: 'login', subjectId: subject?.email_enc ? subject.id : null, data: { locale } });
  const mail = loginMail(locale, {
    tenant: { name: page.name, contact: page.config.controller.contact },
    url: preferenceCenterUrl(ctx, input.tenantId, token),
  });
  if (!subject?.email_enc) return false;
  // The stored address, not the typed one: the mail goes where the tenant knows the person.
  await ctx.mailer.send({ to: ctx.keyring.decrypt(subject.email_enc), ...mail, tenantId: input.tenantId, subjectId: subject.id });
  return true;
}

export async function startSession(ctx: AppContext, tenantId: string, subjectId: string): Promise<MeSession & { id: string }> {
  const id = crypto.randomBytes(32).toString('base64url');
  const csrfToken = crypto.randomBytes(24).toString('base64url');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS).toISOString();
  await ctx.db
    .insertInto('sessions')
    .values({ id_hash: hashSessionId(ctx, id), tenant_id: tenantId, subject_id: subjectId, csrf_token: csrfToken, expires_at: expiresAt, created_at: now.toISOString() })
    .execute();
  return { id, tenantId, subjectId, csrfToken, expiresAt };
}

/**
 * Exchanges a link token for a session: sign-in and visitor links once, signed
 * preference links until they expire. Null when the token is unknown, used or expired.
 */
export async function exchangeToken(ctx: AppContext, token: string): Promise<(MeSession & { id: string }) | null> {
  const row = await useToken(ctx.db, ctx, token, ['login', 'preferences', 'visitor']);
  if (!row?.subjectId) return null;
  const subject = await ctx.db.selectFrom('subjects').select('id').where('tenant_id', '=', row.tenantId).where('id', '=', row.subjectId).executeTakeFirst();
  if (!subject) return null;
  return startSession(ctx, row.tenantId, row.subjectId);
}

/** The live session for a cookie value, its idle deadline moved forward; null when over. */
export async function readSession(ctx: AppContext, id: string | undefined): Promise<MeSession | null> {
  if (!id || id.length > 100) return null;
  const hash = hashSessionId(ctx, id);
  const row = await ctx.db.selectFrom('sessions').selectAll().where('id_hash', '=', hash).executeTakeFirst();
  if (!row) return null;
  const now = ctx.clock.now();
  const hardEnd = Date.parse(row.created_at) + SESSION_MAX_MS;
  if (Date.parse(row.expires_at) <= now.getTime() || hardEnd <= now.getTime()) {
    await ctx.db.deleteFrom('sessions').where('id_hash', '=', hash).execute();
    return null;
  }
  const expiresAt = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, hardEnd)).toISOString();
  // Only write when the deadline moves by a minute or more: reads stay cheap.
  if (Date.parse(expiresAt) - Date.parse(row.expires_at) >= 60_000) {
    await ctx.db.updateTable('sessions').set({ expires_at: expiresAt }).where('id_hash', '=', hash).execute();
  }
  return { tenantId: row.tenant_id, subjectId: row.subject_id, csrfToken: row.csrf_token, expiresAt };
}

export async function endSession(ctx: AppContext, id: string | undefined): Promise<void> {
  if (!id || id.length > 100) return;
  await ctx.db.deleteFrom('sessions').where('id_hash', '=', hashSessionId(ctx, id)).execute();
}

/** Constant-time comparison of the CSRF header with the session's token. */
export function csrfMatches(session: MeSession, header: string | undefined): boolean {
  if (!header) return false;
  const a = crypto.createHash('sha256').update(header).digest();
  const b = crypto.createHash('sha256').update(session.csrfToken).digest();
  return crypto.timingSafeEqual(a, b);
}
