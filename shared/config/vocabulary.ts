// The configuration's fixed vocabularies, without the schema library: the console's studio
// and the compliance lint use them, and the console's bundle stays small.

export const channels = ['email', 'sms', 'phone', 'post', 'push'] as const;

export const legalBases = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_task',
  'legitimate_interest',
] as const;
export type LegalBasis = (typeof legalBases)[number];

export const consentModeTypes = [
  'ad_storage',
  'ad_user_data',
  'ad_personalization',
  'analytics_storage',
  'functionality_storage',
  'personalization_storage',
  'security_storage',
] as const;
export type ConsentModeType = (typeof consentModeTypes)[number];

export const purposeKeyPattern = /^[a-z][a-z0-9_]{0,39}$/;
export const localePattern = /^[a-z]{2}(-[A-Z]{2})?$/;

/** A data set of the records API (also the names an erasure scope may list). */
export const datasetNamePattern = /^[A-Za-z0-9_.-]{1,64}$/;

/** ISO 3166-1 alpha-2 (NL) or 3166-2 (US-CA) codes; Google ignores made-up ones such as EU. */
export const regionPattern = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

/** The fields of a configured purpose these rules read (the schema builds on this file, not back). */
interface Purpose {
  channels?: readonly string[];
  marketing?: boolean;
  googleConsentMode?: readonly ConsentModeType[];
  required?: boolean;
  legalBasis: LegalBasis;
}

/** A purpose with channels is a communication consent; the banner does not show it. */
export const isCommunicationPurpose = (purpose: Purpose): boolean =>
  (purpose.channels?.length ?? 0) > 0;

const adSignals: ConsentModeType[] = ['ad_storage', 'ad_user_data', 'ad_personalization'];

/** Purposes an objection to direct marketing withdraws (Art. 21(3)); GPC starts them denied. */
export const isMarketingPurpose = (purpose: Purpose): boolean =>
  purpose.marketing === true ||
  (purpose.googleConsentMode ?? []).some((t) => adSignals.includes(t));

/**
 * Legitimate interest or public task (Art. 6(1)(f), (e)): processing is on without consent, and
 * the person may object (Art. 21(1)). Required purposes are not objectable here.
 */
export const isObjectablePurpose = (purpose: Purpose): boolean =>
  !purpose.required &&
  (purpose.legalBasis === 'legitimate_interest' || purpose.legalBasis === 'public_task');
