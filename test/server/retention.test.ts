// Retention (GDPR Art. 5(1)(e), the config's `retention`): what is due is deleted
// through the erasure code with the same feed events, as a request with origin
// `retention`, and nothing else is touched. A fixed clock makes "due" exact.
import { beforeEach, describe, expect } from 'vitest';
import { newId } from '../../server/ids.js';
import { demoConfig } from '../../server/services/config/demo.js';
import { sealJson } from '../../server/services/subjects/personal-data.js';
import { runRetention, startRetentionJob } from '../../server/services/registers/retention.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, fixedClock, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';
import { seedSubject } from '../helpers/subject-fixtures.js';

const DAY = 86_400_000;
const T0 = '2026-01-01T12:00:00.000Z';
const at = (days: number) => new Date(Date.parse(T0) + days * DAY).toISOString();

describe.each(dialects)('retention on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const clock = fixedClock(T0);
  beforeEach(() => {
    clock.set(T0);
  });
  it.override({ dialect, appOptions: { clock } });
  it.beforeEach(async ({ app }) => {
    t = app;
    tenant = await createTestTenant(t, {
      ...demoConfig('https://shop.example'),
      consentTtlDays: 20,
      retention: { inactiveSubjectDays: 30, records: { orders: 10 } },
    });
  });

  const addRecord = (
    subjectId: string,
    dataset: string,
    createdAt: string,
    tenantId = tenant.tenantId,
  ) =>
    t.ctx.db
      .insertInto('records')
      .values({
        id: newId('rec'),
        tenant_id: tenantId,
        subject_id: subjectId,
        dataset,
        data_enc: sealJson(t.ctx.keyring, { n: 1 }),
        created_at: createdAt,
      })
      .execute();

  async function scenario() {
    const inactive = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'inactive',
      email: 'a@example.nl',
      records: { orders: [{ n: 1 }] },
      consents: { analytics: true },
    });
    const shopper = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'shopper',
      records: { orders: [{ n: 1 }], tickets: [{ n: 1 }] },
      consents: { analytics: true },
    });
    clock.set(at(25));
    const active = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'active',
      consents: { newsletter: { email: true } },
    });
    await addRecord(shopper, 'orders', at(25));
    await t.ctx.db
      .updateTable('subjects')
      .set({ last_activity_at: at(25) })
      .where('id', '=', shopper)
      .execute();
    clock.set(at(31));
    return { inactive, shopper, active };
  }

  it('erases people inactive for inactiveSubjectDays, and only them, as completed requests with origin retention', async () => {
    const { inactive, shopper, active } = await scenario();
    const counts = await runRetention(t.ctx);
    expect(counts.subjectsErased).toBe(1);
    const left = await t.ctx.db
      .selectFrom('subjects')
      .select('id')
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    expect(left.map((s) => s.id).sort()).toEqual([shopper, active].sort());
    const tombstones = await t.ctx.db.selectFrom('tombstones').select('subject_id').execute();
    expect(tombstones.map((r) => r.subject_id)).toEqual([inactive]);
    const requests = await t.ctx.db
      .selectFrom('requests')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('received_at')
      .execute();
    expect(
      requests.every(
        (r) => r.origin === 'retention' && r.status === 'completed' && r.type === 'erasure',
      ),
    ).toBe(true);
    expect(requests.find((r) => r.subject_id === inactive)).toBeDefined();
  });

  it("deletes records older than their data set's limit, keeps newer ones and data sets without a rule", async () => {
    const { shopper } = await scenario();
    const counts = await runRetention(t.ctx);
    expect(counts.recordsDeleted).toBe(1);
    const records = await t.ctx.db
      .selectFrom('records')
      .select(['dataset', 'created_at'])
      .where('subject_id', '=', shopper)
      .orderBy('dataset')
      .execute();
    expect(records).toEqual([
      { dataset: 'orders', created_at: at(25) },
      { dataset: 'tickets', created_at: expect.any(String) },
    ]);
  });

  it('records expired consents in the ledger and leaves unexpired ones', async () => {
    const { shopper, active } = await scenario();
    const counts = await runRetention(t.ctx);
    expect(counts.consentsExpired).toBe(1);
    const states = await t.ctx.db
      .selectFrom('consent_state')
      .select(['subject_id', 'purpose', 'status'])
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('subject_id')
      .execute();
    expect(states.filter((s) => s.subject_id === shopper)).toEqual([
      { subject_id: shopper, purpose: 'analytics', status: 'expired' },
    ]);
    expect(states.filter((s) => s.subject_id === active).map((s) => s.status)).toEqual(['granted']);
  });

  it('emits the same feed events as any erasure: subject.erased, subject.data_erased, consent.updated (expiry)', async () => {
    const { inactive, shopper } = await scenario();
    const before = await t.ctx.db
      .selectFrom('feed_events')
      .select('seq')
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    await runRetention(t.ctx);
    const events = await t.ctx.db
      .selectFrom('feed_events')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .where('seq', '>', before.length)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => [e.type, e.subject_id])).toEqual([
      ['subject.erased', inactive],
      ['subject.data_erased', shopper],
      ['consent.updated', shopper],
    ]);
    expect(JSON.parse(events[0].data)).toMatchObject({ requestId: expect.stringMatching(/^req_/) });
    expect(JSON.parse(events[1].data)).toMatchObject({ datasets: ['orders'], fields: [] });
    expect(JSON.parse(events[2].data)).toMatchObject({
      source: 'expiry',
      state: { analytics: 'expired' },
    });
  });

  it('does nothing before anything is due, and nothing the second time', async () => {
    await scenario();
    clock.set(at(9));
    expect(await runRetention(t.ctx, { now: new Date(at(9)) })).toMatchObject({
      subjectsErased: 0,
      recordsDeleted: 0,
      consentsExpired: 0,
      requests: 0,
    });
    clock.set(at(31));
    expect((await runRetention(t.ctx)).requests).toBe(2);
    expect(await runRetention(t.ctx)).toMatchObject({
      subjectsErased: 0,
      recordsDeleted: 0,
      consentsExpired: 0,
      requests: 0,
    });
  });

  it('leaves other tenants alone, and tenants without a rule keep their data', async () => {
    clock.set(T0);
    const other = await createTestTenant(t, {
      ...demoConfig('https://shop.example'),
      retention: {},
    });
    const theirs = await seedSubject(t.ctx, other.tenantId, {
      externalId: 'inactive',
      records: { orders: [{ n: 1 }] },
    });
    await scenario();
    clock.set(at(400));
    await runRetention(t.ctx, { tenantId: tenant.tenantId });
    await runRetention(t.ctx);
    expect(
      await t.ctx.db
        .selectFrom('subjects')
        .select('id')
        .where('tenant_id', '=', other.tenantId)
        .execute(),
    ).toEqual([{ id: theirs }]);
    expect(
      await t.ctx.db
        .selectFrom('records')
        .select('id')
        .where('tenant_id', '=', other.tenantId)
        .execute(),
    ).toHaveLength(1);
  });

  it('runs on a schedule inside the server process', async () => {
    const { inactive } = await scenario();
    const stop = startRetentionJob(t.ctx, 20);
    try {
      for (let i = 0; i < 100; i += 1) {
        const row = await t.ctx.db
          .selectFrom('subjects')
          .select('id')
          .where('id', '=', inactive)
          .executeTakeFirst();
        if (!row) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      stop();
    }
    expect(
      await t.ctx.db
        .selectFrom('subjects')
        .select('id')
        .where('id', '=', inactive)
        .executeTakeFirst(),
    ).toBeUndefined();
  });
});
