// The demo tenant a newcomer sees after `npm start` on an empty database: a shop
// page at / with the banner, four purposes, Dutch and English.
import type { TenantConfig } from '../../../shared/schemas/config.js';
import type { AppContext } from '../../context.js';
import { publishConfig } from './config.js';
import { readAllowedOrigins, replaceAllowedOrigins } from '../tenants/tenant-origins.js';
import { createTenant } from '../tenants/tenants.js';

export interface DemoTenant {
  tenantId: string;
  publicKey: string;
  /** Only on the start that created it: secret keys are shown once. */
  secretKey: string | null;
}

export function demoConfig(publicUrl: string): TenantConfig {
  return {
    defaultLocale: 'nl',
    locales: ['nl', 'en'],
    privacyNoticeUrl: { nl: `${publicUrl}/demo/privacy`, en: `${publicUrl}/demo/privacy?lang=en` },
    controller: { name: 'Demowinkel BV', contact: 'privacy@demowinkel.example' },
    consentTtlDays: 365,
    purposes: [
      {
        key: 'necessary',
        required: true,
        legalBasis: 'legitimate_interest',
        text: {
          nl: {
            name: 'Noodzakelijk',
            description: 'Nodig om de winkel te laten werken, zoals je winkelmand en deze keuze.',
            interest: 'Een winkel die werkt en je keuze onthoudt.',
          },
          en: {
            name: 'Necessary',
            description: 'Needed for the shop to work, such as your basket and this choice.',
            interest: 'A shop that works and remembers your choice.',
          },
        },
      },
      {
        key: 'analytics',
        legalBasis: 'consent',
        googleConsentMode: ['analytics_storage'],
        dataCategories: ['pages visited', 'device and browser'],
        recipients: ['Google Ireland Ltd'],
        retentionDays: 425,
        text: {
          nl: {
            name: 'Statistieken',
            description: 'Meten hoe de winkel wordt gebruikt, zodat we hem kunnen verbeteren.',
          },
          en: {
            name: 'Analytics',
            description: 'Measuring how the shop is used, so we can improve it.',
          },
        },
      },
      {
        key: 'ads',
        legalBasis: 'consent',
        googleConsentMode: ['ad_storage', 'ad_user_data', 'ad_personalization'],
        dataCategories: ['pages visited', 'advertising identifiers'],
        recipients: ['Google Ireland Ltd'],
        retentionDays: 395,
        text: {
          nl: {
            name: 'Advertenties',
            description: "Advertenties en video's van partners, afgestemd op je interesses.",
          },
          en: {
            name: 'Advertising',
            description: 'Ads and videos from partners, tailored to your interests.',
          },
        },
      },
      {
        key: 'newsletter',
        legalBasis: 'consent',
        channels: ['email', 'sms'],
        marketing: true,
        recipients: [],
        retentionDays: 365,
        text: {
          nl: { name: 'Nieuwsbrief', description: 'Aanbiedingen en nieuws per e-mail of sms.' },
          en: { name: 'Newsletter', description: 'Offers and news by e-mail or text message.' },
        },
      },
    ],
    retention: { inactiveSubjectDays: 730 },
  };
}

export async function findDemoTenant(ctx: AppContext): Promise<DemoTenant | null> {
  const tenants = await ctx.db
    .selectFrom('tenants')
    .select(['id', 'public_key', 'settings'])
    .execute();
  const demo = tenants.find((t) => (JSON.parse(t.settings) as { demo?: boolean }).demo === true);
  return demo ? { tenantId: demo.id, publicKey: demo.public_key, secretKey: null } : null;
}

/** Creates the demo tenant when the database has no tenant at all. */
export async function ensureDemoTenant(ctx: AppContext): Promise<DemoTenant | null> {
  const any = await ctx.db.selectFrom('tenants').select('id').limit(1).executeTakeFirst();
  if (any) {
    const demo = await findDemoTenant(ctx);
    // A demo made before it allowed both loopback names gets the missing one (audited).
    if (demo) {
      const origins = await readAllowedOrigins(ctx, demo.tenantId);
      const missing = demoOrigins(ctx.config.publicUrl).filter((o) => !origins.includes(o));
      if (missing.length > 0)
        await replaceAllowedOrigins(ctx, demo.tenantId, [...origins, ...missing], 'system');
    }
    return demo;
  }
  const created = await createTenant(
    ctx,
    { name: 'Demowinkel BV', allowedOrigins: demoOrigins(ctx.config.publicUrl) },
    'system',
  );
  await ctx.db
    .updateTable('tenants')
    .set({ settings: JSON.stringify({ demo: true }) })
    .where('id', '=', created.tenant.id)
    .execute();
  await publishConfig(ctx, created.tenant.id, demoConfig(ctx.config.publicUrl), 'system');
  return {
    tenantId: created.tenant.id,
    publicKey: created.publicKey,
    secretKey: created.secretKey,
  };
}

/**
 * The demo page's own origin and, on a loopback address, its twin on the same port: a newcomer
 * opens http://localhost:8080/ as often as http://127.0.0.1:8080/, and both must record.
 */
export function demoOrigins(publicUrl: string): string[] {
  const url = new URL(publicUrl);
  const twin =
    url.hostname === 'localhost' ? '127.0.0.1' : url.hostname === '127.0.0.1' ? 'localhost' : null;
  return twin
    ? [url.origin, `${url.protocol}//${twin}${url.port ? `:${url.port}` : ''}`]
    : [url.origin];
}
