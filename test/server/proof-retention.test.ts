// Retention of the proof under a moved clock, over real HTTP on both databases:
// exactly the expired ledger events go, every person's current state stays, a signed
// checkpoint replaces what went, verify passes before and after and fails when a row
// after (or kept before) the checkpoint is edited; old feed, audit and erasure-register
// entries go by their own settings.
import crypto from 'node:crypto';
import { compactVerify, importJWK } from 'jose';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { fixedClock, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';
import { dialects } from '../helpers/db.js';
import { serveOverHttp, type HttpApp } from '../helpers/http.js';

const DAY = 86_400_000;
const T0 = Date.parse('2020-01-01T10:00:00.000Z');
/** The default ledger retention of the demo config: consent lifetime (365) plus five years (1826). */
const LEDGER_DAYS = 365 + 1826;

describe.each(dialects)('GDPR-04 retention of the proof on %s', (dialect) => {
  let t: TestApp;
  let h: HttpApp;
  let tenant: TestTenant;
  const clock = fixedClock(new Date(T0));

  beforeEach(() => {
    clock.set(new Date(T0));
  });
  it.override({ dialect, appOptions: { clock } });
  it.beforeEach(async ({ app, tenant: made }) => {
    t = app;
    h = await serveOverHttp(t);
    tenant = made;
  });
  afterEach(async () => {
    await h.close();
  });

  const consent = async (visitorId: string, decisions: Record<string, boolean>) => {
    const res = await h.call('POST', '/v1/consents', {
      headers: { 'user-agent': 'ProofTest/1.0' },
      body: {
        key: tenant.publicKey,
        visitorId,
        decisions,
        configVersion: 1,
        clientEventId: `ce_${crypto.randomBytes(8).toString('hex')}`,
      },
    });
    expect(res.status).toBe(201);
  };
  const at = (days: number) => clock.set(new Date(T0 + days * DAY));
  const verify = async () =>
    (await h.call('GET', '/v1/ledger/verify', { token: tenant.secretKey })).json() as Promise<
      Record<string, any>
    >;
  const prune = async () =>
    (
      await h.call('POST', '/v1/tenant/proof-retention/run', { token: tenant.secretKey })
    ).json() as Promise<Record<string, any>>;
  const events = () =>
    t.ctx.db
      .selectFrom('consent_events')
      .select(['seq', 'occurred_at', 'hash'])
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('seq')
      .execute();
  const states = () =>
    t.ctx.db
      .selectFrom('consent_state')
      .select(['subject_id', 'purpose', 'status', 'event_seq'])
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('subject_id')
      .orderBy('purpose')
      .execute();
  /** What the rule says must go: before the cutoff and not anyone's current state. */
  const expectedToGo = async (cutoff: string) => {
    const current = new Set((await states()).map((s) => s.event_seq));
    return (await events())
      .filter((e) => e.occurred_at < cutoff && !current.has(e.seq))
      .map((e) => e.seq);
  };

  it('GDPR-04: prunes exactly the expired events, keeps current states, and verify passes before and after from a signed checkpoint', async () => {
    const A = `v_${'A'.repeat(28)}`;
    const B = `v_${'B'.repeat(28)}`;
    await consent(A, { analytics: true, ads: true });
    at(10);
    await consent(A, { analytics: false, ads: true });
    at(30);
    await consent(B, { analytics: true, ads: false });
    const all = await events();
    const before = await verify();
    expect(before).toMatchObject({ ok: true, events: all.length });
    expect(before.checkpoint).toBeUndefined();

    // 20 days past the retention of the first events: those before day 20 are expired.
    at(LEDGER_DAYS + 20);
    const cutoff = new Date(T0 + 20 * DAY).toISOString();
    const goes = await expectedToGo(cutoff);
    expect(goes.length).toBeGreaterThan(0);
    const statesBefore = await states();
    const counts = await prune();
    expect(counts.ledgerPruned).toBe(goes.length);
    const lastOld = Math.max(...all.filter((e) => e.occurred_at < cutoff).map((e) => e.seq));
    expect(counts.ledgerCheckpoint).toBe(lastOld);

    const left = await events();
    expect(left.map((e) => e.seq)).toEqual(all.map((e) => e.seq).filter((s) => !goes.includes(s)));
    // Every current state stays, with the event it rests on.
    expect(await states()).toEqual(statesBefore);
    for (const s of statesBefore) expect(left.some((e) => e.seq === s.event_seq)).toBe(true);

    const after = await verify();
    expect(after).toMatchObject({
      ok: true,
      events: left.length,
      head: before.head,
      checkpoint: { seq: lastOld, pruned: goes.length },
    });

    // The checkpoint is a JWS under the published receipt key.
    const row = await t.ctx.db
      .selectFrom('ledger_checkpoints')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .executeTakeFirstOrThrow();
    const jwks = (await (await h.call('GET', '/.well-known/jwks.json')).json()) as {
      keys: Array<Record<string, string>>;
    };
    const jwk = jwks.keys.find((k) => k.kid === row.kid)!;
    const { payload, protectedHeader } = await compactVerify(
      row.jws,
      await importJWK(jwk, 'EdDSA'),
    );
    expect(protectedHeader).toMatchObject({ typ: 'akkoord-checkpoint+jwt', kid: row.kid });
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({
      seq: lastOld,
      hash: all.find((e) => e.seq === lastOld)!.hash,
      tenant: tenant.tenantId,
    });

    // Running again changes nothing.
    expect(await prune()).toMatchObject({ ledgerPruned: 0 });
    expect((await events()).length).toBe(left.length);

    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('action', '=', 'proof.pruned')
      .execute();
    expect(JSON.parse(audit[0].details)).toMatchObject({
      ledgerPruned: goes.length,
      ledgerCheckpoint: lastOld,
    });
  });

  it('GDPR-04: verify fails when a row after the checkpoint, or one kept before it, is edited or removed', async () => {
    const A = `v_${'C'.repeat(28)}`;
    await consent(A, { analytics: true, ads: true });
    // Another person who never changes their mind: their day-0 events stay their current state.
    await consent(`v_${'K'.repeat(28)}`, { analytics: true, ads: false });
    at(5);
    await consent(A, { analytics: false, ads: true });
    at(40);
    await consent(A, { analytics: true, ads: false });
    at(LEDGER_DAYS + 20);
    await prune();
    const checkpoint = (await verify()).checkpoint as { seq: number };
    expect(checkpoint.seq).toBeGreaterThan(0);
    const rows = await events();
    const afterCheckpoint = rows.find((e) => e.seq > checkpoint.seq)!;
    const tamper = (seq: number, set: Record<string, unknown>) =>
      t.ctx.db
        .updateTable('consent_events')
        .set(set)
        .where('tenant_id', '=', tenant.tenantId)
        .where('seq', '=', seq)
        .execute();

    await tamper(afterCheckpoint.seq, { status: 'denied' });
    expect(await verify()).toMatchObject({
      ok: false,
      brokenAt: afterCheckpoint.seq,
      checkpoint: { seq: checkpoint.seq },
    });
    await tamper(afterCheckpoint.seq, { status: 'granted' });
    expect(await verify()).toMatchObject({ ok: true });

    // A kept event before the checkpoint, rewritten with a recomputed hash, no longer matches what was signed.
    const kept = rows.find((e) => e.seq <= checkpoint.seq)!;
    expect(kept).toBeDefined();
    await tamper(kept.seq, { hash: 'f'.repeat(64) });
    expect(await verify()).toMatchObject({ ok: false, brokenAt: kept.seq });
    await tamper(kept.seq, { hash: kept.hash });
    expect(await verify()).toMatchObject({ ok: true });
    // Removing it is noticed too: the checkpoint signed what was kept.
    const full = await t.ctx.db
      .selectFrom('consent_events')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .where('seq', '=', kept.seq)
      .executeTakeFirstOrThrow();
    await t.ctx.db
      .deleteFrom('consent_events')
      .where('tenant_id', '=', tenant.tenantId)
      .where('seq', '=', kept.seq)
      .execute();
    expect(await verify()).toMatchObject({
      ok: false,
      brokenAt: checkpoint.seq,
      reason: expect.stringMatching(/kept/),
    });
    await t.ctx.db.insertInto('consent_events').values(full).execute();
    expect(await verify()).toMatchObject({ ok: true });
    // A forged checkpoint row (moved forward) fails its signature check.
    await t.ctx.db
      .updateTable('ledger_checkpoints')
      .set({ hash: '0'.repeat(64) })
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    expect(await verify()).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/checkpoint/),
    });
  });

  it('GDPR-04: an event kept because it was current goes once a newer decision replaces it', async () => {
    const A = `v_${'D'.repeat(28)}`;
    await consent(A, { analytics: true, ads: true });
    at(LEDGER_DAYS + 20);
    const first = await prune();
    expect(first.ledgerPruned).toBe(0);
    const kept = (await events()).map((e) => e.seq);
    // The person changes their mind: the old grant of ads is no longer their current state.
    await consent(A, { analytics: true, ads: false });
    at(LEDGER_DAYS + 25);
    const goes = await expectedToGo(new Date(T0 + 25 * DAY).toISOString());
    expect(goes.length).toBeGreaterThan(0);
    expect(goes.every((s) => kept.includes(s))).toBe(true);
    expect((await prune()).ledgerPruned).toBe(goes.length);
    expect(await verify()).toMatchObject({ ok: true, events: (await events()).length });
  });

  it('keeps feed events 90 days, audit entries five years and tombstones while the tenant exists, unless set otherwise', async () => {
    const put = (body: unknown) =>
      h.call('PUT', '/v1/tenant/proof-retention', { token: tenant.secretKey, body });
    const initial = (await (
      await h.call('GET', '/v1/tenant/proof-retention', { token: tenant.secretKey })
    ).json()) as Record<string, any>;
    expect(initial.effective).toEqual({
      ledgerDays: LEDGER_DAYS,
      feedDays: 90,
      auditDays: 1826,
      erasureRegisterDays: null,
    });
    expect((await put({ feedDays: 1 })).status).toBe(400);

    await h.call('PUT', '/v1/subjects/crm-1', {
      token: tenant.secretKey,
      body: { email: 'one@example.com' },
    });
    await h.call('POST', '/v1/subjects/crm-1/consents', {
      token: tenant.secretKey,
      body: { decisions: { newsletter: { email: true } } },
    });
    expect(
      (
        await h.call('POST', '/v1/requests', {
          token: tenant.secretKey,
          body: { subject: 'crm-1', type: 'erasure', scope: { all: true } },
        })
      ).status,
    ).toBe(201);
    const count = async (table: 'feed_events' | 'audit_log' | 'tombstones') =>
      Number(
        (
          await t.ctx.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('tenant_id', '=', tenant.tenantId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const feedBefore = await count('feed_events');
    const auditBefore = await count('audit_log');
    expect(feedBefore).toBeGreaterThan(0);
    expect(await count('tombstones')).toBe(1);

    at(89);
    expect(await prune()).toMatchObject({ feedPruned: 0, auditPruned: 0, erasureEntriesPruned: 0 });
    at(91);
    expect(await prune()).toMatchObject({ feedPruned: feedBefore, auditPruned: 0 });
    at(1827);
    const pruned = await prune();
    // Everything written on day 0 is over five years old; the tombstone stays (no limit set).
    expect(pruned.auditPruned).toBeGreaterThanOrEqual(auditBefore);
    expect(pruned.erasureEntriesPruned).toBe(0);
    expect(await count('tombstones')).toBe(1);
    expect((await put({ erasureRegisterDays: 1000 })).status).toBe(200);
    expect(await prune()).toMatchObject({ erasureEntriesPruned: 1 });
    expect(await count('tombstones')).toBe(0);
    expect(
      await t.ctx.db
        .selectFrom('tombstone_identifiers')
        .selectAll()
        .where('tenant_id', '=', tenant.tenantId)
        .execute(),
    ).toEqual([]);
  });
});
