// The processors register (GDPR Art. 28: who processes data for the controller, under
// which agreement) and the DPIA register (Art. 35-36: which processing needs an impact
// assessment, and where it stands). Both feed the register of processing activities.
import * as v from 'valibot';
import { eeaCountries } from '../regions.js';
import { oneLine } from './one-line.js';
import { transferSafeguards } from './accountability.js';

/** One line: these names end up in mail headers, CSV rows and Markdown tables. */
const ShortText = v.pipe(
  v.string(),
  oneLine('The value'),
  v.trim(),
  v.minLength(1),
  v.maxLength(200),
);
const LongText = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(2000));
const Day = v.pipe(v.string(), v.isoDate('a date such as 2026-12-01'));
const CountryCode = v.pipe(
  v.string(),
  v.regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as US'),
);
const PurposeKey = v.pipe(v.string(), v.minLength(1), v.maxLength(100));

export const isOutsideEea = (country: string) =>
  !(eeaCountries as readonly string[]).includes(country);

const needsSafeguard = (where: { location: string; safeguard?: string | null }) =>
  !isOutsideEea(where.location) || !!where.safeguard;

const SubProcessor = v.pipe(
  v.object({
    name: ShortText,
    /** Where it processes the data. */
    location: CountryCode,
    safeguard: v.optional(v.nullable(v.picklist(transferSafeguards))),
  }),
  v.check((s) => needsSafeguard(s), 'a sub-processor outside the EEA needs a transfer safeguard'),
);

export const ProcessorBody = v.pipe(
  v.strictObject({
    name: ShortText,
    /** What it does for the controller, e.g. "e-mail service provider". */
    role: ShortText,
    /** Purpose keys of the published config it processes data for; the ROPA lists it under each. */
    purposes: v.pipe(v.array(PurposeKey), v.maxLength(100)),
    dataCategories: v.pipe(v.array(ShortText), v.maxLength(50)),
    subProcessors: v.optional(v.pipe(v.array(SubProcessor), v.maxLength(100)), []),
    /** Where it processes the data. */
    location: CountryCode,
    /** Required outside the EEA (Art. 44-49). */
    safeguard: v.optional(v.nullable(v.picklist(transferSafeguards))),
    transferDetails: v.optional(v.nullable(LongText)),
    /** The processing agreement of Art. 28(3): when it was signed and where the signed copy is kept. */
    agreementDate: v.optional(v.nullable(Day)),
    agreementLocation: v.optional(v.nullable(ShortText)),
    reviewDate: v.optional(v.nullable(Day)),
  }),
  v.forward(
    v.partialCheck(
      [['location'], ['safeguard']],
      needsSafeguard,
      'a processor outside the EEA needs a transfer safeguard',
    ),
    ['safeguard'],
  ),
);
export type ProcessorBody = v.InferOutput<typeof ProcessorBody>;

export const ProcessorView = v.object({
  id: v.pipe(v.string(), v.description('prc_...')),
  name: v.string(),
  role: v.string(),
  purposes: v.array(v.string()),
  dataCategories: v.array(v.string()),
  subProcessors: v.array(
    v.object({ name: v.string(), location: v.string(), safeguard: v.nullable(v.string()) }),
  ),
  location: v.string(),
  safeguard: v.nullable(v.string()),
  transferDetails: v.nullable(v.string()),
  agreementDate: v.nullable(v.string()),
  agreementLocation: v.nullable(v.string()),
  reviewDate: v.nullable(v.string()),
  /** The review date has passed. */
  reviewOverdue: v.boolean(),
  /** No signed processing agreement is recorded. */
  agreementMissing: v.boolean(),
  createdAt: v.string(),
  updatedAt: v.string(),
});
export type ProcessorView = v.InferOutput<typeof ProcessorView>;

export const ProcessorListResponse = v.object({ processors: v.array(ProcessorView) });
export const RegisterIdParams = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
});

/**
 * Kinds of processing the Dutch supervisory authority lists as always needing a DPIA,
 * in short (Art. 35(4)). Any one ticked makes the DPIA required.
 */
export const dpiaCriteria = [
  'covert_investigation',
  'blacklists',
  'fraud_prevention',
  'credit_scoring',
  'financial_situation',
  'genetic_data',
  'health_data',
  'combining_data',
  'camera_surveillance',
  'employee_monitoring',
  'location_data',
  'communication_data',
  'internet_of_things',
  'profiling',
  'behaviour_monitoring',
  'biometric_data',
] as const;
export type DpiaCriterion = (typeof dpiaCriteria)[number];

