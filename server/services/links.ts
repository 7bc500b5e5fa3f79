// Links that act for a person without a password: e-mailed sign-in links, signed
// preference-center and one-click unsubscribe links for a tool's mails (CONTRACT.md
// §6), double opt-in confirmations and the banner visitor's "manage my data" link.
// A token is 256 random bits; only its HMAC under a key derived from AKKOORD_SECRET
// is stored, so the database alone cannot forge or replay one (MAIL-03).
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { isCommunicationPurpose, type TenantConfig } from '../../shared/schemas/config.js';
import type { CreateLinkBody } from '../../shared/schemas/links.js';
import type { AppContext } from '../context.js';
import type { Database, TokensTable } from '../db/database.js';
import { ApiError } from '../errors.js';
import { appendAudit } from './audit.js';
import { getPublishedConfig, requirePublishedConfig } from './config.js';
import { findSubjectByExternalId, findSubjectByVisitor } from './subjects-core.js';

export type TokenKind = TokensTable['kind'];

const MINUTE = 60_000;
const DAY = 86_400_000;

/** How long each kind of link works. */
export const tokenLifetimeMs: Record<TokenKind, number> = {
  login: 15 * MINUTE,
  visitor: 10 * MINUTE,
  double_opt_in: 7 * DAY,
  preferences: 30 * DAY,
  // Newsletters are read months later; the unsubscribe link in them must still work (MAIL-05).
  unsubscribe: 365 * DAY,
};

/** Sign-in links work once; preference and unsubscribe links sit in mails and are followed again. */
const ONE_USE: ReadonlySet<TokenKind> = new Set(['login', 'visitor', 'double_opt_in']);

export interface TokenData {
  purpose?: string;
  channel?: string;
  locale?: string;
}

export interface TokenRow {
  tenantId: string;
  kind: TokenKind;
  subjectId: string | null;
  data: TokenData;
  expiresAt: string;
}

type Keys = Pick<AppContext, 'keyring' | 'clock'>;

export const hashToken = (keyring: AppContext['keyring'], token: string): string => keyring.hmac('link-token', token);

export async function issueToken(
  db: Kysely<Database>,
  ctx: Keys,
  input: { tenantId: string; kind: TokenKind; subjectId: string | null; data?: TokenData },
): Promise<{ token: string; expiresAt: string }> {
  const token = crypto.randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + tokenLifetimeMs[input.kind]).toISOString();
  await db
    .insertInto('tokens')
    .values({
      token_hash: hashToken(ctx.keyring, token),
      tenant_id: input.tenantId,
      kind: input.kind,
      subject_id: input.subjectId,
      data: JSON.stringify(input.data ?? {}),
      expires_at: expiresAt,
      used_at: null,
      created_at: now.toISOString(),
    })
    .execute();
  return { token, expiresAt };
}

/** The token if it exists, is of one of `kinds` and has not expired; a used one-time token counts as gone. */
export async function findToken(db: Kysely<Database>, ctx: Keys, token: string, kinds: TokenKind[]): Promise<TokenRow | null> {
  const row = await db.selectFrom('tokens').selectAll().where('token_hash', '=', hashToken(ctx.keyring, token)).executeTakeFirst();
  if (!row || !kinds.includes(row.kind)) return null;
  if (row.expires_at === null || row.expires_at <= ctx.clock.now().toISOString()) return null;
  if (ONE_USE.has(row.kind) && row.used_at !== null) return null;
  return { tenantId: row.tenant_id, kind: row.kind, subjectId: row.subject_id, data: JSON.parse(row.data) as TokenData, expiresAt: row.expires_at };
}

/**
 * Uses a token: a one-time token is marked used by a conditional update, so of two
 * concurrent uses exactly one succeeds; a reusable one only records its first use.
 */
export async function useToken(db: Kysely<Database>, ctx: Keys, token: string, kinds: TokenKind[]): Promise<TokenRow | null> {
  const found = await findToken(db, ctx, token, kinds);
  if (!found) return null;
  const now = ctx.clock.now().toISOString();
  const hash = hashToken(ctx.keyring, token);
  if (ONE_USE.has(found.kind)) {
    const result = await db.updateTable('tokens').set({ used_at: now }).where('token_hash', '=', hash).where('used_at', 'is', null).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return null;
  } else {
    await db.updateTable('tokens').set({ used_at: now }).where('token_hash', '=', hash).where('used_at', 'is', null).execute();
  }
  return found;
}

