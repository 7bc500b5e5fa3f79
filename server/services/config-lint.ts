// The compliance lint: a configuration that would make a non-compliant banner is
// refused with the rule it breaks (CONTRACT.md §3). Each rule names its source.
import { channels, purposeKeyPattern, type TenantConfig } from '../../shared/schemas/config.js';

export interface LintViolation {
  rule: string;
  path: string;
  message: string;
}

const storageTypeSignals = ['ad_storage', 'ad_user_data', 'ad_personalization', 'analytics_storage', 'functionality_storage', 'personalization_storage'];

export function lintConfig(config: TenantConfig): LintViolation[] {
  const found: LintViolation[] = [];
  const add = (rule: string, path: string, message: string) => found.push({ rule, path, message });

  if (!config.locales.includes(config.defaultLocale)) {
    add('DEFAULT_LOCALE_NOT_LISTED', 'defaultLocale', `defaultLocale "${config.defaultLocale}" is not in locales`);
  }
  for (const locale of config.locales) {
    // GDPR-10, Art. 13: the privacy notice is one click away on every layer, in every language.
    if (!config.privacyNoticeUrl[locale]) {
      add('MISSING_TRANSLATION', `privacyNoticeUrl.${locale}`, `No privacy-notice URL for locale "${locale}"`);
    }
  }

  const seen = new Set<string>();
  config.purposes.forEach((purpose, i) => {
    const at = `purposes.${i}`;
    if (!purposeKeyPattern.test(purpose.key)) {
      add('BAD_PURPOSE_KEY', `${at}.key`, `Purpose key "${purpose.key.slice(0, 50)}" must match [a-z][a-z0-9_]{0,39}`);
    }
    if (seen.has(purpose.key)) add('DUPLICATE_PURPOSE', `${at}.key`, `Purpose "${purpose.key}" is listed twice`);
    seen.add(purpose.key);

    // GDPR-50, Art. 25(2), Recital 32: nothing optional may be pre-ticked.
    if (!purpose.required && purpose.default === true) {
      add('OPTIONAL_PURPOSE_ON_BY_DEFAULT', `${at}.default`, `Optional purpose "${purpose.key}" may not be on by default`);
    }
    // GDPR-08, Art. 7(4): a consent that cannot be refused is a cookie wall.
    if (purpose.required && purpose.legalBasis === 'consent') {
      add('REQUIRED_CONSENT_PURPOSE', `${at}.required`, `Purpose "${purpose.key}" rests on consent, so it cannot be required`);
    }
    // EP-03 (EDPB CBTF ¶24): legitimate interest never covers storage on the device.
    if (purpose.legalBasis === 'legitimate_interest' && (purpose.googleConsentMode ?? []).some((t) => storageTypeSignals.includes(t))) {
      add('LEGITIMATE_INTEREST_STORAGE', `${at}.googleConsentMode`, `Purpose "${purpose.key}" on legitimate interest may not map to a storage Consent Mode signal`);
    }
    for (const [j, channel] of (purpose.channels ?? []).entries()) {
      if (!(channels as readonly string[]).includes(channel)) {
        add('UNKNOWN_CHANNEL', `${at}.channels.${j}`, `Unknown channel "${channel.slice(0, 40)}"; use one of ${channels.join(', ')}`);
      }
    }
    if (purpose.required && purpose.channels?.length) {
      add('REQUIRED_COMMUNICATION_PURPOSE', `${at}.required`, `Communication purpose "${purpose.key}" cannot be required`);
    }
    for (const locale of config.locales) {
      const text = purpose.text[locale];
      if (!text || !text.name.trim()) {
        add('MISSING_TRANSLATION', `${at}.text.${locale}`, `Purpose "${purpose.key}" has no name in locale "${locale}"`);
        continue;
      }
      // GDPR-10: consent is informed only if each purpose is described.
      if (purpose.legalBasis === 'consent' && !text.description?.trim()) {
        add('CONSENT_PURPOSE_WITHOUT_DESCRIPTION', `${at}.text.${locale}.description`, `Consent purpose "${purpose.key}" has no description in locale "${locale}"`);
      }
    }
  });
  return found;
}
