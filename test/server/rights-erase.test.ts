// The right to erasure (Art. 17, GDPR-32): the whole person or chosen parts, rows
// deleted not flagged, bytes gone from the SQLite file and its WAL, a tombstone of
// keyed hashes that recognises a returning address, and a ledger that still verifies.
import fs from 'node:fs';
import { describe, expect } from 'vitest';
import { eraseSubject, findTombstone, isErased } from '../../server/services/rights/erase.js';
import { dispatchFeed } from '../../server/services/webhooks/webhook-dispatch.js';
import { createRequest, getRequest } from '../../server/services/rights/requests.js';
import { eventHash } from '../../server/services/ledger/ledger-hash.js';
import { GENESIS_HASH } from '../../server/services/ledger/ledger-head.js';
import { openJson } from '../../server/services/subjects/personal-data.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';
import { seedSubject } from '../helpers/subject-fixtures.js';

const EMAIL = 'erase-me@example.org';
/** Stored in plain text (the ledger's request context, a data set name): proves the scrub, not the encryption. */
const USER_AGENT = 'Mozilla/5.0 MarkerBrowser-7731-unique';
const DATASET = 'loyalty_zq81x';

describe.each(dialects)('eraseSubject on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  it.override({ dialect });
  it.beforeEach(({ app, tenant: made }) => {
    t = app;
    tenant = made;
  });

  async function seedPerson(externalId = 'crm-4711', email = EMAIL) {
    return seedSubject(t.ctx, tenant.tenantId, {
      externalId,
      email,
      phone: '+31 6 1234 5678',
      visitorId: `v_${externalId}`,
      attributes: { city: 'Utrecht', colour: 'teal' },
      records: { [DATASET]: [{ points: 120 }, { points: 80 }], orders: [{ total: 42.5 }] },
      consents: { analytics: true, newsletter: { email: true } },
      userAgent: USER_AGENT,
      ipTruncated: '192.0.2.0',
    });
  }

  async function verifyLedger() {
    const rows = await t.ctx.db
      .selectFrom('consent_events')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('seq')
      .execute();
    let prev = GENESIS_HASH;
    for (const row of rows) {
      expect(row.prev_hash).toBe(prev);
      expect(eventHash(row)).toBe(row.hash);
      prev = row.hash;
    }
    return rows;
  }

  it('GDPR-32: whole erasure deletes every row of the person, keeps the ledger verifiable and feeds subject.erased', async () => {
    const subjectId = await seedPerson();
    const other = await seedPerson('crm-other', 'other@example.org');
    const request = await createRequest(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      type: 'erasure',
      scope: { all: true },
      origin: 'api',
      actor: 'key_x',
    });
    const result = await eraseSubject(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      scope: { all: true },
      requestId: request.id,
      actor: 'key_x',
    });
    expect(result).toMatchObject({ erased: 'all', records: 3 });

    const db = t.ctx.db;
    expect(
      await db.selectFrom('subjects').select('id').where('id', '=', subjectId).execute(),
    ).toEqual([]);
    for (const table of [
      'records',
      'consent_state',
      'subject_visitors',
      'tokens',
      'sessions',
      'outbox',
    ] as const) {
      expect(
        await db
          .selectFrom(table)
          .select('subject_id')
          .where('subject_id', '=', subjectId)
          .execute(),
      ).toEqual([]);
    }
    // The other person is untouched.
    expect(
      await db.selectFrom('records').select('id').where('subject_id', '=', other).execute(),
    ).toHaveLength(3);

    const rows = await verifyLedger();
    const erasedRows = rows.filter((r) => r.subject_id === subjectId);
    expect(erasedRows.length).toBeGreaterThan(0);
    expect(erasedRows.every((r) => r.ip_truncated === null && r.user_agent === null)).toBe(true);
    expect(
      rows.filter((r) => r.subject_id === other).every((r) => r.user_agent === USER_AGENT),
    ).toBe(true);

    const feed = await db
      .selectFrom('feed_events')
      .selectAll()
      .where('type', '=', 'subject.erased')
      .execute();
    expect(feed).toHaveLength(1);
    expect(feed[0]).toMatchObject({ subject_id: subjectId, external_id: 'crm-4711' });
    expect(JSON.parse(feed[0].data)).toEqual({ requestId: request.id });

    const view = await getRequest(t.ctx, tenant.tenantId, request.id);
    expect(view).toMatchObject({
      status: 'completed',
      subject: { id: subjectId, externalId: null },
      outcome: { erased: 'all', records: 3 },
    });
    const audit = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    expect(audit.map((a) => a.action)).toContain('subject.erased');
    expect(JSON.stringify(audit)).not.toMatch(/erase-me|Utrecht|1234 5678/);
  });

  it("GDPR-32: whole erasure takes the externalId out of the person's earlier feed events and webhook payloads; subject.erased keeps it", async () => {
    const at = new Date().toISOString();
    await t.ctx.db
      .insertInto('webhooks')
      .values({
        id: 'wh_erase',
        tenant_id: tenant.tenantId,
        url: 'https://tool.example/hook',
        types: '[]',
        secret_enc: t.ctx.keyring.encrypt('whsec_x'),
        created_at: at,
        disabled_at: null,
        feed_cursor: 0,
      })
      .execute();
    const subjectId = await seedPerson();
    await seedPerson('crm-other', 'other@example.org');
    await dispatchFeed(t.ctx);
    const feedOf = () =>
      t.ctx.db
        .selectFrom('feed_events')
        .selectAll()
        .where('tenant_id', '=', tenant.tenantId)
        .orderBy('seq')
        .execute();
    const before = (await feedOf()).filter((e) => e.subject_id === subjectId);
    expect(before.length).toBeGreaterThan(0);
    expect(
      before.every((e) => e.external_id === 'crm-4711' && e.event_json.includes('crm-4711')),
    ).toBe(true);

    await eraseSubject(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      scope: { all: true },
      actor: 'key_x',
    });

    const after = await feedOf();
    const earlier = after.filter((e) => e.subject_id === subjectId && e.type !== 'subject.erased');
    expect(earlier).toHaveLength(before.length);
    for (const e of earlier) {
      expect(e.external_id).toBeNull();
      expect(JSON.parse(e.event_json)).toMatchObject({
        id: e.id,
        subject: { id: subjectId, externalId: null },
      });
    }
    const erased = after.filter((e) => e.type === 'subject.erased');
    expect(erased).toHaveLength(1);
    expect(JSON.parse(erased[0].event_json).subject).toEqual({
      id: subjectId,
      externalId: 'crm-4711',
    });
    expect(after.filter((e) => e.external_id === 'crm-other').length).toBeGreaterThan(0);
    const payloads = await t.ctx.db
      .selectFrom('webhook_deliveries')
      .select(['event_id', 'payload'])
      .execute();
    expect(payloads.length).toBeGreaterThanOrEqual(before.length);
    for (const e of earlier)
      expect(payloads.find((p) => p.event_id === e.id)?.payload).not.toContain('crm-4711');
    expect(payloads.some((p) => p.payload.includes('crm-other'))).toBe(true);
  });

  it('GDPR-32: a tombstone of keyed hashes recognises the same e-mail or external id, and holds neither', async () => {
    const subjectId = await seedPerson();
    const request = await createRequest(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      type: 'erasure',
      scope: { all: true },
      origin: 'retention',
      actor: 'system',
    });
    await eraseSubject(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      scope: { all: true },
      requestId: request.id,
      actor: 'system',
    });
    expect(await isErased(t.ctx, tenant.tenantId, { email: '  Erase-Me@Example.org ' })).toBe(true);
    expect(await isErased(t.ctx, tenant.tenantId, { externalId: 'crm-4711' })).toBe(true);
    expect(await isErased(t.ctx, tenant.tenantId, { email: 'someone-else@example.org' })).toBe(
      false,
    );
    expect(await isErased(t.ctx, tenant.tenantId, { externalId: 'crm-4712' })).toBe(false);
    const other = await createTestTenant(t);
    expect(await isErased(t.ctx, other.tenantId, { email: EMAIL })).toBe(false);
    expect(await findTombstone(t.ctx, tenant.tenantId, { email: EMAIL })).toMatchObject({
      subjectId,
      requestId: request.id,
    });
    const tombstones = await t.ctx.db.selectFrom('tombstones').selectAll().execute();
    expect(tombstones).toHaveLength(1);
    expect(JSON.stringify(tombstones)).not.toMatch(/erase-me|crm-4711|6 1234/);
    expect(JSON.parse(tombstones[0].identifier_hashes)).toHaveLength(3);
  });

  it.runIf(dialect === 'sqlite')(
    "GDPR-32: after whole erasure the person's bytes are in neither the SQLite file nor its WAL; another person's stay",
    async () => {
      const subjectId = await seedSubject(t.ctx, tenant.tenantId, {
        externalId: 'crm-ua',
        email: EMAIL,
        consents: { analytics: true },
        userAgent: USER_AGENT,
        records: { [DATASET]: [{ a: 1 }] },
      });
      await seedSubject(t.ctx, tenant.tenantId, {
        externalId: 'crm-keep',
        consents: { analytics: true },
        userAgent: 'KeepBrowser-5521',
        records: { orders_keep5521: [{ a: 1 }] },
      });
      const file = t.testStore.file!;
      const bytes = () =>
        Buffer.concat([
          fs.readFileSync(file),
          fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`) : Buffer.alloc(0),
        ]);
      expect(bytes().includes(USER_AGENT)).toBe(true);

      await eraseSubject(t.ctx, {
        tenantId: tenant.tenantId,
        subjectId,
        scope: { all: true },
        actor: 'key_x',
      });
      const after = bytes();
      expect(after.includes(USER_AGENT)).toBe(false);
      expect(after.includes(DATASET)).toBe(false);
      expect(after.includes(EMAIL)).toBe(false);
      expect(after.includes('KeepBrowser-5521')).toBe(true);
      expect(after.includes('orders_keep5521')).toBe(true);
    },
  );

  it('GDPR-32: partial erasure of one data set and some fields keeps the rest and feeds subject.data_erased', async () => {
    const subjectId = await seedPerson();
    const result = await eraseSubject(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      scope: { datasets: [DATASET], fields: ['email', 'city'] },
      actor: 'data_subject',
    });
    expect(result).toEqual({
      erased: 'partial',
      datasets: { [DATASET]: 2 },
      fields: ['email', 'city'],
      notified: [],
    });
    const subject = await t.ctx.db
      .selectFrom('subjects')
      .selectAll()
      .where('id', '=', subjectId)
      .executeTakeFirstOrThrow();
    expect(subject.email_enc).toBeNull();
    expect(subject.email_hash).toBeNull();
    expect(subject.phone_enc).not.toBeNull();
    expect(openJson(t.ctx.keyring, subject.attributes_enc)).toEqual({ colour: 'teal' });
    const records = await t.ctx.db
      .selectFrom('records')
      .select('dataset')
      .where('subject_id', '=', subjectId)
      .execute();
    expect(records.map((r) => r.dataset)).toEqual(['orders']);
    expect(
      await t.ctx.db
        .selectFrom('consent_state')
        .select('purpose')
        .where('subject_id', '=', subjectId)
        .execute(),
    ).not.toEqual([]);
    const feed = await t.ctx.db
      .selectFrom('feed_events')
      .selectAll()
      .where('type', '=', 'subject.data_erased')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(feed.data)).toEqual({
      datasets: [DATASET],
      fields: ['email', 'city'],
      requestId: null,
    });
    expect(await isErased(t.ctx, tenant.tenantId, { email: EMAIL })).toBe(false);
  });

  it('GDPR-32: two erasures of the same person at once leave one tombstone and one subject.erased event', async () => {
    const subjectId = await seedPerson();
    const results = await Promise.allSettled(
      [1, 2].map(() =>
        eraseSubject(t.ctx, {
          tenantId: tenant.tenantId,
          subjectId,
          scope: { all: true },
          actor: 'key_x',
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { status: 404 } });
    expect(await t.ctx.db.selectFrom('tombstones').select('id').execute()).toHaveLength(1);
    expect(
      await t.ctx.db
        .selectFrom('feed_events')
        .select('id')
        .where('type', '=', 'subject.erased')
        .execute(),
    ).toHaveLength(1);
  });

  it("an unknown or another tenant's subject is 404 and nothing is erased", async () => {
    const subjectId = await seedPerson();
    const other = await createTestTenant(t);
    await expect(
      eraseSubject(t.ctx, {
        tenantId: other.tenantId,
        subjectId,
        scope: { all: true },
        actor: 'key_x',
      }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      eraseSubject(t.ctx, {
        tenantId: tenant.tenantId,
        subjectId: 'sub_nope',
        scope: { all: true },
        actor: 'key_x',
      }),
    ).rejects.toMatchObject({ status: 404 });
    expect(
      await t.ctx.db
        .selectFrom('records')
        .select('id')
        .where('subject_id', '=', subjectId)
        .execute(),
    ).toHaveLength(3);
  });
});
