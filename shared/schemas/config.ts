// The tenant configuration of CONTRACT.md §3. The schema checks shape only; the
// compliance lint (server/services/config-lint.ts) judges content, so a bad purpose
// key or a pre-ticked purpose is answered with the rule it breaks, not a type error.
import * as v from 'valibot';

export const channels = ['email', 'sms', 'phone', 'post', 'push'] as const;
export type Channel = (typeof channels)[number];

export const legalBases = [
  'consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interest',
] as const;
export type LegalBasis = (typeof legalBases)[number];

export const consentModeTypes = [
  'ad_storage', 'ad_user_data', 'ad_personalization', 'analytics_storage',
  'functionality_storage', 'personalization_storage', 'security_storage',
] as const;
export type ConsentModeType = (typeof consentModeTypes)[number];

export const purposeKeyPattern = /^[a-z][a-z0-9_]{0,39}$/;
export const localePattern = /^[a-z]{2}(-[A-Z]{2})?$/;

const Locale = v.pipe(v.string(), v.regex(localePattern, 'a locale such as nl or en'));
const Text = v.pipe(v.string(), v.maxLength(4000));

const PurposeText = v.object({
  name: v.pipe(v.string(), v.maxLength(200)),
  description: v.optional(Text),
});

export const PurposeSchema = v.object({
  key: v.pipe(v.string(), v.maxLength(100)),
  required: v.optional(v.boolean()),
  default: v.optional(v.boolean()),
  legalBasis: v.picklist(legalBases),
  googleConsentMode: v.optional(v.array(v.picklist(consentModeTypes))),
  channels: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(40))), v.maxLength(10))),
  marketing: v.optional(v.boolean()),
  /** Art. 30 and 13: who receives the data and how long it is kept. */
  recipients: v.optional(v.array(v.pipe(v.string(), v.maxLength(200)))),
  retentionDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  dataCategories: v.optional(v.array(v.pipe(v.string(), v.maxLength(200)))),
  text: v.record(v.string(), PurposeText),
});

export const TenantConfigSchema = v.object({
  defaultLocale: Locale,
  locales: v.pipe(v.array(Locale), v.minLength(1), v.maxLength(30)),
  // Only http(s): the URL becomes a link in the banner and the preference center, where a
  // javascript: or data: URL would run script on a click (issue 8, stored XSS).
  privacyNoticeUrl: v.record(v.string(), v.pipe(v.string(), v.maxLength(2000), v.url(), v.regex(/^https?:\/\//i, 'an http:// or https:// URL'))),
  controller: v.object({
    name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
    contact: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  }),
  consentTtlDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3650)), 365),
  purposes: v.pipe(v.array(PurposeSchema), v.minLength(1), v.maxLength(100)),
  retention: v.optional(
    v.object({
      inactiveSubjectDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
      records: v.optional(v.record(v.string(), v.pipe(v.number(), v.integer(), v.minValue(1)))),
    }),
    {},
  ),
  /** false: a correction that does not make the banner ask again. */
  material: v.optional(v.boolean()),
});

export type Purpose = v.InferOutput<typeof PurposeSchema>;
export type TenantConfig = v.InferOutput<typeof TenantConfigSchema>;

/** A purpose with channels is a communication consent; the banner does not show it. */
export const isCommunicationPurpose = (purpose: Purpose): boolean => (purpose.channels?.length ?? 0) > 0;

const adSignals: ConsentModeType[] = ['ad_storage', 'ad_user_data', 'ad_personalization'];

/** Purposes an objection to direct marketing withdraws (Art. 21(3)); GPC starts them denied. */
export const isMarketingPurpose = (purpose: Purpose): boolean =>
  purpose.marketing === true || (purpose.googleConsentMode ?? []).some((t) => adSignals.includes(t));
