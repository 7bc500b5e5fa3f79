// Double opt-in (MAIL-08, GDPR Art. 7(1)): a consent captured with `doubleOptIn: true`
// stays `pending` until the person follows the link Akkoord e-mails them. Confirming
// records `granted` through the ledger, on the configuration version and with the
// source of the pending consent, so the proof shows both steps.
// It is also the one way back for an erased person (Art. 17): their capture stores
// nothing but the sealed confirmation link, and only their confirmation brings them
// back and lifts the suppression for the identifiers they confirmed with.
// Call the senders after the pending consent is committed: they write a token and
// queue the mail (sent by the mail queue's worker, never while the caller waits), and
// on SQLite a call inside another open transaction would wait on it.
import type { Kysely } from 'kysely';
import type { ConsentSource } from '../../../shared/schemas/consent.js';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/database.js';
import { ApiError } from '../../errors.js';
import { doubleOptInMail } from '../../mail/templates.js';
import { appendAudit } from '../registers/audit.js';
import { getPublishedConfig } from '../config/config.js';
import {
  issueToken,
  readPurposeLink,
  useToken,
  type PurposeLink,
  type TokenData,
  type TokenRow,
} from './links.js';
import { openJson, sealEmail, sealJson } from '../subjects/personal-data.js';
import { lockLedgerHead } from '../ledger/ledger-head.js';
import { recordConsentIn } from '../consent/consent-write.js';
import { liftSuppressionIn } from '../rights/erasure-register.js';
import { lookupKeys } from '../rights/tombstones.js';
import { findOrCreateExternalSubject } from '../subjects/subjects.js';

export interface DoubleOptInInput {
  tenantId: string;
  subjectId: string;
  purpose: string;
  channel: string;
  locale?: string;
}

/** Who an erased person will be again once they confirm; sealed in the confirmation token. */
export interface Revival {
  externalId: string;
  email: string;
  configVersion: number;
  source: ConsentSource;
}

export const confirmationUrl = (ctx: Pick<AppContext, 'config'>, token: string): string =>
  `${ctx.config.publicUrl}/c/${token}`;

async function sendConfirmation(
  ctx: AppContext,
  input: {
    tenantId: string;
    subjectId: string | null;
    to: string;
    purpose: string;
    channel: string;
    locale?: string;
    revive?: string;
    reviveKeys?: string[];
  },
): Promise<{ expiresAt: string }> {
  const tenant = await ctx.db
    .selectFrom('tenants')
    .select('name')
    .where('id', '=', input.tenantId)
    .executeTakeFirstOrThrow();
  const published = await getPublishedConfig(ctx.db, input.tenantId);
  if (!published)
    throw new ApiError(409, 'NO_CONFIG', 'The tenant has not published a configuration yet');
  const { config } = published;
  const locale =
    input.locale && config.locales.includes(input.locale) ? input.locale : config.defaultLocale;
  const purpose = config.purposes.find((p) => p.key === input.purpose);
  const data: TokenData = {
    purpose: input.purpose,
    channel: input.channel,
    locale,
    ...(input.revive ? { revive: input.revive, reviveKeys: input.reviveKeys } : {}),
  };
  // The link and its mail together: both or neither.
  const { expiresAt } = await ctx.db.transaction().execute(async (trx) => {
    const issued = await issueToken(trx, ctx, {
      tenantId: input.tenantId,
      kind: 'double_opt_in',
      subjectId: input.subjectId,
      data,
    });
    const mail = doubleOptInMail(locale, {
      tenant: {
        name: tenant.name,
        controller: config.controller.name,
        contact: config.controller.contact,
      },
      purposeName: purpose?.text[locale]?.name ?? input.purpose,
      channel: input.channel,
      url: confirmationUrl(ctx, issued.token),
    });
    await ctx.mailer.send(
      {
        to: input.to,
        ...mail,
        tenantId: input.tenantId,
        ...(input.subjectId ? { subjectId: input.subjectId } : {}),
      },
      trx,
    );
    return issued;
  });
  ctx.mailQueue.wake();
  // A confirmation link always has an end (tokenLifetimeMs.double_opt_in).
  return { expiresAt: expiresAt as string };
}

export async function startDoubleOptIn(
  ctx: AppContext,
  input: DoubleOptInInput,
): Promise<{ expiresAt: string }> {
  const subject = await ctx.db
    .selectFrom('subjects')
    .select(['id', 'email_enc'])
    .where('tenant_id', '=', input.tenantId)
    .where('id', '=', input.subjectId)
    .executeTakeFirst();
  if (!subject) throw new ApiError(404, 'NOT_FOUND', 'No such subject');
  if (!subject.email_enc)
    throw new ApiError(
      422,
      'VALIDATION_FAILED',
      "Double opt-in needs the subject's e-mail address",
    );
  return sendConfirmation(ctx, { ...input, to: ctx.keyring.decrypt(subject.email_enc) });
}

/** Mails an erased person a confirmation link; nothing of them is stored but the sealed token. */
export async function startRevivalOptIn(
  ctx: AppContext,
  input: { tenantId: string; revival: Revival; purpose: string; channel: string; locale?: string },
): Promise<{ expiresAt: string }> {
  return sendConfirmation(ctx, {
    tenantId: input.tenantId,
    subjectId: null,
    to: input.revival.email,
    purpose: input.purpose,
    channel: input.channel,
    locale: input.locale,
    revive: sealJson(ctx.keyring, input.revival),
    reviveKeys: lookupKeys(ctx.keyring, {
      externalId: input.revival.externalId,
      email: input.revival.email,
    }),
  });
}

