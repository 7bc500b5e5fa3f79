// Telling the people concerned of a breach (GDPR Art. 34): the controller selects
// them by data set, purpose or a list of externalIds, and each is queued, once, a
// plain-language notice with the nature of the breach, its likely consequences, the
// measures taken and whom to ask (Art. 34(2)). Who was told and when is kept in
// breach_notices; the breach record itself only counts them.
import type { CommunicateBody } from '../../../shared/schemas/breaches.js';
import type { AppContext } from '../../context.js';
import { escapeHtml } from '../../mail/templates.js';
import { appendAudit } from './audit.js';
import { breachView, controllerOf, getBreachRow } from './breaches.js';

const CHUNK = 500;

const copy = {
  en: {
    subject: 'A data breach at {tenant} concerns your personal data',
    intro:
      'We are writing to let you know that {tenant} has had a personal data breach that concerns your data.',
    what: 'What happened',
    consequences: 'What this may mean for you',
    measures: 'What we have done and are doing',
    contact: 'If you have questions, contact {name} at {contact}.',
  },
  nl: {
    subject: 'Een datalek bij {tenant} betreft uw persoonsgegevens',
    intro:
      'Wij laten u weten dat er bij {tenant} een datalek is geweest waarbij uw gegevens betrokken zijn.',
    what: 'Wat er is gebeurd',
    consequences: 'Wat dit voor u kan betekenen',
    measures: 'Wat wij hebben gedaan en nog doen',
    contact: 'Heeft u vragen? Neem contact op met {name} via {contact}.',
  },
};

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);

/** Subject ids matching any selector, merged-away aliases left out. */
async function selectPeople(
  ctx: AppContext,
  tenantId: string,
  body: CommunicateBody,
): Promise<Set<string>> {
  const ids = new Set<string>();
  if (body.datasets.length > 0) {
    const rows = await ctx.db
      .selectFrom('records')
      .select('subject_id')
      .distinct()
      .where('tenant_id', '=', tenantId)
      .where('dataset', 'in', body.datasets)
      .execute();
    for (const r of rows) ids.add(r.subject_id);
  }
  if (body.purposes.length > 0) {
    // People whose data the purpose uses: those who granted it (or are subject to it without consent, e.g. contract).
    const rows = await ctx.db
      .selectFrom('consent_state')
      .select('subject_id')
      .distinct()
      .where('tenant_id', '=', tenantId)
      .where('purpose', 'in', body.purposes)
      .where('status', '=', 'granted')
      .execute();
    for (const r of rows) ids.add(r.subject_id);
  }
  for (let i = 0; i < body.externalIds.length; i += CHUNK) {
    const rows = await ctx.db
      .selectFrom('subjects')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('external_id', 'in', body.externalIds.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) ids.add(r.id);
  }
  return ids;
}

export async function communicateBreach(
  ctx: AppContext,
  tenantId: string,
  breachId: string,
  body: CommunicateBody,
  actor: string,
) {
  const breach = breachView(
    await getBreachRow(ctx, tenantId, breachId),
    ctx.clock.now().toISOString(),
  );
  const config = await ctx.db
    .selectFrom('config_versions')
    .select('config')
    .where('tenant_id', '=', tenantId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  const published = config ? (JSON.parse(config.config) as { defaultLocale?: string }) : {};
  const lang = body.locale ?? (published.defaultLocale === 'nl' ? 'nl' : 'en');
  const c = copy[lang];
  const owner = await controllerOf(ctx, tenantId);
  const controller = owner.name;
  const contact = breach.dpoContact ?? owner;

  const paragraphs = body.message
    ? [fill(c.intro, { tenant: controller }), body.message]
    : [
        fill(c.intro, { tenant: controller }),
        `${c.what}: ${breach.nature}`,
        `${c.consequences}: ${breach.likelyConsequences}`,
        `${c.measures}: ${breach.measures}`,
      ];
  paragraphs.push(fill(c.contact, { name: contact.name, contact: contact.contact }));
  const subject = fill(c.subject, { tenant: controller });
  const text = paragraphs.join('\n\n') + '\n';
  const html =
    `<!doctype html>\n<html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>\n` +
    `<body style="font-family:system-ui,sans-serif;color:#1a1a1a;line-height:1.5">\n` +
    paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('\n') +
    '\n</body></html>\n';

  const selected = await selectPeople(ctx, tenantId, body);
  const told = new Set<string>();
  const all = [...selected];
  for (let i = 0; i < all.length; i += CHUNK) {
    const rows = await ctx.db
      .selectFrom('breach_notices')
      .select('subject_id')
      .where('breach_id', '=', breachId)
      .where('subject_id', 'in', all.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) told.add(r.subject_id);
  }
  const result = {
    breachId,
    sent: 0,
    alreadyTold: told.size,
    withoutAddress: 0,
    peopleTold: breach.peopleTold,
  };
  const pending = all.filter((id) => !told.has(id));
  for (let i = 0; i < pending.length; i += CHUNK) {
    const subjects = await ctx.db
      .selectFrom('subjects')
      .select(['id', 'email_enc'])
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', pending.slice(i, i + CHUNK))
      .where('merged_into', 'is', null)
      .execute();
    for (const s of subjects) {
      if (!s.email_enc) {
        result.withoutAddress += 1;
        continue;
      }
      const to = ctx.keyring.decrypt(s.email_enc);
      // The mail is queued with the record that it was sent, in one transaction: both or neither,
      // so a failure halfway leaves a true list and a rerun tells only the rest.
      await ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('breach_notices')
          .values({
            tenant_id: tenantId,
            breach_id: breachId,
            subject_id: s.id,
            sent_at: ctx.clock.now().toISOString(),
          })
          .onConflict((oc) => oc.columns(['breach_id', 'subject_id']).doNothing())
          .execute();
        await ctx.mailer.send({ to, subject, text, html, tenantId, subjectId: s.id }, trx);
      });
      result.sent += 1;
    }
  }
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const count = await trx
      .selectFrom('breach_notices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('breach_id', '=', breachId)
      .executeTakeFirst();
    result.peopleTold = Number(count?.n ?? 0);
    await trx
      .updateTable('breaches')
      .set({
        people_told: result.peopleTold,
        ...(result.sent > 0 ? { people_told_at: at } : {}),
        updated_at: at,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', breachId)
      .execute();
    await appendAudit(
      trx,
      tenantId,
      {
        actor,
        action: 'breach.people_told',
        target: breachId,
        details: {
          sent: result.sent,
          alreadyTold: result.alreadyTold,
          withoutAddress: result.withoutAddress,
          peopleTold: result.peopleTold,
        },
      },
      at,
    );
  });
  // The queue's worker sends them; tell it there is work now rather than at its next round.
  if (result.sent > 0) ctx.mailQueue.wake();
  return result;
}
