// The tenant configuration the server inlines into widget.js (no second request
// before the banner shows). Only what the banner needs: website purposes, never channel ones.

import type { BannerMessages } from '../shared/i18n/banner';

export type LocalizedText = Record<
  string,
  { name: string; description: string; interest?: string }
>;

export interface WidgetPurpose {
  key: string;
  /** Strictly necessary: shown as always on, never asked (EP-02). */
  required?: boolean;
  /** Marketing purposes stay denied under Global Privacy Control (GPC-04). */
  marketing?: boolean;
  /** Legitimate interest or public task: on until the person objects in the settings dialog (GDPR-40). */
  objectable?: boolean;
  /** Google Consent Mode v2 types this purpose grants (GCM-05). */
  googleConsentMode?: string[];
  text: LocalizedText;
}

export interface WidgetConfig {
  tenantId: string;
  publicKey: string;
  configVersion: number;
  /** Version of the last material change; a different one in the cookie re-prompts (GDPR-12). */
  materialVersion: number;
  /** Base URL of the Akkoord server (PUBLIC_URL), without a trailing slash. */
  apiBase: string;
  defaultLocale: string;
  locales: string[];
  controllerName: string;
  privacyNoticeUrl: Record<string, string>;
  consentTtlDays: number;
  /** `akkoord_` and 8 hex digits of SHA-256(tenant id): per tenant, so tenants on one host keep apart. */
  cookieName: string;
  /** The banner's words for each of the tenant's locales (shared/i18n/banner.ts). */
  words: Record<string, BannerMessages>;
  /** The theme's colours as CSS custom properties (--ak-bg, ...), only those set. */
  colors?: Record<string, string>;
  logoUrl?: string;
  /** bar (default), box (centred) or corner. */
  position?: string;
  /** The floating button shows its label next to the icon (default true). */
  floatingLabel: boolean;
  inheritFont?: boolean;
  /** Reload the page after a withdrawal, so scripts that already ran stop. */
  reloadOnWithdrawal?: boolean;
  /** Hours between re-reads of the person's choice from the server (default 24; 0: every page load). */
  resyncHours?: number;
  /**
   * Consent Mode defaults per region (GCM-04), when the tenant starts granted outside the EEA, the
   * UK and Switzerland: an all-denied default for those regions, a granted one for elsewhere.
   */
  gcmDefaults?: Array<Record<string, string | number | string[]>>;
  purposes: WidgetPurpose[];
}

declare global {
  // Bound by the server's wrapper around the bundle (server/routes/widget.ts); not a global.
  var __akkoordConfig: WidgetConfig | undefined;
}

/** The config the server wrapped around this bundle, if any. */
export function readInlinedConfig(): WidgetConfig | undefined {
  // `typeof` of a free identifier cannot be folded away by the minifier, and does not throw
  // when the bundle is loaded without the server's wrapper.
  return typeof __akkoordConfig === 'undefined' ? undefined : __akkoordConfig;
}