/**
 * Whether a confirmation mail to this erased person still waits (unused, unexpired). A
 * person who asked to be forgotten gets one round of confirmation mails at a time, not one
 * per capture a tool sends.
 */
export async function revivalWaiting(
  db: Kysely<Database>,
  ctx: Pick<AppContext, 'keyring' | 'clock'>,
  tenantId: string,
  ids: { externalId: string; email: string },
): Promise<boolean> {
  const keys = new Set(lookupKeys(ctx.keyring, ids));
  const open = await db
    .selectFrom('tokens')
    .select('data')
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', 'double_opt_in')
    .where('subject_id', 'is', null)
    .where('used_at', 'is', null)
    .where('expires_at', '>', ctx.clock.now().toISOString())
    .execute();
  return open.some((row) =>
    ((JSON.parse(row.data) as TokenData).reviveKeys ?? []).some((key) => keys.has(key)),
  );
}

export interface ConfirmationLink extends PurposeLink {
  /** Whether the consent still waits for this confirmation. */
  pending: boolean;
}

/** What a confirmation link is about, for its page; null when unknown, used or expired. */
export async function readConfirmationLink(
  ctx: AppContext,
  token: string,
): Promise<ConfirmationLink | null> {
  const link = await readPurposeLink(ctx, token, 'double_opt_in');
  if (!link) return null;
  // An erased person's link: nothing is stored, so the unused link itself is what waits.
  if (!link.token.subjectId) return { ...link, pending: true };
  const state = await ctx.db
    .selectFrom('consent_state')
    .select('status')
    .where('tenant_id', '=', link.token.tenantId)
    .where('subject_id', '=', link.token.subjectId)
    .where('purpose', '=', link.purpose)
    .where('channel', '=', link.channel)
    .executeTakeFirst();
  return { ...link, pending: state?.status === 'pending' };
}

/**
 * Confirms: uses the one-time token and, when the consent is still pending, grants
 * it. A consent withdrawn in the meantime stays withdrawn: the later choice wins.
 */
export async function confirmDoubleOptIn(
  ctx: AppContext,
  token: string,
): Promise<'confirmed' | 'not_pending' | 'gone'> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await useToken(trx, ctx, token, ['double_opt_in']);
    if (!row || !row.data.purpose || !row.data.channel) return 'gone';
    if (!row.subjectId) return row.data.revive ? reviveIn(trx, ctx, row) : 'gone';
    const state = await trx
      .selectFrom('consent_state')
      .select(['status', 'config_version', 'source'])
      .where('tenant_id', '=', row.tenantId)
      .where('subject_id', '=', row.subjectId)
      .where('purpose', '=', row.data.purpose)
      .where('channel', '=', row.data.channel)
      .executeTakeFirst();
    if (state?.status !== 'pending') return 'not_pending';
    const recorded = await recordConsentIn(trx, ctx, {
      tenantId: row.tenantId,
      subjectId: row.subjectId,
      configVersion: state.config_version,
      locale: row.data.locale ?? 'en',
      source: state.source as ConsentSource,
      changes: [{ purpose: row.data.purpose, channel: row.data.channel, status: 'granted' }],
      // The person's own act: it may lift their objection for this purpose and channel.
      byPerson: true,
    });
    await appendAudit(
      trx,
      row.tenantId,
      {
        actor: 'data_subject',
        action: 'consent.confirmed',
        target: row.subjectId,
        details: {
          purpose: row.data.purpose,
          channel: row.data.channel,
          consentId: recorded.consentId,
        },
      },
      recorded.occurredAt,
    );
    return 'confirmed';
  });
}

/**
 * An erased person confirmed: they are stored again (external id and e-mail), the grant
 * is the ledger event of their new affirmative act, and the suppression of exactly those
 * identifiers is lifted (audit entry, feed event subject.unsuppressed).
 */
async function reviveIn(
  trx: Kysely<Database>,
  ctx: AppContext,
  row: TokenRow,
): Promise<'confirmed'> {
  const revival = openJson<Revival>(ctx.keyring, row.data.revive!)!;
  const purpose = row.data.purpose!;
  const channel = row.data.channel!;
  const at = ctx.clock.now().toISOString();
  const ids = { externalId: revival.externalId, email: revival.email };
  // The head lock before the subject insert, in the order every other writer takes them.
  await lockLedgerHead(trx, row.tenantId);
  const { row: subject } = await findOrCreateExternalSubject(
    trx,
    row.tenantId,
    revival.externalId,
    at,
  );
  if (subject.email_enc === null) {
    await trx
      .updateTable('subjects')
      .set({ ...sealEmail(ctx.keyring, revival.email), updated_at: at })
      .where('id', '=', subject.id)
      .execute();
  }
  const recorded = await recordConsentIn(trx, ctx, {
    tenantId: row.tenantId,
    subjectId: subject.id,
    configVersion: revival.configVersion,
    locale: row.data.locale ?? 'en',
    source: revival.source,
    changes: [{ purpose, channel, status: 'granted' }],
    byPerson: true,
  });
  await liftSuppressionIn(trx, ctx, {
    tenantId: row.tenantId,
    ids,
    subjectId: subject.id,
    externalId: revival.externalId,
    purpose,
    channel,
    at,
  });
  await appendAudit(
    trx,
    row.tenantId,
    {
      actor: 'data_subject',
      action: 'consent.confirmed',
      target: subject.id,
      details: { purpose, channel, consentId: recorded.consentId },
    },
    recorded.occurredAt,
  );
  return 'confirmed';
}
