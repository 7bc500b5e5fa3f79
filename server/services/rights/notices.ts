// Telling the person about their request where the GDPR requires it: an extension
// and its reasons (Art. 12(3), GDPR-20), a refusal with its reasons and the right to
// complain (Art. 12(4), GDPR-21) and, before a restriction is lifted, that it will be
// (Art. 18(3), GDPR-35). Sent by e-mail in the person's language when an
// address is known; otherwise the recorded channel says who tells them.
// Call outside a transaction: the outbox mailer writes through the same database.
import type { AppContext } from '../../context.js';
import { getPublishedConfig } from '../config.js';

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

const groundNames: Record<'en' | 'nl', Record<string, string>> = {
  en: { manifestly_unfounded: 'manifestly unfounded', excessive: 'excessive', identity_not_verified: 'we could not verify your identity', exemption: 'a legal exemption applies' },
  nl: { manifestly_unfounded: 'kennelijk ongegrond', excessive: 'buitensporig', identity_not_verified: 'we konden uw identiteit niet vaststellen', exemption: 'er geldt een wettelijke uitzondering' },
};

const texts = {
  en: {
    extension: (n: Extract<Notice, { kind: 'extension' }>, controller: string) => ({
      subject: `${controller}: more time needed for your request`,
      text: `We need more time to answer your ${n.requestType.replace('_', ' ')} request.\n\nWhy: ${n.reason}\n\n`
        + `We will answer by ${n.dueAt.slice(0, 10)}. You may complain to the Autoriteit Persoonsgegevens `
        + '(https://autoriteitpersoonsgegevens.nl) or go to court if you disagree.',
    }),
    refusal: (n: Extract<Notice, { kind: 'refusal' }>, controller: string) => ({
      subject: `${controller}: we will not act on your request`,
      text: `We will not act on your ${n.requestType.replace('_', ' ')} request (${groundNames.en[n.ground] ?? n.ground}).\n\nWhy: ${n.explanation}\n\n`
        + 'You may complain to the Autoriteit Persoonsgegevens (https://autoriteitpersoonsgegevens.nl) '
        + 'and you may go to court.',
    }),
    restriction_lift: (controller: string) => ({
      subject: `${controller}: the restriction of your data is being lifted`,
      text: 'You asked us to restrict the processing of your personal data. That restriction is now being lifted: '
        + 'from now on we may process your data again for the purposes you agreed to. You can ask for a new '
        + 'restriction, object, or complain to the Autoriteit Persoonsgegevens (https://autoriteitpersoonsgegevens.nl).',
    }),
  },
  nl: {
    extension: (n: Extract<Notice, { kind: 'extension' }>, controller: string) => ({
      subject: `${controller}: meer tijd nodig voor uw verzoek`,
      text: `We hebben meer tijd nodig om uw verzoek (${n.requestType.replace('_', ' ')}) te beantwoorden.\n\nReden: ${n.reason}\n\n`
        + `U krijgt uiterlijk ${n.dueAt.slice(0, 10)} antwoord. Bent u het hier niet mee eens, dan kunt u een klacht indienen `
        + 'bij de Autoriteit Persoonsgegevens (https://autoriteitpersoonsgegevens.nl) of naar de rechter stappen.',
    }),
    refusal: (n: Extract<Notice, { kind: 'refusal' }>, controller: string) => ({
      subject: `${controller}: we voeren uw verzoek niet uit`,
      text: `We voeren uw verzoek (${n.requestType.replace('_', ' ')}) niet uit (${groundNames.nl[n.ground] ?? n.ground}).\n\nReden: ${n.explanation}\n\n`
        + 'U kunt een klacht indienen bij de Autoriteit Persoonsgegevens (https://autoriteitpersoonsgegevens.nl) '
        + 'en u kunt naar de rechter stappen.',
    }),
    restriction_lift: (controller: string) => ({
      subject: `${controller}: de beperking van uw gegevens wordt opgeheven`,
      text: 'U vroeg ons de verwerking van uw persoonsgegevens te beperken. Die beperking wordt nu opgeheven: '
        + 'vanaf nu mogen we uw gegevens weer gebruiken voor de doelen waarvoor u toestemming gaf. U kunt opnieuw '
        + 'om beperking vragen, bezwaar maken, of een klacht indienen bij de Autoriteit Persoonsgegevens '
        + '(https://autoriteitpersoonsgegevens.nl).',
    }),
  },
};

/** The language the person last used with us, else the tenant's default. */
async function localeOf(ctx: Ctx, tenantId: string, subjectId: string): Promise<{ locale: 'en' | 'nl'; controller: string }> {
  const published = await getPublishedConfig(ctx.db, tenantId);
  const last = await ctx.db.selectFrom('consent_events').select('locale')
    .where('tenant_id', '=', tenantId).where('subject_id', '=', subjectId)
    .orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const wanted = last?.locale ?? published?.config.defaultLocale ?? 'en';
  return { locale: wanted.startsWith('nl') ? 'nl' : 'en', controller: published?.config.controller.name ?? 'Akkoord' };
}

/**
 * Sends the notice when an e-mail address is known and says how it went out; a
 * failing mailer throws, so the caller's action does not happen without its notice.
 */
export async function notifySubject(
  ctx: Ctx, tenantId: string, subjectId: string, notice: Notice, fallback: Exclude<NoticeVia, 'email'> = 'requester',
): Promise<NoticeRecord> {
  const at = ctx.clock.now().toISOString();
  const subject = await ctx.db.selectFrom('subjects').select('email_enc')
    .where('tenant_id', '=', tenantId).where('id', '=', subjectId).executeTakeFirst();
  if (!subject?.email_enc) return { via: fallback, at };
  const { locale, controller } = await localeOf(ctx, tenantId, subjectId);
  const message = notice.kind === 'extension' ? texts[locale].extension(notice, controller)
    : notice.kind === 'refusal' ? texts[locale].refusal(notice, controller)
      : texts[locale].restriction_lift(controller);
  await ctx.mailer.send({ to: ctx.keyring.decrypt(subject.email_enc), ...message, tenantId, subjectId });
  return { via: 'email', at };
}
