// The tenant configuration (docs/configuration.md is generated from this file). The schema checks shape only; the
// compliance lint (shared/config/lint.ts) judges content, so a bad purpose
// key or a pre-ticked purpose is answered with the rule it breaks, not a type error.
import * as v from 'valibot';
import { hexColourPattern } from '../contrast.js';
import { eeaCountries } from '../regions.js';
import {
  consentModeTypes,
  datasetNamePattern,
  legalBases,
  localePattern,
} from '../config/vocabulary.js';
import { oneLine } from './one-line.js';

// The vocabulary lives apart so the console can use it without loading the schema library.
export {
  channels,
  isCommunicationPurpose,
  isMarketingPurpose,
  isObjectablePurpose,
  localePattern,
  purposeKeyPattern,
} from '../config/vocabulary.js';
export type { LegalBasis } from '../config/vocabulary.js';

const Locale = v.pipe(v.string(), v.regex(localePattern, 'a locale such as nl or en'));
const Text = v.pipe(v.string(), v.maxLength(4000));

const PurposeText = v.object({
  name: v.pipe(v.string(), oneLine('A purpose name'), v.maxLength(200)),
  description: v.optional(Text),
  /** Legitimate interest or public task (Art. 13(1)(d)): the interest pursued, shown beside the object control. */
  interest: v.optional(Text),
});

export const PurposeSchema = v.object({
  key: v.pipe(v.string(), v.maxLength(100)),
  required: v.optional(v.boolean()),
  default: v.optional(v.boolean()),
  legalBasis: v.picklist(legalBases),
  googleConsentMode: v.optional(v.array(v.picklist(consentModeTypes))),
  channels: v.optional(
    v.pipe(v.array(v.pipe(v.string(), oneLine('A channel'), v.maxLength(40))), v.maxLength(10)),
  ),
  marketing: v.optional(v.boolean()),
  /** Art. 30 and 13: who receives the data and how long it is kept. */
  recipients: v.optional(v.array(v.pipe(v.string(), oneLine('A recipient'), v.maxLength(200)))),
  retentionDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  /** How long a grant of this purpose counts, instead of consentTtlDays (the lint caps both). */
  ttlDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3650))),
  dataCategories: v.optional(
    v.array(v.pipe(v.string(), oneLine('A data category'), v.maxLength(200))),
  ),
  text: v.record(v.string(), PurposeText),
});

/** A data set's legal duty to keep: the term and the law it rests on, which the person is told. */
export const KeptByLaw = v.object({
  /** Days from each record's creation; the lint caps it (a legal term, not "forever"). */
  days: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(36500)),
  basis: v.pipe(v.string(), oneLine('A legal basis'), v.maxLength(300)),
});
export type KeptByLaw = v.InferOutput<typeof KeptByLaw>;

const Colour = v.pipe(v.string(), v.regex(hexColourPattern, 'a colour such as #1e3a8a'));

export const bannerPositions = ['bar', 'box', 'corner'] as const;

/** The banner's look: data the widget turns into CSS custom properties, never code. */
export const ThemeSchema = v.object({
  colors: v.optional(
    v.object({
      background: v.optional(Colour),
      text: v.optional(Colour),
      buttonBackground: v.optional(Colour),
      buttonText: v.optional(Colour),
      link: v.optional(Colour),
    }),
  ),
  inheritFont: v.optional(v.boolean()),
  logoUrl: v.optional(
    v.pipe(v.string(), v.maxLength(2000), v.url(), v.regex(/^https:\/\//i, 'an https:// URL')),
  ),
  position: v.optional(v.picklist(bannerPositions)),
  floatingLabel: v.optional(v.boolean()),
  text: v.optional(
    v.record(
      v.string(),
      v.object({
        title: v.optional(v.pipe(v.string(), oneLine('A banner title'), v.maxLength(200))),
        intro: v.optional(Text),
      }),
    ),
  ),
});

/** The EEA, the United Kingdom and Switzerland: where Consent Mode starts denied whatever the tenant chooses. */
export const consentRequiredRegions = [...eeaCountries, 'GB', 'CH'] as const;

/** Google Consent Mode: basic (tags wait for consent) or advanced (cookieless pings), and defaults per region. */
export const ConsentModeSchema = v.object({
  mode: v.optional(v.picklist(['basic', 'advanced']), 'basic'),
  /** Advanced mode sends pings (IP address, page) before consent: the tenant says it weighed that risk. */
  advancedRiskAccepted: v.optional(v.boolean()),
  /** Extra regions that start denied, beside the EEA, the UK and Switzerland. */
  deniedRegions: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(10))), v.maxLength(300))),
  /** The default outside those regions: denied (the default) or granted for the types the purposes map. */
  elsewhere: v.optional(v.picklist(['denied', 'granted']), 'denied'),
});

