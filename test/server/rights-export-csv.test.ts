// The Art. 20 CSV is written by hand (export-csv.ts) for speed; these tests hold it to
// the bytes csv-stringify wrote before, and to the rows the JSON export implies.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect } from 'vitest';
import { exportSubject, type SubjectExport } from '../../server/services/rights/access-export.js';
import { csvField } from '../../server/services/rights/export-csv.js';
import { type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';
import { dialects } from '../helpers/db.js';
import { seedSubject } from '../helpers/subject-fixtures.js';

const tricky = [
  'plain',
  '',
  ' ',
  'a,b',
  'say "hi"',
  '"',
  '""',
  ',',
  'line\nbreak',
  'cr\ronly',
  'crlf\r\nend',
  'trailing\n',
  '=1+1',
  '+31 6',
  '-5',
  '@SUM(A1)',
  '\tx',
  '\uFF1Dx',
  "'already",
  '=a,"b"\nc',
  'Ünïcödé 😀 ✓',
  '日本語,"引用"',
  '\u2028sep',
];

describe('csvField quotes as csv-stringify does by default (RFC 4180)', () => {
  it.each(tricky.map((value) => [value]))('%j', (value) => {
    expect(`${csvField(value)}\n`).toBe(stringify([[value]]));
  });

  it('a whole table of tricky cells is byte for byte the same', () => {
    const rows = tricky.map((value, i) => [
      value,
      tricky[(i + 1) % tricky.length],
      '',
      value.toUpperCase(),
      `${value}${value}`,
    ]);
    expect(rows.map((row) => `${row.map(csvField).join(',')}\n`).join('')).toBe(stringify(rows));
  });
});

/** Each leaf of a record by its dotted path, arrays as JSON, as server/services/rights/export-csv.ts writes them. */
function leaves(value: unknown, path = ''): Array<[string, unknown]> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, inner]) =>
      leaves(inner, path === '' ? key : `${path}.${key}`),
    );
  }
  return [[path === '' ? 'value' : path, value]];
}

const asCell = (value: unknown): string => {
  const text = value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(text) ? `'${text}` : text;
};

describe.each(dialects)('the CSV export on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let subjectId: string;
  it.override({ dialect });
  it.beforeEach(async ({ app, tenant: made }) => {
    t = app;
    tenant = made;
    subjectId = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: '=crm,"1"',
      email: 'ann@example.org',
      phone: '+31 6 1111 2222',
      attributes: Object.fromEntries(tricky.map((value, i) => [`k${i}${value}`, value])),
      records: {
        orders: tricky.map((value, i) => ({
          item: value,
          total: i - 3,
          price: 9.95 + i,
          paid: i % 2 === 0,
          note: null,
          tags: [value, i],
          shipTo: { city: value, nested: { deeper: `${value}!` } },
          [value || 'empty']: 'key from data',
          2: 'numeric key',
          empty: {},
        })),
        'odd,"set"\n': [{ a: 1 }],
        '=formula-set': ['a bare string', 5, null, [1, '=2']],
      },
      consents: { analytics: true, newsletter: { email: true } },
      userAgent: 'Browser "x", y',
    });
  });

  it('is what csv-stringify writes for the same cells', async () => {
    const body = (await exportSubject(t.ctx, tenant.tenantId, subjectId, 'csv')).body;
    const table = parse(body) as string[][];
    expect(table[0]).toEqual(['section', 'item', 'time', 'field', 'value']);
    expect(table.every((row) => row.length === 5)).toBe(true);
    expect(stringify(table)).toBe(body);
  });

  it("has one row per leaf of every record, in the JSON export's order, formula-like cells neutralised", async () => {
    const doc = JSON.parse(
      (await exportSubject(t.ctx, tenant.tenantId, subjectId, 'json')).body,
    ) as SubjectExport;
    const table = parse((await exportSubject(t.ctx, tenant.tenantId, subjectId, 'csv')).body, {
      columns: true,
    }) as Array<Record<string, string>>;
    const expected = Object.entries(doc.records).flatMap(([dataset, records]) =>
      records.flatMap((record) =>
        leaves(record.data).map(([field, value]) => ({
          section: `records.${asCell(dataset)}`,
          item: record.id,
          time: record.createdAt,
          field: asCell(field),
          value: asCell(value),
        })),
      ),
    );
    expect(expected.length).toBeGreaterThan(tricky.length * 10);
    expect(
      table.filter(
        (row) => row.section.startsWith('records.') || row.section.startsWith("'records."),
      ),
    ).toEqual(expected);
  });
});