/** Checks that purpose and channel name a communication consent of the config. */
export function requireChannelPurpose(config: TenantConfig, purposeKey: string | undefined, channel: string | undefined): { purpose: string; channel: string } {
  const purpose = config.purposes.find((p) => p.key === purposeKey);
  if (!purposeKey || !purpose) throw new ApiError(422, 'UNKNOWN_PURPOSE', 'Name a purpose of the current configuration');
  if (!isCommunicationPurpose(purpose)) throw new ApiError(422, 'VALIDATION_FAILED', `Purpose "${purpose.key}" has no channels`);
  const chosen = channel ?? 'email';
  if (!purpose.channels!.includes(chosen)) throw new ApiError(422, 'VALIDATION_FAILED', `Purpose "${purpose.key}" has no channel "${chosen}"`);
  return { purpose: purpose.key, channel: chosen };
}

/** A link about one purpose on one channel (unsubscribe, double opt-in), as its page shows it. */
export interface PurposeLink {
  token: TokenRow;
  purpose: string;
  channel: string;
  locale: string;
  purposeName: string;
  tenantName: string;
}

/** Reads a purpose link for its page; null when the token is unknown, used or expired. */
export async function readPurposeLink(ctx: AppContext, token: string, kind: 'unsubscribe' | 'double_opt_in'): Promise<PurposeLink | null> {
  const row = await findToken(ctx.db, ctx, token, [kind]);
  if (!row?.subjectId || !row.data.purpose || !row.data.channel) return null;
  const tenant = await ctx.db.selectFrom('tenants').select('name').where('id', '=', row.tenantId).executeTakeFirst();
  const published = await getPublishedConfig(ctx.db, row.tenantId);
  const locale = row.data.locale ?? published?.config.defaultLocale ?? 'en';
  const purpose = published?.config.purposes.find((p) => p.key === row.data.purpose);
  return {
    token: row, purpose: row.data.purpose, channel: row.data.channel, locale,
    purposeName: purpose?.text[locale]?.name ?? row.data.purpose,
    tenantName: tenant?.name ?? '',
  };
}

export const preferenceCenterUrl = (ctx: Pick<AppContext, 'config'>, tenantId: string, token?: string): string =>
  // The token rides in the fragment: browsers never send it to a server, a proxy log or a Referer.
  `${ctx.config.publicUrl}/p/${encodeURIComponent(tenantId)}${token ? `#token=${token}` : ''}`;

export const unsubscribeUrl = (ctx: Pick<AppContext, 'config'>, token: string): string => `${ctx.config.publicUrl}/u/${token}`;

/** POST /v1/subjects/{externalId}/links: a signed link for a tool to put in its mails. */
export async function createSubjectLink(ctx: AppContext, tenantId: string, externalId: string, body: CreateLinkBody, actor: string) {
  const subject = await findSubjectByExternalId(ctx.db, tenantId, externalId);
  if (!subject) throw new ApiError(404, 'NOT_FOUND', 'No such subject');
  const { config } = await requirePublishedConfig(ctx.db, tenantId);
  const locale = body.locale && config.locales.includes(body.locale) ? body.locale : config.defaultLocale;
  const data: TokenData = { locale };
  if (body.kind === 'unsubscribe' || body.purpose !== undefined) Object.assign(data, requireChannelPurpose(config, body.purpose, body.channel));
  return ctx.db.transaction().execute(async (trx) => {
    const { token, expiresAt } = await issueToken(trx, ctx, { tenantId, kind: body.kind, subjectId: subject.id, data });
    await appendAudit(trx, tenantId, {
      actor, action: 'link.created', target: subject.id,
      details: { kind: body.kind, purpose: data.purpose ?? null, channel: data.channel ?? null, expiresAt },
    }, ctx.clock.now().toISOString());
    const url = body.kind === 'unsubscribe' ? unsubscribeUrl(ctx, token) : preferenceCenterUrl(ctx, tenantId, token);
    return { url, expiresAt };
  });
}

/**
 * The banner's "manage my data": the visitor id is that browser's secret, so whoever
 * holds it may see and erase what the banner stored. It is exchanged for a short,
 * one-time link so the id itself never appears in a URL.
 */
export async function createVisitorLink(ctx: AppContext, tenantId: string, visitorId: string) {
  const subjectId = await findSubjectByVisitor(ctx.db, tenantId, visitorId);
  if (!subjectId) throw new ApiError(404, 'NOT_FOUND', 'Nothing is stored for this visitor');
  const { token, expiresAt } = await issueToken(ctx.db, ctx, { tenantId, kind: 'visitor', subjectId });
  return { url: preferenceCenterUrl(ctx, tenantId, token), expiresAt };
}
