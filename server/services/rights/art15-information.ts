// What Art. 15(1)-(2) says a person must be told besides the copy of their data
// (GDPR-30): purposes with their legal basis, categories, recipients, retention, the
// rights including a complaint to the Autoriteit Persoonsgegevens, and the source.
// Built from the tenant's published configuration, in the person's language.
import type { RopaSettings } from '../../../shared/schemas/accountability.js';
import type { TenantConfig } from '../../../shared/schemas/config.js';
import { isOutsideEea } from '../../../shared/schemas/registers.js';

export const SUPERVISORY_AUTHORITY = {
  name: 'Autoriteit Persoonsgegevens',
  url: 'https://autoriteitpersoonsgegevens.nl',
} as const;

const rightTexts = {
  en: {
    access: 'See the personal data we hold about you and get a copy (Art. 15).',
    rectification: 'Have incorrect data corrected and incomplete data completed (Art. 16).',
    erasure: 'Have your data erased, all of it or in part (Art. 17).',
    restriction: 'Have the processing of your data restricted (Art. 18).',
    portability: 'Receive the data you gave us in a machine-readable format (Art. 20).',
    objection: 'Object to processing, and always to direct marketing (Art. 21).',
    withdrawConsent: 'Withdraw a consent at any time, as easily as you gave it (Art. 7(3)).',
    complaint: 'Complain to the supervisory authority (Art. 77) or go to court (Art. 79).',
  },
  nl: {
    access: 'Inzien welke persoonsgegevens we van u hebben en er een kopie van krijgen (art. 15).',
    rectification: 'Onjuiste gegevens laten verbeteren en onvolledige laten aanvullen (art. 16).',
    erasure: 'Uw gegevens laten wissen, geheel of gedeeltelijk (art. 17).',
    restriction: 'De verwerking van uw gegevens laten beperken (art. 18).',
    portability: 'De gegevens die u ons gaf in een machineleesbaar formaat ontvangen (art. 20).',
    objection: 'Bezwaar maken tegen verwerking, en altijd tegen direct marketing (art. 21).',
    withdrawConsent:
      'Een toestemming op elk moment intrekken, even makkelijk als u die gaf (art. 7 lid 3).',
    complaint:
      'Een klacht indienen bij de toezichthouder (art. 77) of naar de rechter stappen (art. 79).',
  },
};

const sourceTexts: Record<string, { en: string; nl: string }> = {
  banner: {
    en: 'Your choices in the cookie banner on the website',
    nl: 'Uw keuzes in de cookiebanner op de website',
  },
  preference_center: {
    en: 'What you entered in the preference center',
    nl: 'Wat u invulde in het voorkeurencentrum',
  },
  api: {
    en: "The organisation's own systems (e.g. its shop or CRM), through the API",
    nl: 'De eigen systemen van de organisatie (zoals de webwinkel of het CRM), via de API',
  },
  import: { en: 'An import of an existing list', nl: 'Een import van een bestaande lijst' },
  unsubscribe: { en: 'An unsubscribe link in an e-mail', nl: 'Een afmeldlink in een e-mail' },
  expiry: {
    en: 'The expiry of a consent after its period',
    nl: 'Het verlopen van een toestemming na de termijn',
  },
};

/** A processor of the processors register, as far as the person is told of it. */
export interface Art15Processor {
  name: string;
  role: string;
  purposes: string[];
  location: string;
  safeguard: string | null;
}

export interface Art15Input {
  config: TenantConfig | null;
  locale: string;
  /** Ledger sources of this person's consents, plus 'api' when a tool supplied their profile or records. */
  sources: string[];
  /** Origins of the tools that receive the consent feed by webhook. */
  connectedTools: string[];
  /** The processors register: recipients per purpose, and transfers outside the EEA (Art. 15(1)(c), 15(2)). */
  processors?: Art15Processor[];
  /** The tenant's register fields: its DPO, recipients and transfers, automated decisions. */
  ropa?: RopaSettings;
}

const noAutomatedDecisions = {
  en: 'No decisions are made about you by automated means alone (Art. 22).',
  nl: 'Er worden geen besluiten over je genomen die alleen op geautomatiseerde verwerking berusten (art. 22).',
};

