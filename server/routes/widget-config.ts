// What the banner is told about a tenant: the published config reduced to the website purposes
// (channel purposes are never on the banner) plus what the widget needs to record.

import { createHash } from 'node:crypto';
import { bannerWords } from '../../shared/i18n/banner.js';
import {
  consentRequiredRegions,
  isCommunicationPurpose,
  isMarketingPurpose,
  isNoticeOnlyPurpose,
  isObjectablePurpose,
} from '../../shared/schemas/config.js';
import type { PublishedConfig } from '../services/config/config.js';
import type { WidgetConfig } from '../../widget/config.js';
import {
  consentModeState,
  defaultConsentModeState,
} from '../../widget/integrations/consent-mode.js';

export function toWidgetConfig(
  published: PublishedConfig,
  tenant: { id: string; publicKey: string },
  apiBase: string,
): WidgetConfig {
  const { config } = published;
  const theme = config.theme ?? {};
  // Contract and legal obligation are nothing to consent to: the notice names them, the banner does not ask.
  const purposes = config.purposes.filter(
    (p) => !isCommunicationPurpose(p) && !isNoticeOnlyPurpose(p),
  );
  // BAN-06: the first layer says that third parties receive data, and which.
  const thirdParties = [
    ...new Set(
      purposes.filter((p) => p.legalBasis === 'consent').flatMap((p) => p.recipients ?? []),
    ),
  ].join(', ');
  const widgetPurposes = bannerPurposes(config, purposes);
  const widget: WidgetConfig = {
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
    cookieName: choiceCookieName(tenant.id),
    words: Object.fromEntries(
      config.locales.map((l) => [
        l,
        bannerWords(l, { floatingLabel: theme.floatingLabel, ...theme.text?.[l], thirdParties }),
      ]),
    ),
    ...themeFields(config),
    ...(config.resyncHours !== undefined &&
      config.resyncHours !== 24 && { resyncHours: config.resyncHours }),
    purposes: widgetPurposes,
  };
  return { ...widget, ...consentModeFields(config, widgetPurposes) };
}

function bannerPurposes(
  config: PublishedConfig['config'],
  purposes: PublishedConfig['config']['purposes'],
): WidgetConfig['purposes'] {
  return purposes.map((p) => ({
    key: p.key,
    // Flags and lists are sent only when set: every byte is downloaded by every visitor.
    ...(p.required && { required: true }),
    ...(isMarketingPurpose(p) && { marketing: true }),
    // On unless the person objects (Art. 21(1)).
    ...(isObjectablePurpose(p) && { objectable: true }),
    ...signalsOf(p),
    text: Object.fromEntries(
      config.locales.map((l) => [
        l,
        {
          name: p.text[l]?.name ?? p.key,
          description: p.text[l]?.description ?? '',
          ...(isObjectablePurpose(p) && { interest: p.text[l]?.interest ?? '' }),
        },
      ]),
    ),
  }));
}

/**
 * Consent Mode per region (GCM-04): the EEA, the UK and Switzerland (and any regions the tenant adds)
 * start denied; elsewhere the tenant may start granted. Only sent when it differs from all-denied.
 */
function consentModeFields(config: PublishedConfig['config'], purposes: WidgetConfig['purposes']) {
  const gcm = config.consentMode;
  const all = Object.fromEntries(purposes.map((p) => [p.key, true]));
  return {
    ...(gcm?.elsewhere === 'granted' && {
      gcmDefaults: [
        {
          ...defaultConsentModeState(purposes),
          region: [...new Set([...consentRequiredRegions, ...(gcm.deniedRegions ?? [])])],
        },
        { ...consentModeState(purposes, all), wait_for_update: 500 },
      ],
    }),
  };
}

/** The theme as the widget applies it: CSS custom properties and flags, only what is set. */
function themeFields(config: PublishedConfig['config']) {
  const { colors = {}, logoUrl, position, floatingLabel, inheritFont } = config.theme ?? {};
  const names = {
    background: '--ak-bg',
    text: '--ak-text',
    buttonBackground: '--ak-btn',
    buttonText: '--ak-btn-text',
    link: '--ak-link',
  } as const;
  const vars = Object.fromEntries(
    Object.entries(colors).map(([k, value]) => [names[k as keyof typeof names], value]),
  );
  return {
    floatingLabel: floatingLabel !== false,
    ...(Object.keys(vars).length > 0 && { colors: vars }),
    ...(logoUrl && { logoUrl }),
    ...(position && position !== 'bar' && { position }),
    ...(inheritFont && { inheritFont }),
    ...(config.reloadOnWithdrawal && { reloadOnWithdrawal: true }),
  };
}

/** The banner's cookie for a tenant: `akkoord_` + the first 8 hex digits of SHA-256(tenant id). */
export function choiceCookieName(tenantId: string): string {
  return `akkoord_${createHash('sha256').update(tenantId).digest('hex').slice(0, 8)}`;
}

/** The purpose's Consent Mode signals; security_storage is always granted by the widget itself (GCM-02). */
function signalsOf(
  p: PublishedConfig['config']['purposes'][number],
): Pick<WidgetConfig['purposes'][number], 'googleConsentMode'> {
  const signals = (p.googleConsentMode ?? []).filter((t) => t !== 'security_storage');
  return signals.length > 0 ? { googleConsentMode: signals } : {};
}
