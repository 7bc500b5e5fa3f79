// Links that act for a person without a password: e-mailed sign-in links, signed
// preference-center and one-click unsubscribe links for a tool's mails,
// double opt-in confirmations and the banner visitor's "manage my data" link.
// A token is 256 random bits; only its HMAC under a key derived from AKKOORD_SECRET
// is stored, so the database alone cannot forge or replay one (MAIL-03).
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { isCommunicationPurpose, type TenantConfig } from '../../../shared/schemas/config.js';
import type { CreateLinkBody } from '../../../shared/schemas/links.js';
import type { AppContext } from '../../context.js';
import type { Database, TokensTable } from '../../db/database.js';
import { ApiError } from '../../errors.js';
import { newId } from '../../ids.js';
import { appendAudit } from '../registers/audit.js';
import { getPublishedConfig, requirePublishedConfig } from '../config/config.js';
import { findSubjectByExternalId, findSubjectByVisitor } from '../subjects/subjects-core.js';

export type TokenKind = TokensTable['kind'];

const MINUTE = 60_000;
const DAY = 86_400_000;

/** How long each kind of link works; null: for ever. */
export const tokenLifetimeMs: Record<TokenKind, number | null> = {
  login: 15 * MINUTE,
  visitor: 10 * MINUTE,
  double_opt_in: 7 * DAY,
  // The download of a completed access or portability request.
  export: 7 * DAY,
  preferences: 30 * DAY,
  // A mail is read years later; its way out must still work, whatever its age (MAIL-05).
  unsubscribe: null,
  objection: null,
};

/** Ways out of mail never expire, also those issued when they still had an end date. */
const NEVER_EXPIRE: ReadonlySet<TokenKind> = new Set(['unsubscribe', 'objection']);

/** Sign-in links work once; preference and unsubscribe links sit in mails and are followed again. */
const ONE_USE: ReadonlySet<TokenKind> = new Set(['login', 'visitor', 'double_opt_in', 'export']);

export interface TokenData {
  purpose?: string;
  channel?: string;
  locale?: string;
  /**
   * A double opt-in of an erased person: who they will be once they confirm (external id,
   * e-mail, the capture's source and configuration), sealed, because nothing else of them
   * is stored until then. The token has no subject.
   */
  revive?: string;
  /** With `revive`: the keyed hashes of the external id and e-mail, so a second capture can see a confirmation is waiting. */
  reviveKeys?: string[];
  /** Preference and visitor links: the link's id, named by every action of a session it opens. */
  linkId?: string;
  /** Preference links: the key that minted the link. */
  keyId?: string;
  /** Sign-in links mailed to confirm a low-assurance session (step-up). */
  stepUp?: boolean;
  /** Export links: the completed request and the file's format. */
  requestId?: string;
  format?: 'json' | 'csv';
}

export interface TokenRow {
  tenantId: string;
  kind: TokenKind;
  subjectId: string | null;
  data: TokenData;
  /** null: never expires. */
  expiresAt: string | null;
}

type Keys = Pick<AppContext, 'keyring' | 'clock'>;

export const hashToken = (keyring: AppContext['keyring'], token: string): string =>
  keyring.hmac('link-token', token);

