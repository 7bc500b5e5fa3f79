// Sign-in to the preference center: e-mailed one-time links, signed links and the
// banner visitor's link are exchanged for a session. The session id is a cookie
// (HttpOnly, SameSite=Lax, Secure on https) and is stored only hashed; each session
// has its own CSRF token. Sessions end after an hour idle or twelve hours at most.
// A session opened by a tool's link or the banner's visitor link is of low assurance
// (consents and objection only) until the person follows a link mailed to the address
// on file; an e-mailed sign-in is high from the start.
import crypto from 'node:crypto';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { loginMail, stepUpMail } from '../../mail/templates.js';
import { appendAudit } from '../registers/audit.js';
import { getPublishedConfig } from '../config/config.js';
import { issueToken, preferenceCenterUrl, useToken } from './links.js';
import { emailHash } from '../subjects/personal-data.js';

export const SESSION_COOKIE = 'akkoord_pc';
export const SESSION_IDLE_MS = 60 * 60_000;
export const SESSION_MAX_MS = 12 * 60 * 60_000;

export type Assurance = 'high' | 'low';

/** How a session began, and so who is behind what it does. */
export interface SessionOrigin {
  assurance: Assurance;
  via: 'login' | 'preferences' | 'visitor' | 'unknown';
  /** The link that opened a link session. */
  linkId: string | null;
  /** The key that minted that link. */
  keyId: string | null;
}

export interface MeSession extends SessionOrigin {
  tenantId: string;
  subjectId: string;
  csrfToken: string;
  expiresAt: string;
}

const BY_EMAIL: SessionOrigin = { assurance: 'high', via: 'login', linkId: null, keyId: null };

/**
 * The audit actor of an action in this session: the person, and for a link session
 * the link and the key that minted it, so a key acting through its own link is seen.
 */
export function sessionActor(session: SessionOrigin): string {
  if (session.via === 'login') return 'data_subject';
  const parts = ['data_subject', `via:${session.via}`];
  if (session.linkId) parts.push(`link:${session.linkId}`);
  if (session.keyId) parts.push(`key:${session.keyId}`);
  return parts.join(' ');
}

const hashSessionId = (ctx: Pick<AppContext, 'keyring'>, id: string): string =>
  ctx.keyring.hmac('session', id);

/** The display data of a tenant's page: name, languages, notice links, controller contact. */
export async function tenantPageInfo(ctx: AppContext, tenantId: string) {
  const tenant = await ctx.db
    .selectFrom('tenants')
    .select(['id', 'name', 'status'])
    .where('id', '=', tenantId)
    .executeTakeFirst();
  if (!tenant || tenant.status !== 'active') return null;
  const published = await getPublishedConfig(ctx.db, tenantId);
  if (!published) return null;
  return { id: tenant.id, name: tenant.name, config: published.config, version: published.version };
}

/**
 * Looks the address up and, only when it belongs to a subject of the tenant, queues an
 * e-mail with a one-time sign-in link. The caller answers 202 before this finishes, so neither
 * the answer nor its timing tells whether the address is known.
 */
export async function sendLoginLink(
  ctx: AppContext,
  input: { tenantId: string; email: string; locale?: string },
): Promise<boolean> {
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
  const locale =
    input.locale && page.config.locales.includes(input.locale)
      ? input.locale
      : page.config.defaultLocale;
  // Spent sign-in links go as new ones are asked for, so the table stays small.
  await ctx.db
    .deleteFrom('tokens')
    .where('tenant_id', '=', input.tenantId)
    .where('kind', 'in', ['login', 'visitor'])
    .where('expires_at', '<', ctx.clock.now().toISOString())
    .execute();
  // The same work for an unknown address: a token that can never sign anyone in (no subject)
  // and the same rendering, so the load on the server does not tell the two apart either.
  const { token } = await issueToken(ctx.db, ctx, {
    tenantId: input.tenantId,
    kind: 'login',
    subjectId: subject?.email_enc ? subject.id : null,
    data: { locale },
  });
  const mail = loginMail(locale, {
    tenant: {
      name: page.name,
      controller: page.config.controller.name,
      contact: page.config.controller.contact,
    },
    url: preferenceCenterUrl(ctx, input.tenantId, token),
  });
  if (!subject?.email_enc) return false;
  // The stored address, not the typed one: the mail goes where the tenant knows the person.
  await ctx.mailer.send({
    to: ctx.keyring.decrypt(subject.email_enc),
    ...mail,
    tenantId: input.tenantId,
    subjectId: subject.id,
  });
  return true;
}

