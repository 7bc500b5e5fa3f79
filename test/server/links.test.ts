// Signed links for tools (POST /v1/links) and the banner visitor's "manage my data"
// link of the preference center: who may make them, what they open, how long and how often they work.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findOrCreateVisitorSubject } from '../../server/services/subjects/subjects-core.js';
import { dialects } from '../helpers/db.js';
import {
  createTestTenant,
  fixedClock,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';
import { addPerson, capturingMailer, exchange, PC_ORIGIN } from '../helpers/me.js';

const tokenIn = (url: string) => /([A-Za-z0-9_-]{43})$/.exec(url)![1];

describe.each(dialects)('links on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let clock: ReturnType<typeof fixedClock>;

  beforeEach(async () => {
    clock = fixedClock('2026-11-29T10:00:00.000Z');
    t = await startTestApp(dialect, { mailer: capturingMailer(), clock });
    tenant = await createTestTenant(t);
    await addPerson(t, tenant.tenantId, { externalId: 'crm-1', email: 'anna@example.com' });
  });
  afterEach(async () => t.close());

  const link = (body: unknown, token = tenant.secretKey, externalId = 'crm-1') =>
    t.call('POST', `/v1/subjects/${externalId}/links`, { token, body });

  it('makes a signed preference-center link that signs the person in, more than once, for 30 days', async () => {
    const res = await link({ kind: 'preferences' });
    expect(res.status).toBe(201);
    const { url, expiresAt } = await res.json();
    expect(url).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:8080/p/${tenant.tenantId}#token=[A-Za-z0-9_-]{43}$`),
    );
    expect(expiresAt).toBe('2026-12-29T10:00:00.000Z');
    expect((await exchange(t, tokenIn(url))).status).toBe(200);
    expect((await exchange(t, tokenIn(url))).status).toBe(200);
    clock.advance(30 * 86_400_000 + 1);
    expect((await exchange(t, tokenIn(url))).status).toBe(401);
  });

  it('MAIL-01: makes a one-click unsubscribe URL for a purpose and channel', async () => {
    const res = await link({ kind: 'unsubscribe', purpose: 'newsletter', channel: 'email' });
    expect(res.status).toBe(201);
    const { url } = await res.json();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:8080\/u\/[A-Za-z0-9_-]{43}$/);
    const row = await t.ctx.db
      .selectFrom('tokens')
      .selectAll()
      .where('kind', '=', 'unsubscribe')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.data)).toMatchObject({ purpose: 'newsletter', channel: 'email' });
    // An unsubscribe link is not a way to sign in.
    expect((await exchange(t, tokenIn(url))).status).toBe(401);
  });

  it('refuses an unsubscribe link without a communication purpose or with a channel it does not have', async () => {
    expect((await link({ kind: 'unsubscribe' })).status).toBe(422);
    expect((await link({ kind: 'unsubscribe', purpose: 'analytics' })).status).toBe(422);
    expect(
      (await link({ kind: 'unsubscribe', purpose: 'newsletter', channel: 'push' })).status,
    ).toBe(422);
    expect((await link({ kind: 'unsubscribe', purpose: 'nope', channel: 'email' })).status).toBe(
      422,
    );
    expect((await link({ kind: 'magic' })).status).toBe(400);
  });

  it("needs subjects:write, and another tenant's subject is 404", async () => {
    const keyRes = await t.call('POST', '/v1/keys', {
      token: tenant.secretKey,
      body: { scopes: ['subjects:read'] },
    });
    const readOnly = (await keyRes.json()).secretKey;
    expect((await link({ kind: 'preferences' }, readOnly)).status).toBe(403);
    expect(
      (await t.call('POST', '/v1/subjects/crm-1/links', { body: { kind: 'preferences' } })).status,
    ).toBe(401);
    const other = await createTestTenant(t);
    expect((await link({ kind: 'preferences' }, other.secretKey)).status).toBe(404);
    expect((await link({ kind: 'preferences' }, tenant.secretKey, 'unknown')).status).toBe(404);
  });

  it('writes an audit entry without personal data', async () => {
    await link({ kind: 'preferences' });
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'link.created')
      .executeTakeFirstOrThrow();
    expect(audit.details).not.toContain('anna@example.com');
    expect(audit.details).not.toContain('crm-1');
  });

  describe('the banner visitor\'s "manage my data" link', () => {
    const visitorId = 'v_0123456789abcdef0123456789abcdef';

    it('gives a ten-minute, one-time link that signs the visitor in', async () => {
      await t.ctx.db
        .transaction()
        .execute((trx) =>
          findOrCreateVisitorSubject(trx, tenant.tenantId, visitorId, new Date().toISOString()),
        );
      // The preference center asks for it, on its own origin; no other site is let in by CORS.
      const res = await t.call('POST', '/v1/me/visitor-link', {
        body: { key: tenant.publicKey, visitorId },
        headers: { origin: PC_ORIGIN },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const { url, expiresAt } = await res.json();
      expect(expiresAt).toBe('2026-11-29T10:10:00.000Z');
      expect(url).not.toContain(visitorId);
      const first = await exchange(t, tokenIn(url));
      expect(first.status).toBe(200);
      const me = await t.call('GET', '/v1/me', {
        headers: { cookie: (first.headers.get('set-cookie') ?? '').split(';')[0] },
      });
      expect((await me.json()).subject.email).toBeNull();
      expect((await exchange(t, tokenIn(url))).status).toBe(401);
    });

    it('is 404 for a visitor nothing is stored about, 403 from any origin but the preference center, 401 for an unknown key', async () => {
      const ask = (key: string, origin: string) =>
        t.call('POST', '/v1/me/visitor-link', { body: { key, visitorId }, headers: { origin } });
      expect((await ask(tenant.publicKey, PC_ORIGIN)).status).toBe(404);
      await t.ctx.db
        .transaction()
        .execute((trx) =>
          findOrCreateVisitorSubject(trx, tenant.tenantId, visitorId, new Date().toISOString()),
        );
      expect((await ask(tenant.publicKey, 'https://evil.example')).status).toBe(403);
      expect((await ask(tenant.publicKey, 'https://shop.example')).status).toBe(403);
      expect((await ask('pk_unknown', PC_ORIGIN)).status).toBe(401);
    });
  });

  it("the session exchange itself must come from the preference center's origin", async () => {
    const { url } = await (await link({ kind: 'preferences' })).json();
    const res = await t.call('POST', '/v1/me/session', {
      body: { token: tokenIn(url) },
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(
      (
        await t.call('POST', '/v1/me/session', {
          body: { token: tokenIn(url) },
          headers: { origin: PC_ORIGIN },
        })
      ).status,
    ).toBe(200);
  });
});
