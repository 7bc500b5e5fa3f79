// Purposes on contract, legal obligation, legitimate interest and public task next to consent:
// what the banner asks, the per-purpose objection (Art. 21(1)) and who may lift it, the Art. 13
// details one click away, GPC as an objection and Consent Mode per region.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toWidgetConfig } from '../../server/routes/widget-config.js';
import { lintConfig } from '../../shared/config/lint.js';
import { demoConfig } from '../../server/services/config/demo.js';
import { exportSubject } from '../../server/services/rights/access-export.js';
import type { TenantConfig } from '../../shared/schemas/config.js';
import { liConfig } from '../helpers/li-config.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';

const ORIGIN = 'https://shop.example';

const rules = (config: TenantConfig) => lintConfig(config).map((v) => v.rule);
const published = (config: TenantConfig) => ({
  version: 1,
  materialVersion: 1,
  publishedAt: '',
  noticeHashes: {},
  config,
});

describe('the configuration lint and the banner config', () => {
  it('GDPR-03: a contract purpose is no consent switch: not on the banner, not in its intro; a legitimate-interest one is, as objectable', () => {
    const widget = toWidgetConfig(
      published(liConfig()),
      { id: 'ten_x', publicKey: 'pk_x' },
      'http://127.0.0.1:8080',
    );
    expect(widget.purposes.map((p) => p.key)).toEqual(['necessary', 'analytics', 'ads', 'fraud']);
    expect(widget.purposes.find((p) => p.key === 'fraud')).toMatchObject({
      objectable: true,
      text: { en: { interest: 'Protecting you and us from fraud.' } },
    });
  });

  it('GDPR-40: the lint refuses an optional legitimate-interest purpose flagged marketing, and one without its interest text', () => {
    const marketing = liConfig();
    marketing.purposes.at(-1)!.marketing = true;
    expect(rules(marketing)).toContain('LEGITIMATE_INTEREST_MARKETING');
    const silent = liConfig();
    delete silent.purposes.at(-1)!.text.en.interest;
    expect(rules(silent)).toContain('INTEREST_NOT_DESCRIBED');
    expect(rules(liConfig())).toEqual([]);
  });

  it('GDPR-10: the lint asks a consent purpose for its data categories, recipients and retention', () => {
    const config = demoConfig(ORIGIN);
    delete config.purposes[1].dataCategories;
    delete config.purposes[1].recipients;
    delete config.purposes[1].retentionDays;
    const found = lintConfig(config).find((v) => v.rule === 'CONSENT_PURPOSE_NOTICE_INCOMPLETE');
    expect(found?.message).toMatch(/dataCategories.*recipients.*retentionDays/);
  });

  it('BAN-06: the first layer says that third parties receive data, naming them', () => {
    const widget = toWidgetConfig(
      published(demoConfig(ORIGIN)),
      { id: 'ten_x', publicKey: 'pk_x' },
      'http://127.0.0.1:8080',
    );
    expect(widget.words.nl.thirdParties).toBe('Derden die gegevens ontvangen: Google Ireland Ltd.');
  });

  it('GCM-04: outside the EEA, UK and CH the tenant may start granted; those regions get an all-denied default by ISO code, never EU', () => {
    const config = {
      ...demoConfig(ORIGIN),
      consentMode: { mode: 'basic' as const, elsewhere: 'granted' as const },
    };
    const widget = toWidgetConfig(
      published(config),
      { id: 'ten_x', publicKey: 'pk_x' },
      'http://127.0.0.1:8080',
    );
    const [regional, elsewhere] = widget.gcmDefaults!;
    expect(regional.region).toEqual(expect.arrayContaining(['NL', 'DE', 'GB', 'CH', 'NO']));
    expect(regional.region).not.toContain('EU');
    expect(regional).toMatchObject({
      analytics_storage: 'denied',
      ad_storage: 'denied',
      security_storage: 'granted',
    });
    expect(elsewhere).toMatchObject({
      analytics_storage: 'granted',
      ad_storage: 'granted',
      wait_for_update: 500,
    });
    expect(elsewhere.region).toBeUndefined();
    expect(
      rules({
        ...config,
        consentMode: { mode: 'basic', elsewhere: 'denied', deniedRegions: ['EU'] },
      }),
    ).toContain('BAD_REGION');
    expect(
      toWidgetConfig(published(demoConfig(ORIGIN)), { id: 'ten_x', publicKey: 'pk_x' }, '')
        .gcmDefaults,
    ).toBeUndefined();
  });

  it('GCM-08: basic mode is the default; advanced mode is opt-in, refused until its ePrivacy risk is accepted', () => {
    expect(
      lintConfig({ ...demoConfig(ORIGIN), consentMode: {} as never }).map((v) => v.rule),
    ).toEqual([]);
    const advanced = {
      ...demoConfig(ORIGIN),
      consentMode: { mode: 'advanced' as const, elsewhere: 'denied' as const },
    };
    expect(rules(advanced)).toContain('CONSENT_MODE_ADVANCED_RISK');
    const accepted = {
      ...advanced,
      consentMode: { ...advanced.consentMode, advancedRiskAccepted: true },
    };
    expect(rules(accepted)).toEqual([]);
  });
});

