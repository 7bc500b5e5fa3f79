// A German-only tenant configuration (a shop in Germany or Austria), built from the demo's.
import type { TenantConfig } from '../../shared/schemas/config.js';
import { demoConfig } from '../../server/services/config/demo.js';

const GERMAN: Record<string, { name: string; description: string; interest?: string }> = {
  necessary: {
    name: 'Notwendig',
    description: 'Nötig, damit der Shop funktioniert, etwa Ihr Warenkorb und diese Wahl.',
    interest: 'Ein funktionierender, sicherer Shop.',
  },
  analytics: {
    name: 'Statistik',
    description: 'Messen, wie der Shop genutzt wird, um ihn zu verbessern.',
  },
  ads: {
    name: 'Werbung',
    description: 'Werbung und Videos von Partnern, auf Ihre Interessen abgestimmt.',
  },
  newsletter: { name: 'Newsletter', description: 'Angebote und Neuigkeiten per E-Mail oder SMS.' },
};

export function germanConfig(publicUrl: string, extra: Partial<TenantConfig> = {}): TenantConfig {
  const base = demoConfig(publicUrl);
  return {
    ...base,
    defaultLocale: 'de',
    locales: ['de'],
    privacyNoticeUrl: { de: `${publicUrl}/demo/privacy` },
    purposes: base.purposes.map((p) => ({ ...p, text: { de: GERMAN[p.key] } })),
    ...extra,
  };
}
