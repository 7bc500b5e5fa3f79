// Data kept by law (Art. 17(3)(b), `retention.keptByLaw`): an erasure removes everything else
// but leaves the records a law keeps, says which, on what basis and until when (the answer,
// the preference center, the export), retention deletes them when the term ends, the
// register lists them, and the lint asks for the basis and a bounded term.
import { beforeEach, describe, expect } from 'vitest';
import { lintConfig } from '../../shared/config/lint.js';
import type { TenantConfig } from '../../shared/schemas/config.js';
import { demoConfig } from '../../server/services/config/demo.js';
import { runRetention } from '../../server/services/registers/retention.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, fixedClock, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';
import { capturingMailer, PC_ORIGIN, signIn } from '../helpers/me.js';

const DAY = 86_400_000;
const T0 = '2026-01-10T09:00:00.000Z';
const at = (days: number) => new Date(Date.parse(T0) + days * DAY).toISOString();
const BASIS = 'art. 52 AWR (Dutch tax law): 7 years';
const SEVEN_YEARS = 2557;

const keptConfig = (retention: TenantConfig['retention'] = {}): TenantConfig => ({
  ...demoConfig('https://shop.example'),
  retention: { keptByLaw: { invoices: { days: SEVEN_YEARS, basis: BASIS } }, ...retention },
});

describe('the lint of retention.keptByLaw', () => {
  const rules = (config: TenantConfig) => lintConfig(config).map((v) => `${v.rule} ${v.path}`);

  it('accepts a data set kept by law with its basis and a legal term', () => {
    expect(rules(keptConfig())).toEqual([]);
  });

  it('refuses a data set kept by law without the law it rests on', () => {
    expect(rules(keptConfig({ keptByLaw: { invoices: { days: 365, basis: '  ' } } }))).toEqual([
      'KEPT_BY_LAW_WITHOUT_BASIS retention.keptByLaw.invoices.basis',
    ]);
  });

  it('refuses a term longer than 20 years', () => {
    expect(rules(keptConfig({ keptByLaw: { invoices: { days: 7306, basis: BASIS } } }))).toEqual([
      'KEPT_BY_LAW_TOO_LONG retention.keptByLaw.invoices.days',
    ]);
    expect(rules(keptConfig({ keptByLaw: { invoices: { days: 7305, basis: BASIS } } }))).toEqual(
      [],
    );
  });

  it('refuses a records rule that would delete the data set before the law allows', () => {
    expect(rules(keptConfig({ records: { invoices: 365 } }))).toEqual([
      'KEPT_BY_LAW_CONFLICT retention.records.invoices',
    ]);
    expect(rules(keptConfig({ records: { invoices: SEVEN_YEARS } }))).toEqual([]);
  });
});

