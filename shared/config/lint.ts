// The compliance lint: a configuration that would make a non-compliant banner is
// refused with the rule it breaks. Each rule names its source. One implementation: the
// server refuses a publish with it, and the console's studio runs it on every keystroke.
import { contrastRatio } from '../contrast.js';
import type { TenantConfig } from '../schemas/config.js';
import {
  channels,
  isCommunicationPurpose,
  isMarketingPurpose,
  isObjectablePurpose,
  purposeKeyPattern,
  regionPattern,
} from './vocabulary.js';
import { DIGITAL_CONSENT_AGE_RANGE, MAX_CONSENT_TTL_DAYS } from './limits.js';
import { lintKeptByLaw } from './lint-kept-by-law.js';

/** The banner's own colours, which a theme's colours replace one by one. */
export const DEFAULT_COLOURS = {
  background: '#ffffff',
  text: '#1a1a1a',
  buttonBackground: '#1e3a8a',
  buttonText: '#ffffff',
  link: '#1d4ed8',
};

/** Every rule the lint knows; shared/i18n/lint-reasons-*.json say why each exists. */
export const lintRules = [
  'DEFAULT_LOCALE_NOT_LISTED',
  'MISSING_TRANSLATION',
  'CONSENT_TTL_TOO_LONG',
  'DIGITAL_CONSENT_AGE_OUT_OF_RANGE',
  'LOW_CONTRAST',
  'UNKNOWN_LOCALE',
  'BAD_PURPOSE_KEY',
  'DUPLICATE_PURPOSE',
  'OPTIONAL_PURPOSE_ON_BY_DEFAULT',
  'REQUIRED_CONSENT_PURPOSE',
  'LEGITIMATE_INTEREST_STORAGE',
  'UNKNOWN_CHANNEL',
  'REQUIRED_COMMUNICATION_PURPOSE',
  'CONSENT_PURPOSE_WITHOUT_DESCRIPTION',
  'BAD_REGION',
  'CONSENT_MODE_ADVANCED_RISK',
  'LEGITIMATE_INTEREST_MARKETING',
  'CONSENT_PURPOSE_NOTICE_INCOMPLETE',
  'INTEREST_NOT_DESCRIBED',
  'KEPT_BY_LAW_WITHOUT_BASIS',
  'KEPT_BY_LAW_TOO_LONG',
  'KEPT_BY_LAW_CONFLICT',
] as const;
export type LintRule = (typeof lintRules)[number];

export interface LintViolation {
  rule: LintRule;
  path: string;
  message: string;
}

/** Look like ISO 3166-1 codes but are none: list the member countries instead. */
const notIsoRegions = ['EU', 'UK', 'EA', 'EZ', 'UN'];

const storageTypeSignals = [
  'ad_storage',
  'ad_user_data',
  'ad_personalization',
  'analytics_storage',
  'functionality_storage',
  'personalization_storage',
];

