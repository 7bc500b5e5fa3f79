// Access and portability (Art. 15 and 20: GDPR-30, GDPR-37): the export holds the
// person's identities, profile, consents with history, records, requests and the
// Art. 15 information, nothing of anyone else, in versioned JSON and in safe CSV.
import { parse } from 'csv-parse/sync';
import { describe, expect } from 'vitest';
import { exportSubject, type SubjectExport } from '../../server/services/rights/access-export.js';
import { SUBJECT_EXPORT_FORMAT } from '../../server/services/rights/export-document.js';
import { neutraliseCell } from '../../server/services/rights/export-csv.js';
import { createRequest } from '../../server/services/rights/requests.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';
import { seedSubject } from '../helpers/subject-fixtures.js';

describe('CSV cells that a spreadsheet would run are neutralised', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['\uFF1DSUM(1)', "'\uFF1DSUM(1)"],
    ['+31 6', "'+31 6"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['plain', 'plain'],
    [null, ''],
    [{ a: 1 }, '{"a":1}'],
  ])('%j -> %j', (input, expected) => expect(neutraliseCell(input)).toBe(expected));
});

describe.each(dialects)('exportSubject on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let subjectId: string;
  let otherId: string;
  it.override({ dialect });
  it.beforeEach(async ({ app, tenant: made }) => {
    t = app;
    tenant = made;
    subjectId = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'crm-export-1',
      email: 'ann@example.org',
      phone: '+31 6 1111 2222',
      visitorId: 'v_ann',
      attributes: { city: 'Utrecht', note: '=HYPERLINK("http://evil.example")' },
      records: {
        orders: [
          { item: 'Tent', total: 199 },
          { item: '+cmd|calc', total: 5 },
        ],
        newsletter_signups: [{ list: 'weekly', prefs: { frequency: 'monthly' } }],
      },
      consents: { analytics: true, newsletter: { email: true } },
      userAgent: 'AnnBrowser/1.0',
    });
    otherId = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'crm-export-2',
      email: 'bob@example.org',
      attributes: { city: 'Zwolle' },
      records: { orders: [{ item: 'Bob-only-canoe' }] },
      consents: { analytics: false },
      userAgent: 'BobBrowser/2.0',
    });
    await createRequest(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      type: 'access',
      scope: {},
      origin: 'api',
      actor: 'key_x',
    });
    await createRequest(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId: otherId,
      type: 'erasure',
      scope: { all: true },
      origin: 'api',
      actor: 'key_x',
    });
  });

  it('GDPR-30: the JSON export is versioned and holds identities, profile, consents with history, records and requests', async () => {
    const file = await exportSubject(t.ctx, tenant.tenantId, subjectId, 'json');
    expect(file.contentType).toMatch(/^application\/json/);
    const doc = JSON.parse(file.body) as SubjectExport;
    expect(doc.format).toBe(SUBJECT_EXPORT_FORMAT);
    expect(doc.processing).toBe(true);
    expect(doc.subject).toMatchObject({
      id: subjectId,
      externalId: 'crm-export-1',
      email: 'ann@example.org',
      phone: '+31611112222',
      linkedBrowsers: 1,
      attributes: { city: 'Utrecht' },
      restriction: { restricted: false },
      objection: { objectedAt: null },
    });
    expect(doc.consent.state).toMatchObject({
      necessary: 'granted',
      analytics: 'granted',
      newsletter: { email: 'granted' },
    });
    expect(doc.consent.history.map((h) => [h.purpose, h.channel, h.status])).toEqual(
      expect.arrayContaining([
        ['analytics', null, 'granted'],
        ['newsletter', 'email', 'granted'],
      ]),
    );
    expect(doc.consent.history[0]).toMatchObject({ source: 'api', userAgent: 'AnnBrowser/1.0' });
    expect(doc.records.orders.map((r) => r.data)).toEqual([
      { item: 'Tent', total: 199 },
      { item: '+cmd|calc', total: 5 },
    ]);
    expect(doc.records.newsletter_signups).toHaveLength(1);
    expect(doc.requests.map((r) => r.type)).toEqual(['access']);
  });

  it('GDPR-30: the export says what Art. 15 lists: purposes with legal basis, recipients, retention, rights, the AP, the source', async () => {
    const doc = JSON.parse(
      (await exportSubject(t.ctx, tenant.tenantId, subjectId, 'json', { locale: 'nl' })).body,
    ) as SubjectExport;
    const info = doc.information;
    expect(info.controller).toMatchObject({
      name: 'Demowinkel BV',
      contact: 'privacy@demowinkel.example',
    });
    expect(info.purposes.map((p) => [p.key, p.legalBasis])).toEqual([
      ['necessary', 'legitimate_interest'],
      ['analytics', 'consent'],
      ['ads', 'consent'],
      ['newsletter', 'consent'],
    ]);
    expect(info.purposes[1].name).toBe('Statistieken');
    expect(info.retention).toMatchObject({ consentDays: 365, inactiveSubjectDays: 730 });
    expect(Object.keys(info.rights)).toEqual([
      'access',
      'rectification',
      'erasure',
      'restriction',
      'portability',
      'objection',
      'withdrawConsent',
      'complaint',
    ]);
    expect(info.supervisoryAuthority).toEqual({
      name: 'Autoriteit Persoonsgegevens',
      url: 'https://autoriteitpersoonsgegevens.nl',
    });
    expect(info.sources.map((s) => s.source)).toEqual(['api']);
    expect(Array.isArray(info.recipients)).toBe(true);
  });

  it('GDPR-30 (Art. 15(4)): neither export holds anything of another person', async () => {
    for (const format of ['json', 'csv'] as const) {
      const body = (await exportSubject(t.ctx, tenant.tenantId, subjectId, format)).body;
      for (const foreign of [
        otherId,
        'bob@example.org',
        'crm-export-2',
        'Zwolle',
        'Bob-only-canoe',
        'BobBrowser',
      ])
        expect(body).not.toContain(foreign);
    }
  });

  it('GDPR-37: the CSV is one table with the same data, and formula-like cells start with a quote', async () => {
    const file = await exportSubject(t.ctx, tenant.tenantId, subjectId, 'csv');
    expect(file.contentType).toMatch(/^text\/csv/);
    const rows = parse(file.body, { columns: true }) as Array<{
      section: string;
      item: string;
      time: string;
      field: string;
      value: string;
    }>;
    const find = (section: string, field: string) =>
      rows.filter((r) => r.section === section && r.field === field).map((r) => r.value);
    expect(find('export', 'format')).toEqual([SUBJECT_EXPORT_FORMAT]);
    expect(find('subject', 'email')).toEqual(['ann@example.org']);
    expect(find('subject', 'phone')).toEqual(["'+31611112222"]);
    expect(find('subject', 'attributes.note')).toEqual([`'=HYPERLINK("http://evil.example")`]);
    expect(find('records.orders', 'item')).toEqual(['Tent', "'+cmd|calc"]);
    expect(find('records.orders', 'total')).toEqual(['199', '5']);
    expect(find('records.newsletter_signups', 'prefs.frequency')).toEqual(['monthly']);
    expect(rows.filter((r) => r.section === 'consent_history').length).toBeGreaterThan(0);
    expect(find('information', 'name')).toContain('Autoriteit Persoonsgegevens');
    // No cell anywhere could start a formula.
    expect(rows.every((r) => Object.values(r).every((cell) => !/^[=+\-@]/.test(cell)))).toBe(true);
  });

  it("an erased or another tenant's subject has no export (404)", async () => {
    const other = await createTestTenant(t);
    await expect(exportSubject(t.ctx, other.tenantId, subjectId, 'json')).rejects.toMatchObject({
      status: 404,
    });
  });
});
