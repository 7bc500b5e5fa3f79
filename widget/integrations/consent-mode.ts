// Google Consent Mode v2: tells Google tags what the person chose. The default is sent when the
// widget runs (GCM-01), an update after each choice and on each load of a returning visitor
// (GCM-05). Every call carries all seven types (GCM-02).

import type { WidgetPurpose } from '../config';

export type ConsentModeValue = 'granted' | 'denied';
export type ConsentModeState = Record<string, ConsentModeValue | number>;

const CONSENT_TYPES = [
  'ad_storage',
  'ad_user_data',
  'ad_personalization',
  'analytics_storage',
  'functionality_storage',
  'personalization_storage',
];

export function usesConsentMode(purposes: WidgetPurpose[]): boolean {
  return purposes.some((p) => p.googleConsentMode?.length);
}

/**
 * A type is granted when any purpose that maps to it is granted; types no purpose maps to stay
 * denied. security_storage is strictly necessary and always granted.
 */
export function consentModeState(
  purposes: WidgetPurpose[],
  consent: Record<string, boolean>,
): ConsentModeState {
  const state: ConsentModeState = {};
  for (const type of CONSENT_TYPES) state[type] = 'denied';
  for (const p of purposes) {
    if (!consent[p.key]) continue;
    for (const type of p.googleConsentMode ?? []) if (type in state) state[type] = 'granted';
  }
  state.security_storage = 'granted';
  return state;
}

/** The default before any choice: everything denied, waiting for this async widget (GCM-03). */
export function defaultConsentModeState(purposes: WidgetPurpose[]): ConsentModeState {
  return { ...consentModeState(purposes, {}), wait_for_update: 500 };
}

type Gtag = (...args: unknown[]) => void;
type GtagWindow = { dataLayer?: unknown[]; gtag?: Gtag };

/**
 * The site's own gtag, or Google's snippet: it must push the `arguments` object itself, not an
 * array, or Consent Mode silently ignores it (GCM-06).
 */
export function ensureGtag(win: GtagWindow): Gtag {
  const dataLayer = (win.dataLayer = win.dataLayer ?? []);
  if (typeof win.gtag !== 'function') {
    win.gtag = function gtag() {
      // eslint-disable-next-line prefer-rest-params
      dataLayer.push(arguments);
    };
  }
  return win.gtag;
}

/** Whether a Consent Mode default is queued already (the inline stub, docs/consent-mode.md). */
export function hasConsentDefault(win: GtagWindow): boolean {
  return (win.dataLayer ?? []).some(
    (entry) =>
      (entry as ArrayLike<unknown> | null)?.[0] === 'consent' &&
      (entry as ArrayLike<unknown>)[1] === 'default',
  );
}