export async function issueToken(
  db: Kysely<Database>,
  ctx: Keys,
  input: { tenantId: string; kind: TokenKind; subjectId: string | null; data?: TokenData },
): Promise<{ token: string; expiresAt: string | null }> {
  const token = crypto.randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  const lifetime = tokenLifetimeMs[input.kind];
  const expiresAt = lifetime === null ? null : new Date(now.getTime() + lifetime).toISOString();
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
export async function findToken(
  db: Kysely<Database>,
  ctx: Keys,
  token: string,
  kinds: TokenKind[],
): Promise<TokenRow | null> {
  const row = await db
    .selectFrom('tokens')
    .selectAll()
    .where('token_hash', '=', hashToken(ctx.keyring, token))
    .executeTakeFirst();
  if (!row || !kinds.includes(row.kind)) return null;
  if (
    !NEVER_EXPIRE.has(row.kind) &&
    (row.expires_at === null || row.expires_at <= ctx.clock.now().toISOString())
  )
    return null;
  if (ONE_USE.has(row.kind) && row.used_at !== null) return null;
  return {
    tenantId: row.tenant_id,
    kind: row.kind,
    subjectId: row.subject_id,
    data: JSON.parse(row.data) as TokenData,
    expiresAt: row.expires_at,
  };
}

/**
 * Uses a token: a one-time token is marked used by a conditional update, so of two
 * concurrent uses exactly one succeeds; a reusable one only records its first use.
 */
export async function useToken(
  db: Kysely<Database>,
  ctx: Keys,
  token: string,
  kinds: TokenKind[],
): Promise<TokenRow | null> {
  const found = await findToken(db, ctx, token, kinds);
  if (!found) return null;
  const now = ctx.clock.now().toISOString();
  const hash = hashToken(ctx.keyring, token);
  if (ONE_USE.has(found.kind)) {
    const result = await db
      .updateTable('tokens')
      .set({ used_at: now })
      .where('token_hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return null;
  } else {
    await db
      .updateTable('tokens')
      .set({ used_at: now })
      .where('token_hash', '=', hash)
      .where('used_at', 'is', null)
      .execute();
  }
  return found;
}

/** Checks that purpose and channel name a communication consent of the config. */
export function requireChannelPurpose(
  config: TenantConfig,
  purposeKey: string | undefined,
  channel: string | undefined,
): { purpose: string; channel: string } {
  const purpose = config.purposes.find((p) => p.key === purposeKey);
  if (!purposeKey || !purpose)
    throw new ApiError(422, 'UNKNOWN_PURPOSE', 'Name a purpose of the current configuration');
  if (!isCommunicationPurpose(purpose))
    throw new ApiError(422, 'VALIDATION_FAILED', `Purpose "${purpose.key}" has no channels`);
  const chosen = channel ?? 'email';
  if (!purpose.channels!.includes(chosen))
    throw new ApiError(
      422,
      'VALIDATION_FAILED',
      `Purpose "${purpose.key}" has no channel "${chosen}"`,
    );
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
export async function readPurposeLink(
  ctx: AppContext,
  token: string,
  kind: 'unsubscribe' | 'double_opt_in',
): Promise<PurposeLink | null> {
  const row = await findToken(ctx.db, ctx, token, [kind]);
  if (!row || (!row.subjectId && !row.data.revive) || !row.data.purpose || !row.data.channel)
    return null;
  const tenant = await ctx.db
    .selectFrom('tenants')
    .select('name')
    .where('id', '=', row.tenantId)
    .executeTakeFirst();
  const published = await getPublishedConfig(ctx.db, row.tenantId);
  const locale = row.data.locale ?? published?.config.defaultLocale ?? 'en';
  const purpose = published?.config.purposes.find((p) => p.key === row.data.purpose);
  return {
    token: row,
    purpose: row.data.purpose,
    channel: row.data.channel,
    locale,
    purposeName: purpose?.text[locale]?.name ?? row.data.purpose,
    tenantName: tenant?.name ?? '',
  };
}

export const preferenceCenterUrl = (
  ctx: Pick<AppContext, 'config'>,
  tenantId: string,
  token?: string,
): string =>
  // The token rides in the fragment: browsers never send it to a server, a proxy log or a Referer.
  `${ctx.config.publicUrl}/p/${encodeURIComponent(tenantId)}${token ? `#token=${token}` : ''}`;

export const unsubscribeUrl = (ctx: Pick<AppContext, 'config'>, token: string): string =>
  `${ctx.config.publicUrl}/u/${token}`;

export const objectionUrl = (ctx: Pick<AppContext, 'config'>, token: string): string =>
  `${ctx.config.publicUrl}/u/object/${token}`;

/** POST /v1/subjects/{externalId}/links: a signed link for a tool to put in its mails. */
export async function createSubjectLink(
  ctx: AppContext,
  tenantId: string,
  externalId: string,
  body: CreateLinkBody,
  actor: string,
) {
  const subject = await findSubjectByExternalId(ctx.db, tenantId, externalId);
  if (!subject) throw new ApiError(404, 'NOT_FOUND', 'No such subject');
  const { config } = await requirePublishedConfig(ctx.db, tenantId);
  const locale =
    body.locale && config.locales.includes(body.locale) ? body.locale : config.defaultLocale;
  const data: TokenData = { locale };
  // A preference link opens a low-assurance session that names this link and this key in every action.
  if (body.kind === 'preferences') Object.assign(data, { linkId: newId('lnk'), keyId: actor });
  if (body.kind === 'unsubscribe' || body.purpose !== undefined)
    Object.assign(data, requireChannelPurpose(config, body.purpose, body.channel));
  return ctx.db.transaction().execute(async (trx) => {
    const { token, expiresAt } = await issueToken(trx, ctx, {
      tenantId,
      kind: body.kind,
      subjectId: subject.id,
      data,
    });
    // Art. 21(4): every link set for a mail carries the objection to all direct marketing, separately.
    const objection = await issueToken(trx, ctx, {
      tenantId,
      kind: 'objection',
      subjectId: subject.id,
      data: { locale },
    });
    await appendAudit(
      trx,
      tenantId,
      {
        actor,
        action: 'link.created',
        target: subject.id,
        details: {
          kind: body.kind,
          linkId: data.linkId ?? null,
          purpose: data.purpose ?? null,
          channel: data.channel ?? null,
          expiresAt,
          objectionLink: true,
        },
      },
      ctx.clock.now().toISOString(),
    );
    const objectUrl = objectionUrl(ctx, objection.token);
    if (body.kind === 'preferences')
      return { url: preferenceCenterUrl(ctx, tenantId, token), expiresAt, objectUrl };
    const url = unsubscribeUrl(ctx, token);
    return {
      url,
      expiresAt,
      objectUrl,
      headers: {
        'List-Unsubscribe': `<${url}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    };
  });
}

/**
 * The banner's "manage my data": the visitor id sits in a cookie any script of the site
 * can read, so it proves little. Its one-time link opens a low-assurance session:
 * consents and objection; anything personal waits for a link mailed to the address on file.
 */
export async function createVisitorLink(ctx: AppContext, tenantId: string, visitorId: string) {
  const subjectId = await findSubjectByVisitor(ctx.db, tenantId, visitorId);
  if (!subjectId) throw new ApiError(404, 'NOT_FOUND', 'Nothing is stored for this visitor');
  const { token, expiresAt } = await issueToken(ctx.db, ctx, {
    tenantId,
    kind: 'visitor',
    subjectId,
    data: { linkId: newId('lnk') },
  });
  return { url: preferenceCenterUrl(ctx, tenantId, token), expiresAt };
}
