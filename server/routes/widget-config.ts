// What the banner is told about a tenant: the published config reduced to the website purposes
// (channel purposes are never on the banner, CONTRACT §3) plus what the widget needs to record.

import { isCommunicationPurpose, isMarketingPurpose } from '../../shared/schemas/config.js';
import type { PublishedConfig } from '../services/config.js';
import type { WidgetConfig } from '../../widget/config.js';

export function toWidgetConfig(
  published: PublishedConfig,
  tenant: { id: string; publicKey: string },
  apiBase: string,
): WidgetConfig {
  const { config } = published;
  return {
    tenantId: tenant.id,
    publicKey: tenant.publicKey,
    configVersion: published.version,
    materialVersion: published.materialVersion,
    apiBase,
    defaultLocale: config.defaultLocale,
    locales: config.locales,
    controllerName: config.controller.name,
    privacyNoticeUrl: config.privacyNoticeUrl,
    consentTtlDays: config.consentTtlDays,
    purposes: config.purposes
      .filter((p) => !isCommunicationPurpose(p))
      .map((p) => ({
        key: p.key,
        required: p.required ?? false,
        marketing: isMarketingPurpose(p),
        // security_storage is always granted by the widget itself (GCM-02).
        googleConsentMode: (p.googleConsentMode ?? []).filter((t) => t !== 'security_storage'),
        text: Object.fromEntries(
          config.locales.map((l) => [l, { name: p.text[l]?.name ?? p.key, description: p.text[l]?.description ?? '' }]),
        ),
      })),
  };
}
