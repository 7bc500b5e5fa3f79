// The audit log (GET /v1/audit, GDPR Art. 5(2)): every administrative and request
// action leaves an entry with actor, time and target ids, readable with cursor
// paging, and the log never holds an e-mail address or a phone number.
import { describe, expect } from 'vitest';
import { dialects } from '../helpers/db.js';
import { ADMIN_TOKEN, createTestTenant, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';
import { seedSubject } from '../helpers/subject-fixtures.js';
import { demoConfig } from '../../server/services/config/demo.js';
import { runRetention } from '../../server/services/registers/retention.js';

interface Entry {
  id: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  occurredAt: string;
}

async function readAll(t: TestApp, token: string, limit = 1000): Promise<Entry[]> {
  const entries: Entry[] = [];
  let after = '';
  for (;;) {
    const res = await t.call('GET', `/v1/audit?limit=${limit}${after ? `&after=${after}` : ''}`, {
      token,
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { entries: Entry[]; next: string };
    entries.push(...page.entries);
    if (page.entries.length === 0) return entries;
    after = page.next;
  }
}

describe.each(dialects)('audit log on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  it.override({ dialect });
  it.beforeEach(({ app, tenant: made }) => {
    t = app;
    tenant = made;
  });

  it('pages by cursor: every entry once, in order, and the same cursor again when nothing is new', async () => {
    for (let i = 0; i < 4; i += 1)
      await t.call('POST', '/v1/keys', {
        token: tenant.secretKey,
        body: { scopes: ['feed:read'] },
      });
    const all = await readAll(t, tenant.secretKey);
    const paged = await readAll(t, tenant.secretKey, 2);
    expect(paged.map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(all.map((e) => e.action)).toEqual([
      'tenant.created',
      'key.created',
      'config.published',
      'key.created',
      'key.created',
      'key.created',
      'key.created',
    ]);
    const first = await (
      await t.call('GET', '/v1/audit?limit=3', { token: tenant.secretKey })
    ).json();
    const rest = await (
      await t.call('GET', `/v1/audit?after=${first.next}`, { token: tenant.secretKey })
    ).json();
    expect(rest.entries[0].id).toBe(all[3].id);
    const end = await (
      await t.call('GET', `/v1/audit?after=${rest.next}`, { token: tenant.secretKey })
    ).json();
    expect(end).toEqual({ entries: [], next: rest.next });
  });

  it('answers 400 BAD_CURSOR for a cursor it never gave out and 400 for a limit out of range', async () => {
    const bad = await t.call('GET', '/v1/audit?after=abc', { token: tenant.secretKey });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('BAD_CURSOR');
    expect((await t.call('GET', '/v1/audit?limit=0', { token: tenant.secretKey })).status).toBe(
      400,
    );
    expect((await t.call('GET', '/v1/audit?limit=5000', { token: tenant.secretKey })).status).toBe(
      400,
    );
  });

  it('is readable with audit:read, refused (403) to other scopes and 401 without a key', async () => {
    const auditor = await (
      await t.call('POST', '/v1/keys', {
        token: tenant.secretKey,
        body: { scopes: ['audit:read'] },
      })
    ).json();
    const feed = await (
      await t.call('POST', '/v1/keys', { token: tenant.secretKey, body: { scopes: ['feed:read'] } })
    ).json();
    expect((await t.call('GET', '/v1/audit', { token: auditor.secretKey })).status).toBe(200);
    expect((await t.call('GET', '/v1/audit', { token: feed.secretKey })).status).toBe(403);
    expect((await t.call('GET', '/v1/audit')).status).toBe(401);
  });

  it('shows a tenant only its own entries', async () => {
    const other = await createTestTenant(t);
    await t.call('POST', '/v1/keys', { token: other.secretKey, body: { scopes: ['feed:read'] } });
    const mine = await readAll(t, tenant.secretKey);
    const theirs = await readAll(t, other.secretKey);
    expect(mine.some((e) => e.target === other.tenantId)).toBe(false);
    expect(theirs.some((e) => e.target === tenant.tenantId)).toBe(false);
    expect(theirs.filter((e) => e.action === 'key.created')).toHaveLength(2);
  });

  it('logs every administrative and request action, with actor and target ids, and no e-mail address or phone number anywhere', async () => {
    const email = 'jan.jansen@example.nl';
    const phone = '+31612345678';
    const newEmail = 'j.jansen@voorbeeld.nl';
    const s = tenant.secretKey;
    const created = await (
      await t.call('POST', '/v1/keys', { token: s, body: { scopes: ['audit:read'] } })
    ).json();
    await t.call('DELETE', `/v1/keys/${created.id}`, { token: s });
    await t.call('PUT', '/v1/config', {
      token: s,
      body: { ...demoConfig('https://shop.example'), consentTtlDays: 200 },
    });
    await t.call('PUT', '/v1/tenant/settings', {
      token: s,
      body: { ropa: { dpo: { name: 'P. de Vries', contact: 'dpo@shop.example' } } },
    });
    await (await t.call('GET', '/v1/export', { token: s })).text();

    for (const [n, type, scope] of [
      [1, 'access', {}],
      [2, 'rectification', { email: newEmail, phone: '+31687654321' }],
      [3, 'restriction', { reason: 'accuracy_contested' }],
      [3, 'lift_restriction', {}],
      [4, 'objection', {}],
      [5, 'erasure', { datasets: ['orders'] }],
      [6, 'erasure', { all: true }],
    ] as const) {
      if (type !== 'lift_restriction') {
        await seedSubject(t.ctx, tenant.tenantId, {
          externalId: `c-${n}`,
          email: `${n}${email}`,
          phone,
          records: { orders: [{ total: 10 }] },
        });
      }
      const res = await t.call('POST', '/v1/requests', {
        token: s,
        body: { subject: `c-${n}`, type, scope },
      });
      expect(res.status, `${type}: ${await res.clone().text()}`).toBe(201);
    }
    const cancelled = await seedSubject(t.ctx, tenant.tenantId, { externalId: 'c-cancel', email });
    const tracked = await (
      await t.call('POST', '/v1/requests', {
        token: s,
        body: { subject: 'c-cancel', type: 'erasure', scope: { all: true }, execute: false },
      })
    ).json();
    await t.call('POST', `/v1/requests/${tracked.id}/cancel`, { token: s });
    expect(cancelled).toMatch(/^sub_/);
    await t.call('DELETE', '/v1/tenant', { token: s });

    const rows = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('seq')
      .execute();
    const actions = new Set(rows.map((r) => r.action));
    for (const action of [
      'tenant.created',
      'key.created',
      'key.revoked',
      'config.published',
      'tenant.settings_updated',
      'tenant.exported',
      'request.received',
      'request.completed',
      'request.cancelled',
      'subject.rectified',
      'subject.restricted',
      'subject.restriction_lifted',
      'subject.objected',
      'subject.data_erased',
      'subject.erased',
      'tenant.offboarding_started',
    ])
      expect(actions, action).toContain(action);
    for (const row of rows) {
      expect(row.actor).toMatch(/^(key_|bootstrap$|system$|data_subject$|cli$)/);
      expect(row.occurred_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }

    // The whole table, every tenant, every column: no address or number, in any form.
    const dump = JSON.stringify(await t.ctx.db.selectFrom('audit_log').selectAll().execute());
    for (const secret of [
      email,
      newEmail,
      phone,
      '+31687654321',
      '0612345678',
      'jan.jansen',
      'voorbeeld.nl',
      '612345678',
    ]) {
      expect(dump).not.toContain(secret);
    }
    expect(dump).not.toMatch(/[a-z0-9._%+-]+@[a-z0-9-]+\.[a-z]{2,}/i);
  });

  it('logs retention runs and their erasures with the system as actor', async () => {
    await t.call('PUT', '/v1/config', {
      token: tenant.secretKey,
      body: { ...demoConfig('https://shop.example'), retention: { inactiveSubjectDays: 1 } },
    });
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'old',
      email: 'old@example.nl',
    });
    await runRetention(t.ctx, { now: new Date(Date.now() + 3 * 86_400_000) });
    const entries = await readAll(t, tenant.secretKey);
    expect(entries.find((e) => e.action === 'subject.erased')).toMatchObject({
      actor: 'system',
      target: subjectId,
    });
    expect(entries.find((e) => e.action === 'retention.ran')).toMatchObject({
      actor: 'system',
      details: { subjectsErased: 1 },
    });
  });

  it('admin routes of the operator need the bootstrap token', async () => {
    const res = await t.call('GET', `/v1/admin/tenants/${tenant.tenantId}/export`, {
      token: tenant.secretKey,
    });
    expect(res.status).toBe(401);
    expect(
      (await t.call('GET', `/v1/admin/tenants/${tenant.tenantId}/export`, { token: ADMIN_TOKEN }))
        .status,
    ).toBe(200);
  });
});
