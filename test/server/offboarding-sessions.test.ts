// Before this test: after offboarding started, preference-center
// sessions and links a tool had minted still worked. Now they end with the keys.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { addPerson, capturingMailer, cookieFrom, exchange } from '../helpers/me.js';

const tokenIn = (url: string) => /([A-Za-z0-9_-]{43})$/.exec(url)![1];

describe.each(dialects)('offboarding ends sessions and links on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let other: TestTenant;
  beforeEach(async () => {
    t = await startTestApp(dialect, { mailer: capturingMailer() });
    tenant = await createTestTenant(t);
    other = await createTestTenant(t);
    await addPerson(t, tenant.tenantId, { externalId: 'crm-1', email: 'anna@example.com' });
    await addPerson(t, other.tenantId, { externalId: 'crm-1', email: 'bert@example.com' });
  });
  afterEach(async () => t.close());

  const mint = async (tenantOf: TestTenant, kind: 'preferences' | 'unsubscribe') => {
    const res = await t.call('POST', '/v1/subjects/crm-1/links', {
      token: tenantOf.secretKey,
      body: kind === 'unsubscribe' ? { kind, purpose: 'newsletter', channel: 'email' } : { kind },
    });
    expect(res.status).toBe(201);
    return tokenIn(((await res.json()) as { url: string }).url);
  };

  it('a session cookie and a minted link stop working right after offboarding starts; other tenants keep theirs', async () => {
    const link = await mint(tenant, 'preferences');
    const unsubscribe = await mint(tenant, 'unsubscribe');
    const signedIn = await exchange(t, link);
    expect(signedIn.status).toBe(200);
    const cookie = cookieFrom(signedIn);
    expect((await t.call('GET', '/v1/me', { headers: { cookie } })).status).toBe(200);
    const otherSession = cookieFrom(await exchange(t, await mint(other, 'preferences')));

    const links = (
      await t.ctx.db
        .selectFrom('tokens')
        .select('tenant_id')
        .where('tenant_id', '=', tenant.tenantId)
        .execute()
    ).length;
    expect((await t.call('DELETE', '/v1/tenant', { token: tenant.secretKey })).status).toBe(202);

    expect((await t.call('GET', '/v1/me', { headers: { cookie } })).status).toBe(401);
    expect((await exchange(t, link)).status).toBe(401);
    // An old mail's way out still answers (it never expires), but offers nothing: its token is gone.
    const wayOut = await t.call('GET', `/u/${unsubscribe}`);
    expect(wayOut.status).toBe(200);
    expect(await wayOut.text()).not.toContain('<form');
    expect(
      await t.ctx.db
        .selectFrom('sessions')
        .select('tenant_id')
        .where('tenant_id', '=', tenant.tenantId)
        .execute(),
    ).toEqual([]);
    expect(
      await t.ctx.db
        .selectFrom('tokens')
        .select('tenant_id')
        .where('tenant_id', '=', tenant.tenantId)
        .execute(),
    ).toEqual([]);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('tenant_id', '=', tenant.tenantId)
      .where('action', '=', 'tenant.offboarding_started')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toMatchObject({ ended: { sessions: 1, links } });

    expect((await t.call('GET', '/v1/me', { headers: { cookie: otherSession } })).status).toBe(200);
  });
});
