// Who received the data (Art. 19): a per-person log of the keys and webhooks that received
// which of a person's data and when (ids and category names only), shown to the person,
// in their export, and listed in the answers to rectification, erasure and restriction.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordDisclosures } from '../../server/services/registers/disclosures.js';
import { findOrCreateVisitorSubject } from '../../server/services/subjects/subjects-core.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { dialects } from '../helpers/db.js';
import { capturingMailer, signIn, type CapturingMailer } from '../helpers/me.js';

describe.each(dialects)('the recipient log on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let mailer: CapturingMailer;
  let mailchimp: { id: string; secretKey: string };

  beforeEach(async () => {
    mailer = capturingMailer();
    t = await startTestApp(dialect, { mailer });
    tenant = await createTestTenant(t);
    const key = await t.call('POST', '/v1/keys', {
      token: tenant.secretKey,
      body: { name: 'mailchimp-sync', scopes: ['feed:read', 'subjects:read', 'pii:read'] },
    });
    mailchimp = (await key.json()) as { id: string; secretKey: string };
    for (const [id, email] of [
      ['crm-1', 'een@example.com'],
      ['crm-2', 'twee@example.com'],
    ]) {
      await t.call('PUT', `/v1/subjects/${id}`, {
        token: tenant.secretKey,
        body: { email, informedAt: '2026-11-01T00:00:00.000Z' },
      });
      await t.call('POST', `/v1/subjects/${id}/consents`, {
        token: tenant.secretKey,
        body: { decisions: { newsletter: { email: true } } },
      });
    }
  });
  afterEach(async () => t.close());

  const call = (method: string, path: string, body?: unknown) =>
    t.call(method, path, { token: tenant.secretKey, body });

  it('GDPR-36: an audience pull and a read are logged per person without personal data; the person sees who received what', async () => {
    const pulled = await t.call('GET', '/v1/audience?purpose=newsletter&channel=email', {
      token: mailchimp.secretKey,
    });
    expect((await pulled.text()).trim().split('\n')).toHaveLength(2);
    const rows = await t.ctx.db
      .selectFrom('disclosures')
      .selectAll()
      .orderBy('subject_id')
      .execute();
    expect(rows.map((r) => [r.recipient_kind, r.recipient_id, r.categories])).toEqual([
      ['key', mailchimp.id, 'consent,email,external_id,phone'],
      ['key', mailchimp.id, 'consent,email,external_id,phone'],
    ]);
    // Nothing in the log reads as personal data: ids and category names.
    expect(JSON.stringify(rows)).not.toMatch(/@example\.com|crm-/);

    const me = await signIn(t, mailer, tenant.tenantId, 'een@example.com');
    const mine = (await (await me.call('GET', '/v1/me')).json()) as {
      recipients: Array<{ kind: string; name: string; categories: string[] }>;
    };
    expect(mine.recipients).toEqual([
      expect.objectContaining({
        kind: 'key',
        name: 'mailchimp-sync',
        categories: ['consent', 'email', 'external_id', 'phone'],
      }),
    ]);
    const exported = (await (
      await me.call('POST', '/v1/me/export', { format: 'json' })
    ).json()) as { recipients: Array<{ id: string }> };
    expect(exported.recipients.map((r) => r.id)).toEqual([mailchimp.id]);
  });

  it('GDPR-36: rectification, restriction and erasure answers list the recipients that were told', async () => {
    await t.call('GET', '/v1/subjects/crm-1', { token: mailchimp.secretKey });
    const notified = [{ kind: 'key', id: mailchimp.id, name: 'mailchimp-sync' }];
    const rectified = (await (
      await call('POST', '/v1/requests', {
        subject: 'crm-1',
        type: 'rectification',
        scope: { email: 'nieuw@example.com' },
      })
    ).json()) as { outcome: Record<string, unknown> };
    expect(rectified.outcome.notified).toEqual(notified);
    const restricted = (await (
      await call('POST', '/v1/requests', {
        subject: 'crm-1',
        type: 'restriction',
        scope: { reason: 'accuracy_contested' },
      })
    ).json()) as { outcome: Record<string, unknown> };
    expect(restricted.outcome.notified).toEqual(notified);
    const erased = (await (
      await call('POST', '/v1/requests', {
        subject: 'crm-1',
        type: 'erasure',
        scope: { all: true },
      })
    ).json()) as { outcome: Record<string, unknown> };
    expect(erased.outcome.notified).toEqual(notified);
    // The erased person's log goes with them.
    expect(await t.ctx.db.selectFrom('disclosures').selectAll().execute()).toEqual([]);
  });

  it('GDPR-36: what was disclosed about a banner visitor follows them into the person they turn out to be', async () => {
    const visitor = 'v_BBBBBBBBBBBBBBBBBBBBBBBBBBBB';
    const person = await t.ctx.db
      .selectFrom('subjects')
      .select('id')
      .where('tenant_id', '=', tenant.tenantId)
      .where('external_id', '=', 'crm-1')
      .executeTakeFirstOrThrow();
    const visitorSubject = await t.ctx.db
      .transaction()
      .execute((trx) =>
        findOrCreateVisitorSubject(trx, tenant.tenantId, visitor, '2026-11-02T00:00:00.000Z'),
      );
    const told = (subjectId: string, categories: string[], at: string) =>
      recordDisclosures(
        t.ctx.db,
        tenant.tenantId,
        [{ subjectId, kind: 'key', recipientId: mailchimp.id, categories }],
        at,
      );
    // The same recipient and categories about both (one row after the merge, spanning both
    // times), and something only the visitor's record was sent.
    await told(visitorSubject, ['consent'], '2026-11-02T00:00:00.000Z');
    await told(person.id, ['consent'], '2026-11-05T00:00:00.000Z');
    await told(visitorSubject, ['consent', 'visitor_id'], '2026-11-03T00:00:00.000Z');

    expect((await call('PUT', '/v1/subjects/crm-1', { visitorIds: [visitor] })).status).toBe(200);
    const rows = await t.ctx.db
      .selectFrom('disclosures')
      .select(['subject_id', 'categories', 'first_at', 'last_at'])
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('categories')
      .execute();
    expect(rows).toEqual([
      {
        subject_id: person.id,
        categories: 'consent',
        first_at: '2026-11-02T00:00:00.000Z',
        last_at: '2026-11-05T00:00:00.000Z',
      },
      {
        subject_id: person.id,
        categories: 'consent,visitor_id',
        first_at: '2026-11-03T00:00:00.000Z',
        last_at: '2026-11-03T00:00:00.000Z',
      },
    ]);
  });
});
