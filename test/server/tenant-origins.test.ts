// A tenant's allowed origins through GET/PUT /v1/tenant/origins: validated (wildcard subdomains
// yes, a bare * never), audited, and in force for the banner's writes within a second.
import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';

const SHOP = 'https://shop.example';
const WWW = 'https://www.shop.example';

describe.each(dialects)('allowed origins on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeEach(async () => {
    t = await startTestApp(dialect, { env: { AKKOORD_RATE_LIMITS: 'off' } });
    tenant = await createTestTenant(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const put = (allowedOrigins: unknown, token = tenant.secretKey) =>
    t.call('PUT', '/v1/tenant/origins', { token, body: { allowedOrigins } });
  const record = (origin: string) =>
    t.call('POST', '/v1/consents', {
      headers: { origin },
      body: {
        key: tenant.publicKey,
        visitorId: `v_${crypto.randomBytes(16).toString('hex')}`,
        decisions: { analytics: true },
        configVersion: 1,
        clientEventId: `ce_${crypto.randomBytes(8).toString('hex')}`,
      },
    });

  it('reads and replaces the list, normalised, for an admin key only', async () => {
    const read = await t.call('GET', '/v1/tenant/origins', { token: tenant.secretKey });
    expect(await read.json()).toEqual({ allowedOrigins: [SHOP] });

    const replaced = await put([
      SHOP,
      'HTTPS://WWW.Shop.Example:443/',
      'https://*.staging.shop.example',
      SHOP,
    ]);
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toEqual({
      allowedOrigins: [SHOP, WWW, 'https://*.staging.shop.example'],
    });

    const keyed = await t.call('POST', '/v1/keys', {
      token: tenant.secretKey,
      body: { scopes: ['subjects:read'] },
    });
    const { secretKey } = (await keyed.json()) as { secretKey: string };
    expect((await t.call('GET', '/v1/tenant/origins', { token: secretKey })).status).toBe(403);
    expect((await put([SHOP], secretKey)).status).toBe(403);
  });

  it.each([
    ['*'],
    ['https://*'],
    ['https://*.example'],
    ['https://shop.example/path'],
    ['shop.example'],
    ['ftp://shop.example'],
    ['https://a.*.shop.example'],
  ])('refuses %s', async (entry) => {
    const response = await put([entry]);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('writes the change to the audit log, with what was added and removed', async () => {
    await put([WWW]);
    const entry = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .where('action', '=', 'tenant.origins_changed')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.details)).toEqual({ added: [WWW], removed: [SHOP] });
    expect(entry.actor).toMatch(/^key_/);
  });

  it('is in force for the banner at once, although the public key is cached', async () => {
    expect((await record(WWW)).status).toBe(403); // also fills the public-key cache
    await put([SHOP, WWW]);
    expect((await record(WWW)).status).toBe(201);
    await put([SHOP]);
    const refused = await record(WWW);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'ORIGIN_NOT_ALLOWED',
    );
  });

  it('a wildcard admits every subdomain of that site, on that scheme and port only', async () => {
    await put(['https://*.shop.example']);
    expect((await record('https://www.shop.example')).status).toBe(201);
    expect((await record('https://a.b.shop.example')).status).toBe(201);
    for (const other of [
      SHOP,
      'http://www.shop.example',
      'https://www.shop.example:8443',
      'https://evilshop.example',
      'https://shop.example.evil.example',
    ]) {
      expect((await record(other)).status, other).toBe(403);
    }
  });

  it('a rate-limited banner can read its 429', async () => {
    await t.close();
    t = await startTestApp(dialect, { env: { AKKOORD_RATE_LIMITS: '{"publicPerIp":"3/60"}' } });
    tenant = await createTestTenant(t);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await record('https://elsewhere.example'));
    const limited = answers.at(-1)!;
    expect(limited.status).toBe(429);
    expect(limited.headers.get('access-control-allow-origin')).toBe('https://elsewhere.example');
  });
});

describe('the demo tenant', () => {
  it('a demo from before gains the missing loopback name at the next start, audited', async () => {
    const { ensureDemoTenant } = await import('../../server/services/config/demo.js');
    const t = await startTestApp('sqlite');
    try {
      const demo = (await ensureDemoTenant(t.ctx))!;
      await t.ctx.db
        .updateTable('tenants')
        .set({ allowed_origins: JSON.stringify(['http://127.0.0.1:8080']) })
        .execute();
      await ensureDemoTenant(t.ctx);
      const row = await t.ctx.db
        .selectFrom('tenants')
        .select('allowed_origins')
        .where('id', '=', demo.tenantId)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(row.allowed_origins)).toEqual([
        'http://127.0.0.1:8080',
        'http://localhost:8080',
      ]);
      const audit = await t.ctx.db
        .selectFrom('audit_log')
        .select('actor')
        .where('action', '=', 'tenant.origins_changed')
        .execute();
      expect(audit).toEqual([{ actor: 'system' }]);
    } finally {
      await t.close();
    }
  });

  it('allows its page at 127.0.0.1 and at localhost on the same port', async () => {
    const { demoOrigins } = await import('../../server/services/config/demo.js');
    expect(demoOrigins('http://127.0.0.1:8080')).toEqual([
      'http://127.0.0.1:8080',
      'http://localhost:8080',
    ]);
    expect(demoOrigins('http://localhost:8080')).toEqual([
      'http://localhost:8080',
      'http://127.0.0.1:8080',
    ]);
    expect(demoOrigins('https://consent.shop.example')).toEqual(['https://consent.shop.example']);
  });
});
