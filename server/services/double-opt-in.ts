// Double opt-in (MAIL-08, GDPR Art. 7(1)): a consent captured with `doubleOptIn: true`
// stays `pending` until the person follows the link Akkoord e-mails them. Confirming
// records `granted` through the ledger, on the configuration version and with the
// source of the pending consent, so the proof shows both steps.
// Call startDoubleOptIn after the pending consent is committed: it writes a token and
// sends mail, and on SQLite a call inside another open transaction would wait on it.
import type { ConsentSource } from '../../shared/schemas/consent.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { doubleOptInMail } from '../mail/templates.js';
import { appendAudit } from './audit.js';
import { getPublishedConfig } from './config.js';
import { issueToken, readPurposeLink, useToken, type PurposeLink } from './links.js';
import { recordConsentIn } from './record-consent.js';

export interface DoubleOptInInput {
  tenantId: string;
  subjectId: string;
  purpose: string;
  channel: string;
  locale?: string;
}

export const confirmationUrl = (ctx: Pick<AppContext, 'config'>, token: string): string => `${ctx.config.publicUrl}/c/${token}`;

export async function startDoubleOptIn(ctx: AppContext, input: DoubleOptInInput): Promise<{ expiresAt: string }> {
  const subject = await ctx.db.selectFrom('subjects').select(['id', 'email_enc'])
    .where('tenant_id', '=', input.tenantId).where('id', '=', input.subjectId).executeTakeFirst();
  if (!subject) throw new ApiError(404, 'NOT_FOUND', 'No such subject');
  if (!subject.email_enc) throw new ApiError(422, 'VALIDATION_FAILED', 'Double opt-in needs the subject\'s e-mail address');
  const tenant = await ctx.db.selectFrom('tenants').select('name').where('id', '=', input.tenantId).executeTakeFirstOrThrow();
  const published = await getPublishedConfig(ctx.db, input.tenantId);
  if (!published) throw new ApiError(409, 'NO_CONFIG', 'The tenant has not published a configuration yet');
  const { config } = published;
  const locale = input.locale && config.locales.includes(input.locale) ? input.locale : config.defaultLocale;
  const purpose = config.purposes.find((p) => p.key === input.purpose);
  const { token, expiresAt } = await issueToken(ctx.db, ctx, {
    tenantId: input.tenantId, kind: 'double_opt_in', subjectId: subject.id,
    data: { purpose: input.purpose, channel: input.channel, locale },
  });
  const mail = doubleOptInMail(locale, {
    tenant: { name: tenant.name, contact: config.controller.contact },
    purposeName: purpose?.text[locale]?.name ?? input.purpose,
    channel: input.channel,
    url: confirmationUrl(ctx, token),
  });
  await ctx.mailer.send({ to: ctx.keyring.decrypt(subject.email_enc), ...mail, tenantId: input.tenantId, subjectId: subject.id });
  return { expiresAt };
}

export interface ConfirmationLink extends PurposeLink {
  /** Whether the consent still waits for this confirmation. */
  pending: boolean;
}

/** What a confirmation link is about, for its page; null when unknown, used or expired. */
export async function readConfirmationLink(ctx: AppContext, token: string): Promise<ConfirmationLink | null> {
  const link = await readPurposeLink(ctx, token, 'double_opt_in');
  if (!link) return null;
  const state = await ctx.db.selectFrom('consent_state').select('status')
    .where('tenant_id', '=', link.token.tenantId).where('subject_id', '=', link.token.subjectId!)
    .where('purpose', '=', link.purpose).where('channel', '=', link.channel).executeTakeFirst();
  return { ...link, pending: state?.status === 'pending' };
}

/**
 * Confirms: uses the one-time token and, when the consent is still pending, grants
 * it. A consent withdrawn in the meantime stays withdrawn: the later choice wins.
 */
export async function confirmDoubleOptIn(ctx: AppContext, token: string): Promise<'confirmed' | 'not_pending' | 'gone'> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await useToken(trx, ctx, token, ['double_opt_in']);
    if (!row?.subjectId || !row.data.purpose || !row.data.channel) return 'gone';
    const state = await trx.selectFrom('consent_state').select(['status', 'config_version', 'source'])
      .where('tenant_id', '=', row.tenantId).where('subject_id', '=', row.subjectId)
      .where('purpose', '=', row.data.purpose).where('channel', '=', row.data.channel).executeTakeFirst();
    if (state?.status !== 'pending') return 'not_pending';
    const recorded = await recordConsentIn(trx, ctx, {
      tenantId: row.tenantId, subjectId: row.subjectId, configVersion: state.config_version,
      locale: row.data.locale ?? 'en', source: state.source as ConsentSource,
      changes: [{ purpose: row.data.purpose, channel: row.data.channel, status: 'granted' }],
    });
    await appendAudit(trx, row.tenantId, {
      actor: 'data_subject', action: 'consent.confirmed', target: row.subjectId,
      details: { purpose: row.data.purpose, channel: row.data.channel, consentId: recorded.consentId },
    }, recorded.occurredAt);
    return 'confirmed';
  });
}
