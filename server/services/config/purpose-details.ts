// What the settings dialog shows per purpose one click after the first layer (Art. 13, GDPR-10,
// BAN-06): the data, who receives it (and that they are third parties), transfers outside the EEA
// with their safeguard, and how long it is kept. Taken from the register of processing (ropa.ts),
// so the dialog and the register never disagree; fetched when the dialog opens, so the first layer
// stays small.
import { isCommunicationPurpose, isNoticeOnlyPurpose } from '../../../shared/schemas/config.js';
import type { AppContext } from '../../context.js';
import { requirePublishedConfig } from './config.js';
import { generateRopa } from '../registers/ropa.js';

const labels = {
  nl: {
    basis: 'Grondslag',
    data: 'Gegevens',
    recipients: 'Ontvangers (derden)',
    none: 'alleen {controller}',
    transfers: 'Doorgifte buiten de EER',
    noTransfers: 'geen',
    kept: 'Bewaartermijn',
  },
  en: {
    basis: 'Legal basis',
    data: 'Data',
    recipients: 'Recipients (third parties)',
    none: 'only {controller}',
    transfers: 'Transfers outside the EEA',
    noTransfers: 'none',
    kept: 'Kept',
  },
  de: {
    basis: 'Rechtsgrundlage',
    data: 'Daten',
    recipients: 'Empfänger (Dritte)',
    none: 'nur {controller}',
    transfers: 'Übermittlung außerhalb des EWR',
    noTransfers: 'keine',
    kept: 'Speicherdauer',
  },
  fr: {
    basis: 'Base juridique',
    data: 'Données',
    recipients: 'Destinataires (tiers)',
    none: 'uniquement {controller}',
    transfers: "Transferts hors de l'EEE",
    noTransfers: 'aucun',
    kept: 'Conservation',
  },
} as const;

/** Lines per banner purpose, in the asked language (English where Akkoord has no words for it). */
export async function purposeDetails(
  ctx: AppContext,
  tenantId: string,
  locale: string,
): Promise<Record<string, string[]>> {
  const language = locale.toLowerCase().split('-')[0];
  const words = labels[language as keyof typeof labels] ?? labels.en;
  const ropa = await generateRopa(ctx, tenantId, language === 'nl' ? 'nl' : 'en');
  const { config } = await requirePublishedConfig(ctx.db, tenantId);
  const details: Record<string, string[]> = {};
  for (const purpose of config.purposes) {
    if (isCommunicationPurpose(purpose) || isNoticeOnlyPurpose(purpose)) continue;
    const activity = ropa.activities.find((a) => a.purpose === purpose.key);
    if (!activity) continue;
    details[purpose.key] = [
      `${words.basis}: ${activity.legalBasisArticle}`,
      `${words.data}: ${activity.dataCategories.join(', ')}`,
      `${words.recipients}: ${activity.recipients.join(', ') || words.none.replace('{controller}', ropa.controller.name)}`,
      `${words.transfers}: ${activity.thirdCountryTransfers.join('; ') || words.noTransfers}`,
      `${words.kept}: ${activity.erasureTimeLimit}`,
    ];
  }
  return details;
}
