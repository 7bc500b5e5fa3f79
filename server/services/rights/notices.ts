// Telling the person about their request where the GDPR requires it: an extension
// and its reasons (Art. 12(3), GDPR-20), a refusal with its reasons and the right to
// complain (Art. 12(4), GDPR-21) and, before a restriction is lifted, that it will be
// (Art. 18(3), GDPR-35). Sent by e-mail in the person's language when an
// address is known; otherwise the recorded channel says who tells them.
// prepareNotice reads outside the caller's transaction and queues the mail inside it.
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/database.js';
import {
  extensionMail,
  refusalMail,
  restrictionLiftMail,
  type Tenant,
} from '../../mail/templates.js';
import { getPublishedConfig } from '../config/config.js';

export type NoticeVia = 'email' | 'requester' | 'preference_center';

export interface NoticeRecord {
  via: NoticeVia;
  at: string;
}

export type Notice =
  | { kind: 'extension'; requestType: string; reason: string; dueAt: string }
  | { kind: 'restriction_lift' }
  | { kind: 'refusal'; requestType: string; ground: string; explanation: string };

type Ctx = Pick<AppContext, 'db' | 'clock' | 'keyring' | 'mailer'>;

/** The language the person last used with us, else the tenant's default. */
export async function localeOf(
  ctx: Ctx,
  tenantId: string,
  subjectId: string,
): Promise<{ locale: 'en' | 'nl'; tenant: Tenant }> {
  const published = await getPublishedConfig(ctx.db, tenantId);
  const last = await ctx.db
    .selectFrom('consent_events')
    .select('locale')
    .where('tenant_id', '=', tenantId)
    .where('subject_id', '=', subjectId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const wanted = last?.locale ?? published?.config.defaultLocale ?? 'en';
  const row = await ctx.db
    .selectFrom('tenants')
    .select('name')
    .where('id', '=', tenantId)
    .executeTakeFirst();
  const controller = published?.config.controller;
  return {
    locale: wanted.startsWith('nl') ? 'nl' : 'en',
    tenant: {
      name: row?.name ?? controller?.name ?? 'Akkoord',
      controller: controller?.name,
      contact: controller?.contact ?? '',
    },
  };
}

export interface PreparedNotice {
  record: NoticeRecord;
  /** Queues the mail (when there is one) in the caller's transaction: the notice and the action commit together. */
  queue(trx: Kysely<Database>): Promise<void>;
}

/**
 * Writes the notice for the person and says how it goes out: by e-mail when an address
 * is known, else by `fallback`. Read outside the caller's transaction; `queue` then
 * stores the mail inside it, so the action does not happen without its notice, and no
 * notice goes out for an action that was rolled back. Once queued, the mail queue
 * retries it until the mail server takes it.
 */
export async function prepareNotice(
  ctx: Ctx,
  tenantId: string,
  subjectId: string,
  notice: Notice,
  fallback: Exclude<NoticeVia, 'email'> = 'requester',
): Promise<PreparedNotice> {
  const at = ctx.clock.now().toISOString();
  const subject = await ctx.db
    .selectFrom('subjects')
    .select('email_enc')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', subjectId)
    .executeTakeFirst();
  if (!subject?.email_enc) return { record: { via: fallback, at }, queue: async () => {} };
  const { locale, tenant } = await localeOf(ctx, tenantId, subjectId);
  const message =
    notice.kind === 'extension'
      ? extensionMail(locale, { tenant, ...notice })
      : notice.kind === 'refusal'
        ? refusalMail(locale, { tenant, ...notice })
        : restrictionLiftMail(locale, { tenant });
  const mail = { to: ctx.keyring.decrypt(subject.email_enc), ...message, tenantId, subjectId };
  return { record: { via: 'email', at }, queue: (trx) => ctx.mailer.send(mail, trx) };
}