export async function startSession(
  ctx: AppContext,
  tenantId: string,
  subjectId: string,
  origin: SessionOrigin = BY_EMAIL,
): Promise<MeSession & { id: string }> {
  const id = crypto.randomBytes(32).toString('base64url');
  const csrfToken = crypto.randomBytes(24).toString('base64url');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS).toISOString();
  await ctx.db
    .insertInto('sessions')
    .values({
      id_hash: hashSessionId(ctx, id),
      tenant_id: tenantId,
      subject_id: subjectId,
      csrf_token: csrfToken,
      expires_at: expiresAt,
      created_at: now.toISOString(),
      assurance: origin.assurance,
      via: origin.via,
      link_id: origin.linkId,
      key_id: origin.keyId,
    })
    .execute();
  return { id, tenantId, subjectId, csrfToken, expiresAt, ...origin };
}

/**
 * Exchanges a link token for a session: sign-in and visitor links once, signed
 * preference links until they expire. Null when the token is unknown, used or expired.
 */
export async function exchangeToken(
  ctx: AppContext,
  token: string,
): Promise<(MeSession & { id: string }) | null> {
  const row = await useToken(ctx.db, ctx, token, ['login', 'preferences', 'visitor']);
  if (!row?.subjectId) return null;
  const subject = await ctx.db
    .selectFrom('subjects')
    .select('id')
    .where('tenant_id', '=', row.tenantId)
    .where('id', '=', row.subjectId)
    .executeTakeFirst();
  if (!subject) return null;
  // Only a link mailed to the address on file proves the person; a tool's link and the visitor id do not.
  const origin: SessionOrigin =
    row.kind === 'login'
      ? BY_EMAIL
      : {
          assurance: 'low',
          via: row.kind === 'preferences' ? 'preferences' : 'visitor',
          linkId: row.data.linkId ?? null,
          keyId: row.data.keyId ?? null,
        };
  const started = await startSession(ctx, row.tenantId, row.subjectId, origin);
  if (origin.via !== 'login') await auditSession(ctx, started, 'session.started');
  return started;
}

/** The live session for a cookie value, its idle deadline moved forward; null when over. */
export async function readSession(
  ctx: AppContext,
  id: string | undefined,
): Promise<MeSession | null> {
  if (!id || id.length > 100) return null;
  const hash = hashSessionId(ctx, id);
  const row = await ctx.db
    .selectFrom('sessions')
    .selectAll()
    .where('id_hash', '=', hash)
    .executeTakeFirst();
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
    await ctx.db
      .updateTable('sessions')
      .set({ expires_at: expiresAt })
      .where('id_hash', '=', hash)
      .execute();
  }
  return {
    tenantId: row.tenant_id,
    subjectId: row.subject_id,
    csrfToken: row.csrf_token,
    expiresAt,
    assurance: row.assurance === 'high' ? 'high' : 'low',
    via: (['login', 'preferences', 'visitor'] as const).find((v) => v === row.via) ?? 'unknown',
    linkId: row.link_id,
    keyId: row.key_id,
  };
}

/**
 * Whether the cookie names a live session of this tenant, read without touching it: the
 * page uses it to draw the right first screen, and a GET changes nothing.
 */