export const dpiaCriterionLabels: Record<'en' | 'nl', Record<DpiaCriterion, string>> = {
  en: {
    covert_investigation: 'Investigating people without their knowledge',
    blacklists: 'Keeping lists of people to be refused or warned about',
    fraud_prevention: 'Large-scale processing, or profiling, to prevent fraud',
    credit_scoring: 'Scoring people’s creditworthiness',
    financial_situation: 'Large-scale processing of people’s finances or spending',
    genetic_data: 'Large-scale processing of genetic data',
    health_data: 'Large-scale processing of health data',
    combining_data: 'Combining or sharing data sets from different sources',
    camera_surveillance: 'Systematic, large-scale camera surveillance',
    employee_monitoring: 'Systematic monitoring of employees',
    location_data: 'Large-scale or systematic processing of location data',
    communication_data: 'Large-scale processing of the content or metadata of communications',
    internet_of_things: 'Large-scale processing of data from connected devices',
    profiling: 'Large-scale or systematic profiling that assesses people',
    behaviour_monitoring:
      'Large-scale or systematic observation or steering of behaviour (including online tracking)',
    biometric_data: 'Processing biometric data to identify people',
  },
  nl: {
    covert_investigation: 'Heimelijk onderzoek naar personen',
    blacklists: 'Zwarte lijsten van personen die worden geweigerd of gesignaleerd',
    fraud_prevention: 'Grootschalige verwerking of profilering ter voorkoming van fraude',
    credit_scoring: 'Kredietscores van personen',
    financial_situation: 'Grootschalige verwerking van financiële gegevens of bestedingen',
    genetic_data: 'Grootschalige verwerking van genetische gegevens',
    health_data: 'Grootschalige verwerking van gezondheidsgegevens',
    combining_data: 'Samenvoegen of delen van gegevens uit verschillende bronnen',
    camera_surveillance: 'Stelselmatig, grootschalig cameratoezicht',
    employee_monitoring: 'Stelselmatige monitoring van werknemers',
    location_data: 'Grootschalige of stelselmatige verwerking van locatiegegevens',
    communication_data: 'Grootschalige verwerking van inhoud of metadata van communicatie',
    internet_of_things: 'Grootschalige verwerking van gegevens uit verbonden apparaten',
    profiling: 'Grootschalige of stelselmatige profilering die personen beoordeelt',
    behaviour_monitoring:
      'Grootschalig of stelselmatig volgen of sturen van gedrag (ook online tracking)',
    biometric_data: 'Verwerking van biometrische gegevens om personen te identificeren',
  },
};

export const dpiaStatuses = ['not_started', 'in_progress', 'completed'] as const;
export const residualRisks = ['low', 'medium', 'high'] as const;

export const DpiaBody = v.pipe(
  v.strictObject({
    /** Ticked items of the checklist; any one makes a DPIA required. */
    criteria: v.optional(
      v.pipe(v.array(v.picklist(dpiaCriteria)), v.maxLength(dpiaCriteria.length)),
      [],
    ),
    /** Required for another reason (e.g. two of the EDPB's nine criteria); explain in `notes`. */
    requiredOtherwise: v.optional(v.boolean(), false),
    status: v.optional(v.picklist(dpiaStatuses), 'not_started'),
    /** When the assessment was completed. */
    date: v.optional(v.nullable(Day)),
    residualRisk: v.optional(v.nullable(v.picklist(residualRisks))),
    /** Art. 36: consultation of the authority before processing when the residual risk stays high. */
    priorConsultationAt: v.optional(v.nullable(Day)),
    priorConsultationReference: v.optional(v.nullable(ShortText)),
    reviewDate: v.optional(v.nullable(Day)),
    documentLocation: v.optional(v.nullable(ShortText)),
    notes: v.optional(v.nullable(LongText)),
  }),
  v.forward(
    v.partialCheck(
      [['status'], ['date'], ['residualRisk']],
      (b) => b.status !== 'completed' || (!!b.date && !!b.residualRisk),
      'a completed DPIA needs its date and residual risk',
    ),
    ['date'],
  ),
);
export type DpiaBody = v.InferOutput<typeof DpiaBody>;

export const DpiaView = v.object({
  purpose: v.string(),
  /** False when the purpose is no longer in the published config. */
  purposeKnown: v.boolean(),
  criteria: v.array(v.picklist(dpiaCriteria)),
  requiredOtherwise: v.boolean(),
  /** A criterion is ticked or requiredOtherwise. */
  required: v.boolean(),
  status: v.picklist(dpiaStatuses),
  date: v.nullable(v.string()),
  residualRisk: v.nullable(v.picklist(residualRisks)),
  priorConsultationAt: v.nullable(v.string()),
  priorConsultationReference: v.nullable(v.string()),
  /** Residual risk high and the authority not yet consulted (Art. 36(1)). */
  priorConsultationNeeded: v.boolean(),
  reviewDate: v.nullable(v.string()),
  reviewOverdue: v.boolean(),
  documentLocation: v.nullable(v.string()),
  notes: v.nullable(v.string()),
  updatedAt: v.string(),
});
export type DpiaView = v.InferOutput<typeof DpiaView>;

export const DpiaListResponse = v.object({
  dpias: v.array(DpiaView),
  /** Purposes of the published config with no DPIA record yet: nobody has checked them. */
  unassessed: v.array(v.string()),
});

export const DpiaPurposeParams = v.object({ purpose: PurposeKey });

export const DpiaChecklistQuery = v.object({ lang: v.optional(v.picklist(['en', 'nl']), 'en') });
export const DpiaChecklistResponse = v.object({
  criteria: v.array(v.object({ key: v.picklist(dpiaCriteria), label: v.string() })),
});