export function lintConfig(config: TenantConfig): LintViolation[] {
  const found: LintViolation[] = [];
  const add = (rule: LintRule, path: string, message: string) =>
    found.push({ rule, path, message });

  if (!config.locales.includes(config.defaultLocale)) {
    add(
      'DEFAULT_LOCALE_NOT_LISTED',
      'defaultLocale',
      `defaultLocale "${config.defaultLocale}" is not in locales`,
    );
  }
  for (const locale of config.locales) {
    // GDPR-10, Art. 13: the privacy notice is one click away on every layer, in every language.
    if (!config.privacyNoticeUrl[locale]) {
      add(
        'MISSING_TRANSLATION',
        `privacyNoticeUrl.${locale}`,
        `No privacy-notice URL for locale "${locale}"`,
      );
    }
  }

  // GDPR-12 (EDPB 05/2020: consent is refreshed at intervals): no consent counts longer than about 24 months.
  if ((config.consentTtlDays ?? 365) > MAX_CONSENT_TTL_DAYS) {
    add(
      'CONSENT_TTL_TOO_LONG',
      'consentTtlDays',
      `consentTtlDays may be at most ${MAX_CONSENT_TTL_DAYS} (about 24 months); ask again sooner`,
    );
  }

  // GDPR-11, Art. 8(1): the age of digital consent lies between 13 and 16.
  const [youngest, oldest] = DIGITAL_CONSENT_AGE_RANGE;
  if (
    config.digitalConsentAge !== undefined &&
    (config.digitalConsentAge < youngest || config.digitalConsentAge > oldest)
  ) {
    add(
      'DIGITAL_CONSENT_AGE_OUT_OF_RANGE',
      'digitalConsentAge',
      `digitalConsentAge must lie between ${youngest} and ${oldest} (Art. 8(1)); the Netherlands use 16`,
    );
  }

  // A11Y-05, A11Y-06 (WCAG 1.4.3, 1.4.11): a theme keeps text readable and buttons visible.
  const c = { ...DEFAULT_COLOURS, ...config.theme?.colors };
  const pairs: Array<[keyof typeof c, keyof typeof c, number, string]> = [
    ['text', 'background', 4.5, 'text on the background'],
    ['link', 'background', 4.5, 'links on the background'],
    ['buttonText', 'buttonBackground', 4.5, 'button text on the button'],
    ['buttonBackground', 'background', 3, 'buttons against the background'],
  ];
  for (const [fore, back, minimum, what] of pairs) {
    const ratio = contrastRatio(c[fore], c[back]);
    if (ratio < minimum) {
      add(
        'LOW_CONTRAST',
        `theme.colors.${config.theme?.colors?.[fore] ? fore : back}`,
        `The contrast of ${what} is ${ratio.toFixed(2)}:1; WCAG AA asks at least ${minimum}:1`,
      );
    }
  }
  for (const locale of Object.keys(config.theme?.text ?? {})) {
    if (!config.locales.includes(locale))
      add(
        'UNKNOWN_LOCALE',
        `theme.text.${locale}`,
        `theme.text has locale "${locale}", which is not in locales`,
      );
  }

  // GCM-04: Google reads ISO 3166 codes only ('EU' silently does nothing).
  for (const [i, region] of (config.consentMode?.deniedRegions ?? []).entries()) {
    if (!regionPattern.test(region) || notIsoRegions.includes(region))
      add(
        'BAD_REGION',
        `consentMode.deniedRegions.${i}`,
        `"${region.slice(0, 10)}" is not an ISO 3166 code such as NL or US-CA (EU is none)`,
      );
  }
  // GCM-08: advanced mode pings Google (IP address, page) before any consent; opt in knowingly.
  if (config.consentMode?.mode === 'advanced' && config.consentMode.advancedRiskAccepted !== true) {
    add(
      'CONSENT_MODE_ADVANCED_RISK',
      'consentMode.advancedRiskAccepted',
      'Advanced Consent Mode sends pings with the IP address and page before consent (an ePrivacy risk); set advancedRiskAccepted: true to choose it, or use basic mode',
    );
  }

  lintKeptByLaw(config, add);

  const seen = new Set<string>();
  config.purposes.forEach((purpose, i) => {
    const at = `purposes.${i}`;
    if (!purposeKeyPattern.test(purpose.key)) {
      add(
        'BAD_PURPOSE_KEY',
        `${at}.key`,
        `Purpose key "${purpose.key.slice(0, 50)}" must match [a-z][a-z0-9_]{0,39}`,
      );
    }
    if (seen.has(purpose.key))
      add('DUPLICATE_PURPOSE', `${at}.key`, `Purpose "${purpose.key}" is listed twice`);
    seen.add(purpose.key);

    // GDPR-50, Art. 25(2), Recital 32: nothing optional may be pre-ticked.
    if (!purpose.required && purpose.default === true) {
      add(
        'OPTIONAL_PURPOSE_ON_BY_DEFAULT',
        `${at}.default`,
        `Optional purpose "${purpose.key}" may not be on by default`,
      );
    }
    // GDPR-08, Art. 7(4): a consent that cannot be refused is a cookie wall.
    if (purpose.required && purpose.legalBasis === 'consent') {
      add(
        'REQUIRED_CONSENT_PURPOSE',
        `${at}.required`,
        `Purpose "${purpose.key}" rests on consent, so it cannot be required`,
      );
    }
    // EP-03 (EDPB CBTF ¶24): legitimate interest never covers storage on the device.
    if (
      purpose.legalBasis === 'legitimate_interest' &&
      (purpose.googleConsentMode ?? []).some((t) => storageTypeSignals.includes(t))
    ) {
      add(
        'LEGITIMATE_INTEREST_STORAGE',
        `${at}.googleConsentMode`,
        `Purpose "${purpose.key}" on legitimate interest may not map to a storage Consent Mode signal`,
      );
    }
    // GDPR-40, Art. 21(2)-(3): direct marketing to people who never consented cannot rest on an interest the person must object to.
    if (isObjectablePurpose(purpose) && isMarketingPurpose(purpose)) {
      add(
        'LEGITIMATE_INTEREST_MARKETING',
        `${at}.marketing`,
        `Purpose "${purpose.key}" is marketing on ${purpose.legalBasis.replace('_', ' ')}: ask consent instead`,
      );
    }
    // GDPR-10, Art. 13(1)(c)-(f), (2)(a): what a consent covers, who receives it and for how long.
    if (purpose.legalBasis === 'consent' && !purpose.required) {
      const lacks = [
        // A communication purpose's data is its channels' addresses.
        !purpose.dataCategories?.length &&
          !isCommunicationPurpose(purpose) &&
          'dataCategories (what data)',
        purpose.recipients === undefined &&
          'recipients (who receives it; [] for nobody outside the controller)',
        purpose.retentionDays === undefined && 'retentionDays (how long it is kept)',
      ].filter(Boolean);
      if (lacks.length > 0)
        add(
          'CONSENT_PURPOSE_NOTICE_INCOMPLETE',
          at,
          `Consent purpose "${purpose.key}" lacks ${lacks.join(', ')}`,
        );
    }
    if (purpose.ttlDays !== undefined && purpose.ttlDays > MAX_CONSENT_TTL_DAYS) {
      add(
        'CONSENT_TTL_TOO_LONG',
        `${at}.ttlDays`,
        `Purpose "${purpose.key}": ttlDays may be at most ${MAX_CONSENT_TTL_DAYS} (about 24 months)`,
      );
    }
    for (const [j, channel] of (purpose.channels ?? []).entries()) {
      if (!(channels as readonly string[]).includes(channel)) {
        add(
          'UNKNOWN_CHANNEL',
          `${at}.channels.${j}`,
          `Unknown channel "${channel.slice(0, 40)}"; use one of ${channels.join(', ')}`,
        );
      }
    }
    if (purpose.required && purpose.channels?.length) {
      add(
        'REQUIRED_COMMUNICATION_PURPOSE',
        `${at}.required`,
        `Communication purpose "${purpose.key}" cannot be required`,
      );
    }
    for (const locale of config.locales) {
      const text = purpose.text[locale];
      if (!text || !text.name.trim()) {
        add(
          'MISSING_TRANSLATION',
          `${at}.text.${locale}`,
          `Purpose "${purpose.key}" has no name in locale "${locale}"`,
        );
        continue;
      }
      // GDPR-03, Art. 13(1)(d): the interest pursued is named where the person may object.
      if (
        (purpose.legalBasis === 'legitimate_interest' || purpose.legalBasis === 'public_task') &&
        !text.interest?.trim()
      ) {
        add(
          'INTEREST_NOT_DESCRIBED',
          `${at}.text.${locale}.interest`,
          `Purpose "${purpose.key}" on ${purpose.legalBasis.replace('_', ' ')} does not describe its interest in locale "${locale}"`,
        );
      }
      // GDPR-10: consent is informed only if each purpose is described.
      if (purpose.legalBasis === 'consent' && !text.description?.trim()) {
        add(
          'CONSENT_PURPOSE_WITHOUT_DESCRIPTION',
          `${at}.text.${locale}.description`,
          `Consent purpose "${purpose.key}" has no description in locale "${locale}"`,
        );
      }
    }
  });
  return found;
}
