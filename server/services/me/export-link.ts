// The download link for a completed access or portability request: mailed to the address on
// file, it opens the preference center, where the person signs in by e-mail and downloads the
// file once. The link works once and for seven days; the file is built from the live data
// when it is fetched, so nothing is kept in between.
import type { AppContext } from '../../context.js';
import { exportReadyMail } from '../../mail/templates.js';
import { getPublishedConfig } from '../config/config.js';
import { findToken, issueToken, useToken } from './links.js';

/** Mails the link when an address is on file; false when there is none (the requester passes the file on). */
export async function mailExportLink(
  ctx: AppContext,
  input: {
    tenantId: string;
    subjectId: string;
    requestId: string;
    type: 'access' | 'portability';
    locale?: string;
  },
): Promise<boolean> {
  const subject = await ctx.db
    .selectFrom('subjects')
    .select('email_enc')
    .where('tenant_id', '=', input.tenantId)
    .where('id', '=', input.subjectId)
    .executeTakeFirst();
  const published = await getPublishedConfig(ctx.db, input.tenantId);
  if (!subject?.email_enc || !published) return false;
  const tenant = await ctx.db
    .selectFrom('tenants')
    .select('name')
    .where('id', '=', input.tenantId)
    .executeTakeFirstOrThrow();
  const { config } = published;
  const locale =
    input.locale && config.locales.includes(input.locale) ? input.locale : config.defaultLocale;
  const { token, expiresAt } = await issueToken(ctx.db, ctx, {
    tenantId: input.tenantId,
    kind: 'export',
    subjectId: input.subjectId,
    data: {
      requestId: input.requestId,
      format: input.type === 'portability' ? 'csv' : 'json',
      locale,
    },
  });
  if (expiresAt === null) throw new Error('export links are issued with an end date');
  // In the fragment, like sign-in links: the token never reaches a server log or a Referer.
  const url = `${ctx.config.publicUrl}/p/${input.tenantId}#export=${token}`;
  const mail = exportReadyMail(locale, {
    tenant: {
      name: tenant.name,
      controller: config.controller.name,
      contact: config.controller.contact,
    },
    requestType: input.type,
    url,
    expiresAt,
  });
  await ctx.mailer.send({
    to: ctx.keyring.decrypt(subject.email_enc),
    ...mail,
    tenantId: input.tenantId,
    subjectId: input.subjectId,
  });
  return true;
}

/**
 * Spends an export link for the signed-in person: only their own, once. Null when the link
 * is unknown, used, expired or another person's (which is then left unspent).
 */
export async function redeemExportLink(
  ctx: AppContext,
  me: { tenantId: string; subjectId: string },
  token: string,
): Promise<{ requestId: string; format: 'json' | 'csv' } | null> {
  const found = await findToken(ctx.db, ctx, token, ['export']);
  if (!found || found.tenantId !== me.tenantId || found.subjectId !== me.subjectId) return null;
  const used = await useToken(ctx.db, ctx, token, ['export']);
  if (!used) return null;
  return { requestId: used.data.requestId ?? '', format: used.data.format ?? 'json' };
}