describe.each(dialects)('objection per purpose on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    tenant = await createTestTenant(t, liConfig());
  });
  afterEach(async () => {
    await t.close();
  });

  const visitor = 'v_0123456789abcdefghijklmn';
  let n = 0;
  const choose = (decisions: Record<string, boolean>, gpc = false) =>
    t.call('POST', '/v1/consents', {
      headers: { origin: ORIGIN },
      body: {
        key: tenant.publicKey,
        visitorId: visitor,
        decisions,
        configVersion: 1,
        locale: 'en',
        gpc,
        clientEventId: `ce_test_${++n}_abcdef`,
      },
    });
  const link = () =>
    t.call('PUT', '/v1/subjects/cust-1', {
      token: tenant.secretKey,
      body: { visitorIds: [visitor] },
    });
  const check = async (purpose: string) =>
    (
      await t.call('GET', `/v1/check?subject=cust-1&purpose=${purpose}`, {
        token: tenant.secretKey,
      })
    ).json();
  const audience = async (purpose: string) =>
    (
      await (
        await t.call('GET', `/v1/audience?purpose=${purpose}`, { token: tenant.secretKey })
      ).text()
    )
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { externalId: string }).externalId);

  it('GDPR-03: a decision for a contract purpose is refused (nothing to consent to), and check allows it without one', async () => {
    const res = await choose({ orders: false });
    expect(res.status).toBe(422);
    expect((await res.json()).error.code).toBe('NOT_A_CONSENT_PURPOSE');
    expect((await choose({ analytics: true })).status).toBe(201);
    await link();
    expect(await check('orders')).toEqual({ allowed: true, reason: 'granted' });
  });

  it('GDPR-40: an objection is recorded per purpose (status objected, source, reason) and honoured by check, audience and feed; only the person lifts it', async () => {
    expect((await choose({ analytics: true })).status).toBe(201);
    await link();
    expect(await check('fraud')).toEqual({ allowed: true, reason: 'granted' });
    expect(await audience('fraud')).toEqual(['cust-1']);

    const objected = await choose({ analytics: true, fraud: false });
    expect((await objected.json()).state.fraud).toBe('objected');
    const event = await t.ctx.db
      .selectFrom('consent_events')
      .select(['status', 'source', 'reason'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('purpose', '=', 'fraud')
      .executeTakeFirstOrThrow();
    expect(event).toEqual({ status: 'objected', source: 'banner', reason: 'objected' });
    expect(await check('fraud')).toEqual({ allowed: false, reason: 'objected' });
    expect(await audience('fraud')).toEqual([]);
    const feed = await t.ctx.db
      .selectFrom('feed_events')
      .select('data')
      .where('tenant_id', '=', tenant.tenantId)
      .where('type', '=', 'consent.updated')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(feed.data).state).toEqual({ fraud: 'objected' });

    // A tool cannot lift it; the person's own banner can.
    const tool = await t.call('POST', '/v1/subjects/cust-1/consents', {
      token: tenant.secretKey,
      body: { decisions: { fraud: true }, source: 'api' },
    });
    expect(tool.status).toBeLessThan(300);
    expect(await check('fraud')).toEqual({ allowed: false, reason: 'objected' });
    await choose({ fraud: true });
    expect(await check('fraud')).toEqual({ allowed: true, reason: 'granted' });
    expect(await audience('fraud')).toEqual(['cust-1']);
  });

  it('BAN-07: the banner\'s "true" for a legitimate-interest purpose records nothing: no consent is asked for it', async () => {
    await choose({ analytics: false, fraud: true });
    const rows = await t.ctx.db
      .selectFrom('consent_events')
      .select('purpose')
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    expect(rows.map((r) => r.purpose)).toEqual(['analytics']);
  });

  it('GDPR-10: the settings dialog gets data, recipients, transfers and retention per banner purpose', async () => {
    const res = await t.call('GET', `/v1/purpose-details?key=${tenant.publicKey}&locale=en`, {
      headers: { origin: ORIGIN },
    });
    expect(res.status).toBe(200);
    const { purposes } = (await res.json()) as { purposes: Record<string, string[]> };
    expect(Object.keys(purposes)).toEqual(['necessary', 'analytics', 'ads', 'fraud']);
    expect(purposes.analytics).toEqual([
      'Legal basis: Art. 6(1)(a) consent',
      'Data: pages visited, device and browser',
      'Recipients (third parties): Google Ireland Ltd',
      'Transfers outside the EEA: none',
      expect.stringMatching(/^Kept: data kept 425 days/),
    ]);
    expect(purposes.fraud[2]).toBe('Recipients (third parties): only Demowinkel BV');
    expect((await t.call('GET', '/v1/purpose-details?key=pk_unknown')).status).toBe(401);
  });

  it('GPC-05 GDPR-43: with gpcAsObjection, a choice sent under Global Privacy Control records an objection to direct marketing, shown in the export', async () => {
    const config = { ...liConfig(), gpcAsObjection: true };
    expect(
      (await t.call('PUT', '/v1/config', { token: tenant.secretKey, body: config })).status,
    ).toBe(201);
    const res = await t.call('POST', '/v1/consents', {
      headers: { origin: ORIGIN },
      body: {
        key: tenant.publicKey,
        visitorId: visitor,
        decisions: { analytics: true, ads: false },
        configVersion: 2,
        gpc: true,
        clientEventId: 'ce_gpc_objection_1',
      },
    });
    expect(res.status).toBe(201);
    await link();
    expect(await check('ads')).toEqual({ allowed: false, reason: 'objected' });
    expect(await check('analytics')).toEqual({ allowed: true, reason: 'granted' });
    const subject = await t.ctx.db
      .selectFrom('subjects')
      .select('id')
      .where('external_id', '=', 'cust-1')
      .executeTakeFirstOrThrow();
    const doc = JSON.parse((await exportSubject(t.ctx, tenant.tenantId, subject.id, 'json')).body);
    expect(doc.subject.objection).toMatchObject({ signal: 'gpc' });
    expect(doc.subject.objection.objectedAt).toBeTruthy();
  });
});