export function describeProcessing({
  config,
  locale,
  sources,
  connectedTools,
  processors = [],
  ropa,
}: Art15Input) {
  const lang = locale.startsWith('nl') ? 'nl' : 'en';
  // The register's recipients: those tied to purposes under each, the others for the whole organisation.
  const registerRecipients = ropa?.recipients ?? [];
  const label = (r: { name: string; category?: string }) =>
    r.category ? `${r.name} (${r.category})` : r.name;
  const recipientsOf = (key: string, own: string[]) => {
    const seen = new Set(own.map((r) => r.toLowerCase()));
    const extra = [
      ...processors
        .filter((x) => x.purposes.includes(key))
        .map((x) => ({ name: x.name, text: `${x.name} (${x.role})` })),
      ...registerRecipients
        .filter((r) => r.purposes?.includes(key))
        .map((r) => ({ name: r.name, text: label(r) })),
    ].filter((x) => !seen.has(x.name.toLowerCase()) && seen.add(x.name.toLowerCase()));
    return [...own, ...extra.map((x) => x.text)];
  };
  const purposes = (config?.purposes ?? []).map((p) => ({
    key: p.key,
    name: p.text[locale]?.name ?? p.text[config!.defaultLocale]?.name ?? p.key,
    description: p.text[locale]?.description ?? p.text[config!.defaultLocale]?.description ?? null,
    legalBasis: p.legalBasis,
    channels: p.channels ?? [],
    marketing: p.marketing === true,
    dataCategories: p.dataCategories ?? [],
    recipients: recipientsOf(p.key, p.recipients ?? []),
    retentionDays: p.retentionDays ?? null,
  }));
  return {
    controller: config
      ? {
          ...config.controller,
          privacyNotice:
            config.privacyNoticeUrl[locale] ??
            config.privacyNoticeUrl[config.defaultLocale] ??
            null,
        }
      : null,
    purposes,
    recipients: [
      ...new Set([
        ...purposes.flatMap((p) => p.recipients),
        ...registerRecipients.filter((r) => !r.purposes?.length).map(label),
      ]),
    ],
    /** Processors and register transfers outside the EEA, and the safeguard each rests on (Art. 15(2)). */
    transfers: [
      ...processors
        .filter((x) => isOutsideEea(x.location))
        .map((x) => ({ recipient: x.name, country: x.location, safeguard: x.safeguard })),
      ...(ropa?.transfers ?? []).map((x) => ({
        recipient: x.recipient,
        country: x.country,
        safeguard: x.safeguard,
        ...(x.details ? { details: x.details } : {}),
      })),
    ],
    /** Art. 37-39: whom to ask about the processing of their data; null when the organisation named none. */
    dpo: ropa?.dpo ? { name: ropa.dpo.name, contact: ropa.dpo.contact } : null,
    connectedTools,
    retention: {
      consentDays: config?.consentTtlDays ?? 365,
      inactiveSubjectDays: config?.retention?.inactiveSubjectDays ?? null,
      recordsDays: config?.retention?.records ?? {},
      /** Art. 17(3)(b): data sets a law keeps, for how long and why; an erasure leaves them until then. */
      keptByLaw: Object.entries(config?.retention?.keptByLaw ?? {}).map(([dataset, k]) => ({
        dataset,
        days: k.days,
        basis: k.basis,
      })),
      /** Per purpose: how long its data is kept, and how long a consent to it counts. */
      perPurpose: (config?.purposes ?? []).map((p) => ({
        purpose: p.key,
        retentionDays: p.retentionDays ?? null,
        consentDays:
          p.legalBasis === 'consent' ? (p.ttlDays ?? config!.consentTtlDays ?? 365) : null,
      })),
      ledger:
        lang === 'nl'
          ? 'Het toestemmingsregister wordt bewaard als bewijs (art. 7 lid 1); na wissen zonder IP-adres en browsergegevens.'
          : 'The consent ledger is kept as proof (Art. 7(1)); after erasure without IP address or browser details.',
    },
    rights: rightTexts[lang],
    supervisoryAuthority: SUPERVISORY_AUTHORITY,
    sources: [...new Set(sources)].map((s) => ({
      source: s,
      description: sourceTexts[s]?.[lang] ?? s,
    })),
    automatedDecisionMaking:
      (ropa?.automatedDecisions.length ?? 0) > 0
        ? lang === 'nl'
          ? 'Er worden besluiten over je genomen met geautomatiseerde middelen; hieronder staat hoe en wat dat voor je betekent.'
          : 'Some decisions about you are made by automated means; how, and what they mean for you, is listed below.'
        : noAutomatedDecisions[lang],
    /** Art. 15(1)(h): each automated decision, the logic involved and its consequences for the person. */
    automatedDecisions: (ropa?.automatedDecisions ?? []).map(
      ({ description, logic, consequences, purposes: keys }) => ({
        description,
        logic,
        consequences,
        purposes: keys ?? [],
      }),
    ),
  };
}
