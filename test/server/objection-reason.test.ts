// The reason a person may give with an objection (Art. 21): optional, bounded, kept encrypted
// beside the request (never in its scope, the audit log or the feed), shown to staff in an
// audited read and to the person in their export, and gone when the person is erased.
import { describe, expect } from 'vitest';
import { dialects } from '../helpers/db.js';
import type { TestApp, TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';
import { addPerson, capturingMailer, PC_ORIGIN, signIn } from '../helpers/me.js';

const REASON = 'Ik krijg al jaren folders van jullie; mijn buurman Jan de Vries kreeg ze ook.';

describe.each(dialects)('the reason of an objection on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const mailer = capturingMailer();
  it.override({ dialect, appOptions: { mailer } });
  it.beforeEach(async ({ app, tenant: made }) => {
    t = app;
    tenant = made;
    await addPerson(t, tenant.tenantId, { externalId: 'crm-1', email: 'anna@example.com' });
  });

  const api = (method: string, path: string, body?: unknown) =>
    t.call(method, path, { token: tenant.secretKey, body });
  const requestRow = (id: string) =>
    t.ctx.db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  /** Every place a request's details may be repeated: none may hold the person's words. */
  async function leaks(): Promise<string[]> {
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    const feed = await t.ctx.db
      .selectFrom('feed_events')
      .select('data')
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    const requests = await t.ctx.db
      .selectFrom('requests')
      .select(['scope', 'outcome', 'reason_enc'])
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    return [
      ...audit.map((a) => a.details),
      ...feed.map((f) => f.data),
      ...requests.flatMap((r) => [r.scope, r.outcome ?? '', r.reason_enc ?? '']),
    ].filter((text) => text.includes('Jan de Vries'));
  }

  it('GDPR-40: an objection by API keeps the reason encrypted, out of the scope, audit and feed, and shows it to staff in an audited read', async () => {
    const res = await api('POST', '/v1/requests', {
      subject: 'crm-1',
      type: 'objection',
      scope: { reason: `  ${REASON}  ` },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as {
      id: string;
      status: string;
      scope: unknown;
      reason?: string;
    };
    expect(created).toMatchObject({ status: 'completed', scope: {} });
    expect(created.reason).toBeUndefined();
    const row = await requestRow(created.id);
    expect(row.scope).toBe('{}');
    expect(t.ctx.keyring.decrypt(row.reason_enc!)).toBe(REASON);
    expect(await leaks()).toEqual([]);

    const read = await api('GET', `/v1/requests/${created.id}`);
    expect(await read.json()).toMatchObject({ id: created.id, type: 'objection', reason: REASON });
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('action', '=', 'request.reason_read')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].details)).toEqual({ requestId: created.id });
    // The list shows no one's words.
    const list = (await (await api('GET', '/v1/requests?type=objection')).json()) as {
      requests: Array<Record<string, unknown>>;
    };
    expect(list.requests[0]).not.toHaveProperty('reason');
  });

  it('GDPR-40: an objection without a reason stores none', async () => {
    const res = await api('POST', '/v1/requests', {
      subject: 'crm-1',
      type: 'objection',
      scope: { reason: '   ' },
    });
    const { id } = (await res.json()) as { id: string };
    expect((await requestRow(id)).reason_enc).toBeNull();
    expect(await (await api('GET', `/v1/requests/${id}`)).json()).not.toHaveProperty('reason');
  });

  it('refuses a reason longer than 2000 characters (400) and files nothing', async () => {
    const res = await api('POST', '/v1/requests', {
      subject: 'crm-1',
      type: 'objection',
      scope: { reason: 'x'.repeat(2001) },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(
      await t.ctx.db
        .selectFrom('requests')
        .select('id')
        .where('tenant_id', '=', tenant.tenantId)
        .where('type', '=', 'objection')
        .execute(),
    ).toEqual([]);
  });

  it('GDPR-40: the preference center takes the reason, the person finds it in their export, and erasure removes it', async () => {
    const me = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
    const objected = await me.call('POST', '/v1/me/objection', { reason: REASON });
    expect(objected.status).toBe(200);
    const { requestId } = (await objected.json()) as { requestId: string };
    expect(await leaks()).toEqual([]);
    const staff = await api('GET', `/v1/requests/${requestId}`);
    expect(await staff.json()).toMatchObject({ reason: REASON });

    const exported = await t.call('POST', '/v1/me/export', {
      body: { format: 'json' },
      headers: { cookie: me.cookie, origin: PC_ORIGIN, 'x-csrf-token': me.csrf },
    });
    const doc = (await exported.json()) as { requests: Array<{ id: string; reason?: string }> };
    expect(doc.requests.find((r) => r.id === requestId)?.reason).toBe(REASON);

    const erased = await api('POST', '/v1/requests', {
      subject: 'crm-1',
      type: 'erasure',
      scope: { all: true },
    });
    expect(erased.status).toBe(201);
    expect((await requestRow(requestId)).reason_enc).toBeNull();
    expect(await (await api('GET', `/v1/requests/${requestId}`)).json()).not.toHaveProperty(
      'reason',
    );
  });
});