export async function hasLiveSession(
  ctx: AppContext,
  id: string | undefined,
  tenantId: string,
): Promise<boolean> {
  if (!id || id.length > 100) return false;
  const row = await ctx.db
    .selectFrom('sessions')
    .select(['tenant_id', 'expires_at', 'created_at'])
    .where('id_hash', '=', hashSessionId(ctx, id))
    .executeTakeFirst();
  const now = ctx.clock.now().getTime();
  return (
    !!row &&
    row.tenant_id === tenantId &&
    Date.parse(row.expires_at) > now &&
    Date.parse(row.created_at) + SESSION_MAX_MS > now
  );
}

/**
 * A banner visitor nobody has identified: no external id, e-mail, phone, attributes or
 * records, only the choices the banner stored. The visitor id is then the only identifier
 * there is and holds nothing beyond those choices, so its session may see, download and
 * erase them (Art. 15, 17) without a step-up nobody could take. Once a tool links the
 * visitor to a known person, the same session is low again.
 */
export async function isAnonymousVisitor(ctx: AppContext, session: MeSession): Promise<boolean> {
  if (session.via !== 'visitor') return false;
  const subject = await ctx.db
    .selectFrom('subjects')
    .select(['external_id', 'email_enc', 'phone_enc', 'attributes_enc'])
    .where('tenant_id', '=', session.tenantId)
    .where('id', '=', session.subjectId)
    .executeTakeFirst();
  if (
    !subject ||
    subject.external_id !== null ||
    subject.email_enc !== null ||
    subject.phone_enc !== null ||
    subject.attributes_enc !== null
  )
    return false;
  const record = await ctx.db
    .selectFrom('records')
    .select('id')
    .where('tenant_id', '=', session.tenantId)
    .where('subject_id', '=', session.subjectId)
    .limit(1)
    .executeTakeFirst();
  return record === undefined;
}

/**
 * Step-up: mails a one-time sign-in link to the address on file. Following it opens a
 * high-assurance session in place of this one. A person without an address on file
 * cannot step up here; they ask the controller, who checks who they are.
 */
export async function sendStepUpLink(
  ctx: AppContext,
  me: MeSession,
  locale: string | undefined,
): Promise<void> {
  const page = await tenantPageInfo(ctx, me.tenantId);
  if (!page) throw new ApiError(404, 'NOT_FOUND', 'This preference center is not available');
  const subject = await ctx.db
    .selectFrom('subjects')
    .select(['id', 'email_enc'])
    .where('tenant_id', '=', me.tenantId)
    .where('id', '=', me.subjectId)
    .executeTakeFirst();
  if (!subject?.email_enc)
    throw new ApiError(
      409,
      'NO_ADDRESS_ON_FILE',
      'There is no e-mail address on file to send a confirmation link to',
    );
  const email = ctx.keyring.decrypt(subject.email_enc);
  await ctx.rateLimits.loginPerEmail.consume(`${me.tenantId}:${emailHash(ctx.keyring, email)}`);
  const chosen =
    locale && page.config.locales.includes(locale) ? locale : page.config.defaultLocale;
  const { token } = await issueToken(ctx.db, ctx, {
    tenantId: me.tenantId,
    kind: 'login',
    subjectId: subject.id,
    data: { locale: chosen, stepUp: true },
  });
  const mail = stepUpMail(chosen, {
    tenant: {
      name: page.name,
      controller: page.config.controller.name,
      contact: page.config.controller.contact,
    },
    url: preferenceCenterUrl(ctx, me.tenantId, token),
  });
  await ctx.mailer.send({ to: email, ...mail, tenantId: me.tenantId, subjectId: subject.id });
  await auditSession(ctx, me, 'session.step_up_requested');
}

/** Records a link session's start or step-up, named by its link and key (ids only). */
async function auditSession(ctx: AppContext, session: MeSession, action: string): Promise<void> {
  await ctx.db.transaction().execute((trx) =>
    appendAudit(
      trx,
      session.tenantId,
      {
        actor: sessionActor(session),
        action,
        target: session.subjectId,
        details: {
          via: session.via,
          linkId: session.linkId,
          keyId: session.keyId,
          assurance: session.assurance,
        },
      },
      ctx.clock.now().toISOString(),
    ),
  );
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