export const TenantConfigSchema = v.object({
  defaultLocale: Locale,
  locales: v.pipe(v.array(Locale), v.minLength(1), v.maxLength(30)),
  // Only http(s): the URL becomes a link in the banner and the preference center, where a
  // javascript: or data: URL would run script on a click (stored XSS).
  privacyNoticeUrl: v.record(
    v.string(),
    v.pipe(
      v.string(),
      v.maxLength(2000),
      v.url(),
      v.regex(/^https?:\/\//i, 'an http:// or https:// URL'),
    ),
  ),
  controller: v.object({
    name: v.pipe(v.string(), oneLine('The controller name'), v.minLength(1), v.maxLength(200)),
    contact: v.pipe(
      v.string(),
      oneLine('The controller contact'),
      v.minLength(1),
      v.maxLength(200),
    ),
  }),
  consentTtlDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3650)), 365),
  /** Art. 8(1): below this age consent comes from the holder of parental responsibility (16 in the Netherlands). */
  digitalConsentAge: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(30))),
  purposes: v.pipe(v.array(PurposeSchema), v.minLength(1), v.maxLength(100)),
  retention: v.optional(
    v.object({
      inactiveSubjectDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
      records: v.optional(
        v.record(
          v.pipe(v.string(), oneLine('A data set name')),
          v.pipe(v.number(), v.integer(), v.minValue(1)),
        ),
      ),
      /**
       * Art. 17(3)(b): data sets a law obliges the controller to keep (e.g. invoices, 7 years under
       * art. 52 AWR). An erasure leaves their records for `days` after each was created, tells the
       * person so, and retention deletes them when that term ends.
       */
      keptByLaw: v.optional(
        v.pipe(
          v.record(
            v.pipe(
              v.string(),
              v.regex(datasetNamePattern, 'a data set name: letters, digits, _ . - (at most 64)'),
            ),
            KeptByLaw,
          ),
          v.check((map) => Object.keys(map).length <= 50, 'at most 50 data sets'),
        ),
      ),
    }),
    {},
  ),
  theme: v.optional(ThemeSchema),
  /**
   * Hours after which the banner asks the server again for the person's current choice, so a
   * withdrawal, objection or erasure made elsewhere reaches every browser (default 24; 0: on every page load).
   */
  resyncHours: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(720))),
  /** Record a browser's Global Privacy Control signal as an objection to direct marketing (Art. 21(5)). */
  gpcAsObjection: v.optional(v.boolean()),
  consentMode: v.optional(ConsentModeSchema),
  reloadOnWithdrawal: v.optional(v.boolean()),
  /** false: a correction that does not make the banner ask again. */
  material: v.optional(v.boolean()),
});

export type Purpose = v.InferOutput<typeof PurposeSchema>;
export type TenantConfig = v.InferOutput<typeof TenantConfigSchema>;

/**
 * Contract, legal obligation and vital interests: nothing to consent to or object to, so the
 * banner does not ask; the notice and the register name them.
 */
export const isNoticeOnlyPurpose = (purpose: Purpose): boolean =>
  !purpose.required &&
  (purpose.legalBasis === 'contract' ||
    purpose.legalBasis === 'legal_obligation' ||
    purpose.legalBasis === 'vital_interests');
