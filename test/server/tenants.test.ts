// Tenants and keys and the error shape `{ error: { code, message } }`, on every dialect.
import { describe, expect } from 'vitest';
import { dialects } from '../helpers/db.js';
import { ADMIN_TOKEN, createTestTenant, type TestApp } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';

describe.each(dialects)('tenants and keys on %s', (dialect) => {
  let t: TestApp;
  it.override({ dialect });
  it.beforeEach(({ app }) => {
    t = app;
  });

  it('creates a tenant with the bootstrap token and shows the secret key once, storing only its hash', async () => {
    const res = await t.call('POST', '/v1/admin/tenants', {
      token: ADMIN_TOKEN,
      body: { name: 'Shop BV', allowedOrigins: ['https://shop.example'] },
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.tenant.id).toMatch(/^ten_/);
    expect(body.publicKey).toMatch(/^pk_/);
    expect(body.secretKey).toMatch(/^sk_/);
    const stored = await t.ctx.db.selectFrom('api_keys').select('key_hash').execute();
    expect(stored).toHaveLength(1);
    expect(stored[0].key_hash).not.toContain(body.secretKey);
    const list = await (await t.call('GET', '/v1/keys', { token: body.secretKey })).json();
    expect(JSON.stringify(list)).not.toContain(body.secretKey);
    expect(list.keys[0].scopes).toContain('feed:read');
  });

  it('refuses tenant creation without the bootstrap token (401) and with a wrong one (401)', async () => {
    const missing = await t.call('POST', '/v1/admin/tenants', { body: { name: 'x' } });
    expect(missing.status).toBe(401);
    expect((await missing.json()).error.code).toBe('UNAUTHORIZED');
    const wrong = await t.call('POST', '/v1/admin/tenants', {
      token: 'wrong-token-wrong-token',
      body: { name: 'x' },
    });
    expect(wrong.status).toBe(401);
  });

  it('answers 400 MALFORMED_JSON for a body that is not JSON', async () => {
    const res = await t.call('POST', '/v1/admin/tenants', {
      token: ADMIN_TOKEN,
      body: '{"name": "unterminated',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: 'MALFORMED_JSON' });
  });

  it('answers 400 VALIDATION_FAILED with issues for a wrong type', async () => {
    const res = await t.call('POST', '/v1/admin/tenants', {
      token: ADMIN_TOKEN,
      body: { name: 42 },
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.issues[0].path).toBe('name');
  });

  it('answers 413 for a body over 64 KiB', async () => {
    const res = await t.call('POST', '/v1/admin/tenants', {
      token: ADMIN_TOKEN,
      body: { name: 'x'.repeat(70 * 1024) },
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('creates a scoped key that gets 403 outside its scope, and 401 once revoked', async () => {
    const tenant = await createTestTenant(t);
    const created = await t.call('POST', '/v1/keys', {
      token: tenant.secretKey,
      body: { scopes: ['feed:read'] },
    });
    expect(created.status).toBe(201);
    const key = await created.json();
    expect(key.scopes).toEqual(['feed:read']);

    const forbidden = await t.call('GET', '/v1/keys', { token: key.secretKey });
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).error.code).toBe('FORBIDDEN');

    expect((await t.call('DELETE', `/v1/keys/${key.id}`, { token: tenant.secretKey })).status).toBe(
      204,
    );
    const revoked = await t.call('GET', '/v1/feed', { token: key.secretKey });
    expect(revoked.status).toBe(401);
    expect((await revoked.json()).error).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('answers 401 for a missing or unknown key', async () => {
    expect((await t.call('GET', '/v1/config')).status).toBe(401);
    expect((await t.call('GET', '/v1/config', { token: 'sk_unknown' })).status).toBe(401);
  });

  it("answers 404, not 403, for another tenant's key id", async () => {
    const a = await createTestTenant(t);
    const b = await createTestTenant(t);
    const keyOfB = (await (await t.call('GET', '/v1/keys', { token: b.secretKey })).json()).keys[0]
      .id;
    const res = await t.call('DELETE', `/v1/keys/${keyOfB}`, { token: a.secretKey });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('NOT_FOUND');
    const stillWorks = await t.call('GET', '/v1/keys', { token: b.secretKey });
    expect(stillWorks.status).toBe(200);
  });

  it('serves healthz, readyz and an OpenAPI document that lists the routes', async () => {
    expect((await t.call('GET', '/healthz')).status).toBe(200);
    expect(await (await t.call('GET', '/readyz')).json()).toEqual({ ok: true });
    const doc = await (await t.call('GET', '/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/v1/admin/tenants'].post.requestBody).toBeDefined();
    expect(doc.paths['/v1/config'].put).toBeDefined();
    const docs = await t.call('GET', '/docs');
    expect(await docs.text()).toContain('/v1/keys');
  });

  it('answers unknown endpoints with the JSON error shape', async () => {
    const res = await t.call('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('NOT_FOUND');
  });
});
