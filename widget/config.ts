// The tenant configuration the server inlines into widget.js (CONTRACT §4: no second request
// before the banner shows). Only what the banner needs: website purposes, never channel ones.

export type LocalizedText = Record<string, { name: string; description: string }>;

export interface WidgetPurpose {
  key: string;
  /** Strictly necessary: shown as always on, never asked (EP-02). */
  required: boolean;
  /** Marketing purposes stay denied under Global Privacy Control (GPC-04). */
  marketing: boolean;
  /** Google Consent Mode v2 types this purpose grants (GCM-05). */
  googleConsentMode: string[];
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
