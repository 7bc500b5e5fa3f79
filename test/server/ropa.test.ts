// The Art. 30 register (GDPR-51, GET /v1/ropa) in JSON, CSV and
// Markdown, built from the published config and the tenant's own register fields.
import { parse } from 'csv-parse/sync';
import { describe, expect } from 'vitest';
import { demoConfig } from '../../server/services/config/demo.js';
import { dialects } from '../helpers/db.js';
import { ADMIN_TOKEN, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';

const settings = {
  ropa: {
    controller: {
      name: 'Shop BV',
      contact: 'privacy@shop.example',
      address: 'Kerkstraat 1, 1011 AA Amsterdam',
    },
    dpo: { name: 'P. de Vries', contact: 'dpo@shop.example' },
    representative: { name: 'EU Rep BV', contact: 'rep@eurep.example' },
    dataSubjectCategories: ['customers', 'newsletter subscribers'],
    dataSubjectsByPurpose: { newsletter: ['customers', 'newsletter subscribers'] },
    recipients: [
      {
        name: 'Mailer Inc.',
        category: 'e-mail service provider',
        country: 'US',
        purposes: ['newsletter'],
      },
    ],
    transfers: [
      {
        recipient: 'Mailer Inc.',
        country: 'US',
        safeguard: 'standard_contractual_clauses',
        details: 'SCC module 2 of 2021',
        purposes: ['newsletter'],
      },
    ],
    securityMeasures: ['Access to customer data is limited to the support team and logged.'],
  },
};

describe.each(dialects)('GDPR-51 register of processing on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  it.override({ dialect });
  it.beforeEach(({ app, tenant: made }) => {
    t = app;
    tenant = made;
  });

  const ropa = (format: string, token = tenant.secretKey) =>
    t.call('GET', `/v1/ropa?format=${format}`, { token });

  it('GDPR-51: JSON names the controller, DPO, representative, every purpose with its legal basis, recipients, transfers with safeguards, erasure limits and TOMs', async () => {
    expect(
      (await t.call('PUT', '/v1/tenant/settings', { token: tenant.secretKey, body: settings }))
        .status,
    ).toBe(200);
    const res = await ropa('json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc).toMatchObject({
      format: 'akkoord-ropa',
      version: 1,
      tenant: { id: tenant.tenantId },
      configVersion: 1,
      role: 'controller',
      controller: {
        name: 'Shop BV',
        contact: 'privacy@shop.example',
        address: 'Kerkstraat 1, 1011 AA Amsterdam',
      },
      dpo: { name: 'P. de Vries', contact: 'dpo@shop.example' },
      representative: { name: 'EU Rep BV' },
      transfers: [
        { recipient: 'Mailer Inc.', country: 'US', safeguard: 'standard_contractual_clauses' },
      ],
      securityMeasures: settings.ropa.securityMeasures,
      retention: { consentTtlDays: 365, inactiveSubjectDays: 730 },
    });
    expect(doc.platformMeasures.length).toBeGreaterThan(0);
    expect(doc.activities.map((a: { purpose: string }) => a.purpose)).toEqual([
      'necessary',
      'analytics',
      'ads',
      'newsletter',
    ]);
    const newsletter = doc.activities.find((a: { purpose: string }) => a.purpose === 'newsletter');
    expect(newsletter).toMatchObject({
      name: 'Nieuwsbrief',
      legalBasisArticle: 'Art. 6(1)(a) consent',
      channels: ['email', 'sms'],
      dataSubjectCategories: ['customers', 'newsletter subscribers'],
      recipients: ['Mailer Inc. (e-mail service provider)'],
      thirdCountryTransfers: ['Mailer Inc., US: Standard contractual clauses (Art. 46(2)(c))'],
    });
    expect(newsletter.dataCategories).toContain('e-mail address');
    expect(newsletter.erasureTimeLimit).toContain('365 days');
    expect(doc.activities[0].legalBasisArticle).toBe('Art. 6(1)(f) legitimate interests');
  });

  it('GDPR-51: a config change shows in all three formats', async () => {
    const before = {
      json: await (await ropa('json')).json(),
      csv: await (await ropa('csv')).text(),
      md: await (await ropa('md')).text(),
    };
    expect(before.csv).not.toContain('loyalty');
    const config = demoConfig('https://shop.example');
    config.purposes.push({
      key: 'loyalty',
      legalBasis: 'contract',
      recipients: ['Points Partner BV'],
      retentionDays: 400,
      dataCategories: ['purchase history'],
      text: {
        nl: { name: 'Spaarprogramma', description: 'Punten sparen bij aankopen.' },
        en: { name: 'Loyalty scheme', description: 'Points for purchases.' },
      },
    });
    config.consentTtlDays = 180;
    expect(
      (await t.call('PUT', '/v1/config', { token: tenant.secretKey, body: config })).status,
    ).toBe(201);

    const doc = await (await ropa('json')).json();
    expect(doc.configVersion).toBe(2);
    expect(doc.activities.find((a: { purpose: string }) => a.purpose === 'loyalty')).toMatchObject({
      legalBasisArticle: 'Art. 6(1)(b) contract',
      recipients: ['Points Partner BV'],
      dataCategories: ['purchase history'],
    });
    expect(doc.retention.consentTtlDays).toBe(180);

    const csvRes = await ropa('csv');
    expect(csvRes.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parse(await csvRes.text(), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.purpose)).toEqual([
      'necessary',
      'analytics',
      'ads',
      'newsletter',
      'loyalty',
    ]);
    const loyalty = rows.find((r) => r.purpose === 'loyalty')!;
    expect(loyalty).toMatchObject({
      name: 'Spaarprogramma',
      legal_basis: 'Art. 6(1)(b) contract',
      recipients: 'Points Partner BV',
      config_version: '2',
    });
    expect(loyalty.erasure_time_limit).toContain('400 days');
    expect(rows.find((r) => r.purpose === 'analytics')!.erasure_time_limit).toContain('180 days');

    const mdRes = await ropa('md');
    expect(mdRes.headers.get('content-type')).toMatch(/^text\/markdown/);
    const md = await mdRes.text();
    expect(md).toContain('### Spaarprogramma (`loyalty`)');
    expect(md).toContain('| Legal basis | Art. 6(1)(b) contract |');
    expect(md).toContain('Consent is valid for 180 days');
    expect(md).toContain('configuration version 2');
    expect(md).not.toBe(before.md);
  });

  it('GDPR-51: the Markdown reads as a document: title, sections, one table per activity, nothing undefined', async () => {
    await t.call('PUT', '/v1/tenant/settings', { token: tenant.secretKey, body: settings });
    const md = await (await ropa('md')).text();
    expect(md.startsWith('# Register of processing activities\n')).toBe(true);
    for (const heading of [
      '## Controller',
      '## Processing activities',
      '## Transfers to third countries and safeguards',
      '## Retention rules',
      '## Technical and organisational security measures (Art. 32)',
    ]) {
      expect(md).toContain(`\n${heading}\n`);
    }
    expect(md.match(/^### /gm)).toHaveLength(4);
    expect(md).toContain('- Data protection officer: P. de Vries (dpo@shop.example)');
    expect(md).toContain(
      '- Mailer Inc., US: Standard contractual clauses (Art. 46(2)(c)). SCC module 2 of 2021',
    );
    expect(md).not.toMatch(/undefined|null|\[object/);
  });

  it('treats configured text as text in Markdown (no markup, no broken tables)', async () => {
    const config = demoConfig('https://shop.example');
    config.purposes[1].text.nl = {
      name: 'Stats | <script>alert(1)</script>',
      description: 'line one\nline two',
    };
    await t.call('PUT', '/v1/config', { token: tenant.secretKey, body: config });
    const md = await (await ropa('md')).text();
    expect(md).not.toContain('<script>');
    expect(md).toContain('Stats \\| \\<script\\>');
    expect(md).toContain('line one line two');
  });

  it('neutralises CSV cells a spreadsheet would run as a formula', async () => {
    const config = demoConfig('https://shop.example');
    config.purposes[1].text.nl = {
      name: '=HYPERLINK("https://evil.example")',
      description: '@SUM(A1)',
    };
    await t.call('PUT', '/v1/config', { token: tenant.secretKey, body: config });
    const rows = parse(await (await ropa('csv')).text(), { columns: true }) as Record<
      string,
      string
    >[];
    const analytics = rows.find((r) => r.purpose === 'analytics')!;
    expect(analytics.name).toBe('\'=HYPERLINK("https://evil.example")');
    expect(analytics.description).toBe("'@SUM(A1)");
  });

  it('the processor variant (Art. 30(2)) lists the controllers it works for', async () => {
    await t.call('PUT', '/v1/tenant/settings', {
      token: tenant.secretKey,
      body: {
        ropa: {
          role: 'processor',
          processingFor: [{ name: 'Client BV', contact: 'legal@client.example' }],
        },
      },
    });
    const doc = await (await ropa('json')).json();
    expect(doc.role).toBe('processor');
    expect(doc.processingFor).toEqual([{ name: 'Client BV', contact: 'legal@client.example' }]);
    expect(await (await ropa('md')).text()).toContain(
      '- Processing on behalf of: Client BV (legal@client.example)',
    );
  });

  it('validates the settings (400 with the path) and keeps other tenant settings', async () => {
    const bad = await t.call('PUT', '/v1/tenant/settings', {
      token: tenant.secretKey,
      body: { ropa: { transfers: [{ recipient: 'X', country: 'usa', safeguard: 'trust_me' }] } },
    });
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['ropa.transfers.0.country', 'ropa.transfers.0.safeguard']),
    );
    await t.ctx.db
      .updateTable('tenants')
      .set({ settings: JSON.stringify({ demo: true }) })
      .where('id', '=', tenant.tenantId)
      .execute();
    await t.call('PUT', '/v1/tenant/settings', { token: tenant.secretKey, body: settings });
    const row = await t.ctx.db
      .selectFrom('tenants')
      .select('settings')
      .where('id', '=', tenant.tenantId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.settings)).toMatchObject({
      demo: true,
      ropa: { dpo: { name: 'P. de Vries' } },
    });
    const read = await (
      await t.call('GET', '/v1/tenant/settings', { token: tenant.secretKey })
    ).json();
    expect(read.ropa.dpo.name).toBe('P. de Vries');
  });

  it('answers 400 for an unknown format, 403 without admin or audit:read, 409 before a config is published', async () => {
    expect((await ropa('pdf')).status).toBe(400);
    const feed = await (
      await t.call('POST', '/v1/keys', { token: tenant.secretKey, body: { scopes: ['feed:read'] } })
    ).json();
    expect((await ropa('json', feed.secretKey)).status).toBe(403);
    const auditor = await (
      await t.call('POST', '/v1/keys', {
        token: tenant.secretKey,
        body: { scopes: ['audit:read'] },
      })
    ).json();
    expect((await ropa('md', auditor.secretKey)).status).toBe(200);
    expect(
      (await t.call('PUT', '/v1/tenant/settings', { token: auditor.secretKey, body: settings }))
        .status,
    ).toBe(403);
    const bare = await (
      await t.call('POST', '/v1/admin/tenants', { token: ADMIN_TOKEN, body: { name: 'Empty' } })
    ).json();
    const none = await ropa('json', bare.secretKey);
    expect(none.status).toBe(409);
    expect((await none.json()).error.code).toBe('NO_CONFIG');
  });
});