describe.each(dialects)('data kept by law on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const clock = fixedClock(T0);
  const mailer = capturingMailer();
  beforeEach(() => clock.set(T0));
  it.override({ dialect, appOptions: { clock, mailer } });
  it.beforeEach(async ({ app }) => {
    t = app;
    tenant = await createTestTenant(t, keptConfig());
  });

  const api = (method: string, path: string, body?: unknown) =>
    t.call(method, path, { token: tenant.secretKey, body });

  /** A customer with an old invoice (its term ended by the time of the erasure), a recent one, and orders. */
  async function customer(externalId = 'crm-7', email = 'klant@example.nl') {
    expect(
      (await api('PUT', `/v1/subjects/${externalId}`, { email, attributes: { city: 'Delft' } }))
        .status,
    ).toBe(201);
    expect(
      (
        await api('POST', `/v1/subjects/${externalId}/records/invoices`, [
          { invoice: 'F-2026-001', total: 99 },
        ])
      ).status,
    ).toBe(201);
    clock.set(at(SEVEN_YEARS - 30));
    expect(
      (
        await api('POST', `/v1/subjects/${externalId}/records/invoices`, [
          { invoice: 'F-2033-114', total: 12 },
        ])
      ).status,
    ).toBe(201);
    expect(
      (await api('POST', `/v1/subjects/${externalId}/records/orders`, [{ order: 'O-1' }])).status,
    ).toBe(201);
    clock.set(at(SEVEN_YEARS + 1));
  }

  const keptRows = () =>
    t.ctx.db
      .selectFrom('kept_records')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .execute();

  it('GDPR-32: erasing everything keeps the invoices still in their legal term, erases the rest and says what is kept, why and until when', async () => {
    await customer();
    const res = await api('POST', '/v1/requests', {
      subject: 'crm-7',
      type: 'erasure',
      scope: { all: true },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      id: string;
      outcome: { kept: unknown[] };
      result: { erased: string; kept: unknown[] };
    };
    const kept = [
      { dataset: 'invoices', records: 1, basis: BASIS, until: at(2 * SEVEN_YEARS - 30) },
    ];
    expect(body.result).toMatchObject({ erased: 'all', kept });
    // The request keeps the answer: the person asking later is told the same.
    expect(body.outcome).toMatchObject({ kept });

    expect(
      await t.ctx.db
        .selectFrom('subjects')
        .select('id')
        .where('tenant_id', '=', tenant.tenantId)
        .execute(),
    ).toEqual([]);
    expect(
      await t.ctx.db
        .selectFrom('records')
        .select('id')
        .where('tenant_id', '=', tenant.tenantId)
        .execute(),
    ).toEqual([]);
    const rows = await keptRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      dataset: 'invoices',
      created_at: at(SEVEN_YEARS - 30),
      keep_until: at(2 * SEVEN_YEARS - 30),
      basis: BASIS,
      request_id: body.id,
    });
    expect(JSON.parse(t.ctx.keyring.decrypt(rows[0].data_enc))).toEqual({
      invoice: 'F-2033-114',
      total: 12,
    });
    // Tied to the erasure's proof, not to a person that no longer exists.
    const tombstone = await t.ctx.db
      .selectFrom('tombstones')
      .select('id')
      .where('tenant_id', '=', tenant.tenantId)
      .executeTakeFirstOrThrow();
    expect(rows[0].tombstone_id).toBe(tombstone.id);
    // The audit entry names the data set and the count, never the data.
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('tenant_id', '=', tenant.tenantId)
      .where('action', '=', 'subject.erased')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toMatchObject({ kept: { invoices: 1 } });
    expect(audit.details).not.toContain('F-2033');
  });

  it('GDPR-32: a partial erasure of a data set kept by law deletes only records past their term and names the rest', async () => {
    await customer();
    const res = await api('POST', '/v1/requests', {
      subject: 'crm-7',
      type: 'erasure',
      scope: { datasets: ['invoices', 'orders'] },
    });
    const body = (await res.json()) as { result: unknown };
    expect(body.result).toMatchObject({
      erased: 'partial',
      datasets: { invoices: 1, orders: 1 },
      kept: [{ dataset: 'invoices', records: 1, basis: BASIS, until: at(2 * SEVEN_YEARS - 30) }],
    });
    const left = await t.ctx.db
      .selectFrom('records')
      .select(['dataset', 'created_at'])
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    expect(left).toEqual([{ dataset: 'invoices', created_at: at(SEVEN_YEARS - 30) }]);
  });

  it('GDPR-32: the preference center shows what is kept by law instead of offering it, and the erasure answer and request say so', async () => {
    await customer();
    const me = await signIn(t, mailer, tenant.tenantId, 'klant@example.nl');
    const view = (await (await me.call('GET', '/v1/me')).json()) as {
      keptByLaw: unknown[];
      records: Record<string, number>;
    };
    expect(view.keptByLaw).toEqual([
      { dataset: 'invoices', basis: BASIS, days: SEVEN_YEARS, until: at(2 * SEVEN_YEARS - 30) },
    ]);

    const erased = await me.call('POST', '/v1/me/erasure', { datasets: ['invoices', 'orders'] });
    expect(erased.status).toBe(200);
    expect(await erased.json()).toMatchObject({
      erased: 'partial',
      kept: [{ dataset: 'invoices', basis: BASIS, until: at(2 * SEVEN_YEARS - 30) }],
    });
    const requests = (await (await me.call('GET', '/v1/me/requests')).json()) as {
      requests: Array<{ type: string; outcome: { kept?: unknown[] } }>;
    };
    expect(requests.requests.find((r) => r.type === 'erasure')?.outcome.kept).toEqual([
      { dataset: 'invoices', records: 1, basis: BASIS, until: at(2 * SEVEN_YEARS - 30) },
    ]);
  });

  it("GDPR-30: the person's export says which data sets the law keeps, how long and why", async () => {
    await customer();
    const me = await signIn(t, mailer, tenant.tenantId, 'klant@example.nl');
    const res = await t.call('POST', '/v1/me/export', {
      body: { format: 'json' },
      headers: { cookie: me.cookie, origin: PC_ORIGIN, 'x-csrf-token': me.csrf },
    });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { information: { retention: { keptByLaw: unknown } } };
    expect(doc.information.retention.keptByLaw).toEqual([
      { dataset: 'invoices', days: SEVEN_YEARS, basis: BASIS },
    ]);
  });

  it('GDPR-32: retention deletes kept records when their term ends, not before', async () => {
    await customer();
    await api('POST', '/v1/requests', { subject: 'crm-7', type: 'erasure', scope: { all: true } });
    clock.set(at(2 * SEVEN_YEARS - 31));
    expect(await runRetention(t.ctx)).toMatchObject({ keptRecordsDeleted: 0 });
    expect(await keptRows()).toHaveLength(1);
    clock.set(at(2 * SEVEN_YEARS - 30));
    expect(await runRetention(t.ctx)).toMatchObject({ keptRecordsDeleted: 1 });
    expect(await keptRows()).toEqual([]);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('tenant_id', '=', tenant.tenantId)
      .where('action', '=', 'retention.ran')
      .execute();
    expect(
      audit.map((a) => JSON.parse(a.details) as { keptRecordsDeleted: number }).at(-1)
        ?.keptRecordsDeleted,
    ).toBe(1);
  });

  it('GDPR-32: erasing an inactive person by retention keeps their invoices too', async () => {
    await createTestTenant(t, keptConfig({ inactiveSubjectDays: 30 })).then((other) => {
      tenant = other;
    });
    await customer('crm-9', 'inactief@example.nl');
    clock.set(at(SEVEN_YEARS + 10));
    expect(await runRetention(t.ctx, { tenantId: tenant.tenantId })).toMatchObject({
      subjectsErased: 1,
    });
    expect((await keptRows()).map((r) => r.dataset)).toEqual(['invoices']);
  });

  it('GDPR-51: the register lists each data set kept by law with its term and basis', async () => {
    const json = (await (await api('GET', '/v1/ropa?format=json')).json()) as {
      retention: { keptByLaw: unknown };
    };
    expect(json.retention.keptByLaw).toEqual({ invoices: { days: SEVEN_YEARS, basis: BASIS } });
    const md = await (await api('GET', '/v1/ropa?format=md')).text();
    expect(md).toContain(
      `Records in data set "invoices" are kept ${SEVEN_YEARS} days after they were made, also after an erasure request, because the law requires it (${BASIS})`,
    );
  });

  it('refuses to publish a data set kept by law without its basis (422 CONFIG_NOT_COMPLIANT)', async () => {
    const res = await api(
      'PUT',
      '/v1/config',
      keptConfig({ keptByLaw: { invoices: { days: SEVEN_YEARS, basis: '' } } }),
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('KEPT_BY_LAW_WITHOUT_BASIS');
  });
});
