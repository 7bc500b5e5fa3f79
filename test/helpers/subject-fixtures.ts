// Subjects with personal data for the rights tests, written straight through the
// storage helpers (createSubject + personal-data sealing), so these tests do not
// depend on the subjects API.
import type { AppContext } from '../../server/context.js';
import type { Mail, MailTransport } from '../../server/mail/mailer.js';
import { newId } from '../../server/ids.js';
import { sealEmail, sealJson, sealPhone } from '../../server/services/subjects/personal-data.js';
import { decisionsToChanges } from '../../server/services/consent/record-consent.js';
import { recordConsent } from '../../server/services/consent/consent-write.js';
import { readStateRows } from '../../server/services/consent/consent-state.js';
import { requirePublishedConfig } from '../../server/services/config/config.js';
import { createSubject, linkVisitor } from '../../server/services/subjects/subjects-core.js';
import type { Decisions } from '../../shared/schemas/consent.js';

export interface SeedSubject {
  externalId?: string;
  email?: string;
  phone?: string;
  attributes?: Record<string, unknown>;
  records?: Record<string, unknown[]>;
  visitorId?: string;
  consents?: Decisions;
  userAgent?: string;
  ipTruncated?: string;
}

export async function seedSubject(
  ctx: AppContext,
  tenantId: string,
  seed: SeedSubject,
): Promise<string> {
  const at = ctx.clock.now().toISOString();
  const subjectId = await createSubject(ctx.db, tenantId, at, seed.externalId ?? null);
  await ctx.db
    .updateTable('subjects')
    .set({
      ...(seed.email ? sealEmail(ctx.keyring, seed.email) : {}),
      ...(seed.phone ? sealPhone(ctx.keyring, seed.phone) : {}),
      attributes_enc: seed.attributes ? sealJson(ctx.keyring, seed.attributes) : null,
    })
    .where('id', '=', subjectId)
    .execute();
  if (seed.visitorId) await linkVisitor(ctx.db, tenantId, seed.visitorId, subjectId, at);
  for (const [dataset, items] of Object.entries(seed.records ?? {})) {
    const rows = items.map((data, i) => ({
      id: newId('rec'),
      tenant_id: tenantId,
      subject_id: subjectId,
      dataset,
      data_enc: sealJson(ctx.keyring, data),
      created_at: new Date(Date.parse(at) + i).toISOString(),
    }));
    await ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 500)
        await trx
          .insertInto('records')
          .values(rows.slice(i, i + 500))
          .execute();
    });
  }
  if (seed.consents) {
    const published = await requirePublishedConfig(ctx.db, tenantId);
    const current = await readStateRows(ctx.db, tenantId, subjectId);
    await recordConsent(ctx, {
      tenantId,
      subjectId,
      configVersion: published.version,
      locale: 'en',
      source: 'api',
      changes: decisionsToChanges(published.config, seed.consents, current),
      userAgent: seed.userAgent ?? null,
      ipTruncated: seed.ipTruncated ?? null,
    });
  }
  return subjectId;
}

/** A mailer that keeps what it is given, optionally failing. */
export function capturingMailer(
  options: { fail?: boolean } = {},
): MailTransport & { sent: Mail[]; fail: boolean } {
  const mailer = {
    sent: [] as Mail[],
    fail: options.fail ?? false,
    async send(mail: Mail) {
      if (mailer.fail) throw new Error('SMTP unavailable');
      mailer.sent.push(mail);
    },
  };
  return mailer;
}
