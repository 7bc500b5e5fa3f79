// GET /v1/ledger/verify (GDPR-04, Art. 7(1): record rewrites are detectable):
// an intact chain is ok; a row edited directly in the database is reported by its seq.
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { verifyLedger } from '../../server/services/ledger/ledger-verify.js';
import { eventHash } from '../../server/services/ledger/ledger-hash.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';

describe.each(dialects)('ledger verification on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  it.override({ dialect, appOptions: { env: { AKKOORD_RATE_LIMITS: 'off' } } });
  it.beforeEach(({ app, tenant: made }) => {
    t = app;
    tenant = made;
  });

  /** Three consent calls of two purposes each: events 1..6. */
  async function recordSome(times = 3): Promise<void> {
    for (let i = 0; i < times; i++) {
      const response = await t.call('POST', '/v1/consents', {
        headers: { 'user-agent': 'LedgerTest/1.0' },
        body: {
          key: tenant.publicKey,
          visitorId: `v_${crypto.randomBytes(16).toString('base64url')}`,
          decisions: { analytics: i % 2 === 0, ads: true },
          configVersion: 1,
          clientEventId: `ce_${crypto.randomBytes(8).toString('hex')}`,
        },
      });
      expect(response.status).toBe(201);
    }
  }
  const verify = async (token = tenant.secretKey) => {
    const response = await t.call('GET', '/v1/ledger/verify', { token });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const tamper = (seq: number, set: Record<string, unknown>) =>
    t.ctx.db
      .updateTable('consent_events')
      .set(set)
      .where('tenant_id', '=', tenant.tenantId)
      .where('seq', '=', seq)
      .execute();

  it('GDPR-04: an intact chain is ok, with its length and head hash', async () => {
    await recordSome();
    const head = await t.ctx.db
      .selectFrom('ledger_heads')
      .select('ledger_hash')
      .where('tenant_id', '=', tenant.tenantId)
      .executeTakeFirstOrThrow();
    expect(await verify()).toEqual({
      status: 200,
      body: { ok: true, events: 6, head: head.ledger_hash },
    });
  });

  it('an empty ledger is ok', async () => {
    expect((await verify()).body).toMatchObject({ ok: true, events: 0 });
  });

  it('GDPR-04: a status flipped in the database is reported at its seq', async () => {
    await recordSome();
    await tamper(4, { status: 'denied' });
    expect((await verify()).body).toEqual({
      ok: false,
      brokenAt: 4,
      events: 3,
      reason: expect.stringMatching(/hash/),
    });
  });

  it('a rewrite with a recomputed hash breaks the link to the next event', async () => {
    await recordSome();
    const row = await t.ctx.db
      .selectFrom('consent_events')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .where('seq', '=', 2)
      .executeTakeFirstOrThrow();
    const forged = { ...row, status: 'denied' as const };
    await tamper(2, { status: 'denied', hash: eventHash(forged) });
    expect((await verify()).body).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('a rewritten last event with a recomputed hash no longer matches the head', async () => {
    await recordSome();
    const row = await t.ctx.db
      .selectFrom('consent_events')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .where('seq', '=', 6)
      .executeTakeFirstOrThrow();
    await tamper(6, { status: 'withdrawn', hash: eventHash({ ...row, status: 'withdrawn' }) });
    expect((await verify()).body).toMatchObject({ ok: false, brokenAt: 6 });
  });

  it('a changed IP address or user agent is caught by the context digest; erasing them is not a break', async () => {
    await recordSome();
    await tamper(5, { user_agent: 'Forged/2.0' });
    expect((await verify()).body).toMatchObject({
      ok: false,
      brokenAt: 5,
      reason: expect.stringMatching(/context/),
    });
    // Erasure (Art. 17) nulls both and keeps the digest: the chain still verifies.
    await t.ctx.db
      .updateTable('consent_events')
      .set({ ip_truncated: null, user_agent: null })
      .where('seq', '=', 5)
      .execute();
    expect((await verify()).body).toMatchObject({ ok: true, events: 6 });
  });

  it('a deleted event is reported where the gap starts, also at the end', async () => {
    await recordSome();
    await t.ctx.db
      .deleteFrom('consent_events')
      .where('tenant_id', '=', tenant.tenantId)
      .where('seq', '=', 3)
      .execute();
    expect((await verify()).body).toMatchObject({ ok: false, brokenAt: 3 });
    await t.ctx.db
      .deleteFrom('consent_events')
      .where('tenant_id', '=', tenant.tenantId)
      .where('seq', '>=', 3)
      .execute();
    expect((await verify()).body).toMatchObject({ ok: false, brokenAt: 3, events: 2 });
  });

  it('walks page by page and reports progress (bounded memory for long chains)', async () => {
    await recordSome(4);
    const progress: number[] = [];
    expect(
      await verifyLedger(t.ctx.db, tenant.tenantId, {
        batchSize: 3,
        onProgress: (n) => progress.push(n),
      }),
    ).toMatchObject({ ok: true, events: 8 });
    expect(progress).toEqual([3, 6, 8]);
    await tamper(7, { purpose: 'ads_x' });
    expect(await verifyLedger(t.ctx.db, tenant.tenantId, { batchSize: 3 })).toMatchObject({
      ok: false,
      brokenAt: 7,
      events: 6,
    });
  });

  it("one tenant's tampering does not show in another's report", async () => {
    await recordSome(1);
    const other = await createTestTenant(t);
    await tamper(1, { status: 'withdrawn' });
    expect((await verify(other.secretKey)).body).toMatchObject({ ok: true, events: 0 });
  });

  it('needs admin or audit:read', async () => {
    const created = await t.call('POST', '/v1/keys', {
      token: tenant.secretKey,
      body: { scopes: ['audit:read'] },
    });
    const auditor = ((await created.json()) as { secretKey: string }).secretKey;
    const writer = (
      (await (
        await t.call('POST', '/v1/keys', {
          token: tenant.secretKey,
          body: { scopes: ['consent:write'] },
        })
      ).json()) as { secretKey: string }
    ).secretKey;
    expect((await verify(auditor)).status).toBe(200);
    expect((await verify(writer)).status).toBe(403);
    expect((await t.call('GET', '/v1/ledger/verify')).status).toBe(401);
  });

  it('keeps working on a chain written in one large batch', async () => {
    // 3000 events straight into the table (the chain computed here), to cross several pages.
    const base = await t.ctx.db
      .selectFrom('consent_events')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    expect(base).toEqual([]);
    let prev = '0'.repeat(64);
    const rows = [];
    for (let seq = 1; seq <= 3000; seq++) {
      const fields = {
        tenant_id: tenant.tenantId,
        seq,
        consent_id: `cns_${seq}`,
        subject_id: 'sub_x',
        purpose: 'analytics',
        channel: '',
        status: 'granted' as const,
        config_version: 1,
        notice_hash: 'n',
        locale: 'nl',
        source: 'import',
        gpc: 0 as const,
        context_digest: 'd',
        client_event_id: null,
        captured_at: null,
        occurred_at: '2026-01-01T00:00:00.000Z',
        prev_hash: prev,
      };
      prev = eventHash(fields);
      rows.push({ ...fields, ip_truncated: null, user_agent: null, hash: prev });
    }
    for (let i = 0; i < rows.length; i += 500)
      await t.ctx.db
        .insertInto('consent_events')
        .values(rows.slice(i, i + 500))
        .execute();
    await t.ctx.db
      .updateTable('ledger_heads')
      .set({ ledger_seq: 3000, ledger_hash: prev })
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    expect((await verify()).body).toEqual({ ok: true, events: 3000, head: prev });
    await sql`UPDATE consent_events SET locale = 'en' WHERE seq = 2500`.execute(t.ctx.db);
    expect((await verify()).body).toMatchObject({ ok: false, brokenAt: 2500 });
  });
});
