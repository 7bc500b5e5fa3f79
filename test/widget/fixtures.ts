// A widget config like the server inlines for the demo tenant, built fresh for each test.
import { bannerWords } from '../../shared/i18n/banner';
import type { WidgetConfig, WidgetPurpose } from '../../widget/config';

const text = (name: string) => ({
  nl: { name, description: `${name} (nl)` },
  en: { name, description: `${name} (en)` },
});

export function purposes(): WidgetPurpose[] {
  return [
    {
      key: 'necessary',
      required: true,
      marketing: false,
      googleConsentMode: [],
      text: text('Necessary'),
    },
    {
      key: 'analytics',
      required: false,
      marketing: false,
      googleConsentMode: ['analytics_storage'],
      text: text('Analytics'),
    },
    {
      key: 'ads',
      required: false,
      marketing: true,
      googleConsentMode: ['ad_storage', 'ad_user_data', 'ad_personalization'],
      text: text('Ads'),
    },
  ];
}

export function widgetConfig(overrides: Partial<WidgetConfig> = {}): WidgetConfig {
  return {
    tenantId: 'ten_test',
    publicKey: 'pk_test',
    configVersion: 3,
    materialVersion: 2,
    apiBase: 'https://cmp.example',
    defaultLocale: 'nl',
    locales: ['nl', 'en'],
    controllerName: 'Shop BV',
    privacyNoticeUrl: { nl: 'https://shop.example/privacy' },
    consentTtlDays: 365,
    cookieName: 'akkoord_0a1b2c3d',
    words: { nl: bannerWords('nl'), en: bannerWords('en') },
    floatingLabel: true,
    purposes: purposes(),
    ...overrides,
  };
}
