// Global Privacy Control. Under the GDPR a signal can only ever deny (GPC-04): it keeps the
// marketing purposes off until the person turns one on in the settings dialog themselves.

import type { WidgetPurpose } from '../config';

const AD_SIGNALS = ['ad_storage', 'ad_user_data', 'ad_personalization'];

/** Only `true` counts; `false` or absent means no preference, never consent (GPC-02). */
export function readGpc(nav: Navigator): boolean {
  return (nav as Navigator & { globalPrivacyControl?: unknown }).globalPrivacyControl === true;
}

/** Marketing purposes: flagged so, or carrying ad Consent Mode signals. */
export function isMarketingPurpose(purpose: {
  marketing?: boolean;
  googleConsentMode?: string[];
}): boolean {
  return (
    purpose.marketing === true ||
    (purpose.googleConsentMode ?? []).some((t) => AD_SIGNALS.includes(t))
  );
}

export function marketingPurposes(purposes: WidgetPurpose[]): WidgetPurpose[] {
  return purposes.filter((p) => !p.required && p.marketing);
}
