// Before this test: the scope consent:write granted nothing, so a tool
// that only records consent needed subjects:write (and with it every person's data).
import { describe, expect } from 'vitest';
import { dialects } from '../helpers/db.js';
import { type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';

describe.each(dialects)('scope consent:write on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const key = async (scopes: string[]) => {
    const res = await t.call('POST', '/v1/keys', { token: tenant.secretKey, body: { scopes } });
    return ((await res.json()) as { secretKey: string }).secretKey;
  };
  it.override({ dialect });
  it.beforeEach(({ app, tenant: made }) => {
    t = app;
    tenant = made;
  });

  it('a consent:write key records captured consent and nothing else; subjects:write keeps working', async () => {
    const consentOnly = await key(['consent:write']);
    const captured = await t.call('POST', '/v1/subjects/crm-1/consents', {
      token: consentOnly,
      body: { decisions: { newsletter: { email: true } } },
    });
    expect(captured.status).toBe(201);
    expect(((await captured.json()) as any).state.newsletter.email).toBe('granted');
    // It reaches no person and mints no link.
    expect(
      (
        await t.call('PUT', '/v1/subjects/crm-1', {
          token: consentOnly,
          body: { email: 'a@example.nl' },
        })
      ).status,
    ).toBe(403);
    expect((await t.call('GET', '/v1/subjects/crm-1', { token: consentOnly })).status).toBe(403);
    expect(
      (
        await t.call('POST', '/v1/subjects/crm-1/records/orders', {
          token: consentOnly,
          body: [{ n: 1 }],
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await t.call('POST', '/v1/subjects/crm-1/links', {
          token: consentOnly,
          body: { kind: 'preferences' },
        })
      ).status,
    ).toBe(403);
    expect((await t.call('GET', '/v1/feed', { token: consentOnly })).status).toBe(403);

    const writer = await key(['subjects:write']);
    expect(
      (
        await t.call('POST', '/v1/subjects/crm-2/consents', {
          token: writer,
          body: { decisions: { newsletter: { email: true } } },
        })
      ).status,
    ).toBe(201);
  });

  it('/openapi.json names either scope as enough, and the scope table in /docs says what each grants', async () => {
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as any;
    // Each scope is enough with a secret key, or with a console session whose role holds it.
    expect(doc.paths['/v1/subjects/{externalId}/consents'].post.security).toEqual([
      { secretKey: ['consent:write'] },
      { staffSession: ['consent:write'] },
      { secretKey: ['subjects:write'] },
      { staffSession: ['subjects:write'] },
    ]);
    expect(doc.paths['/v1/subjects/{externalId}'].put.security).toEqual([
      { secretKey: ['subjects:write'] },
      { staffSession: ['subjects:write'] },
    ]);
    const page = await (await t.call('GET', '/docs')).text();
    const row = /<tr><td><code>consent:write<\/code><\/td>([\s\S]*?)<\/tr>/.exec(page);
    expect(row?.[1]).toContain('POST /v1/subjects/{externalId}/consents');
    expect(row?.[1]).not.toContain('PUT /v1/subjects');
  });
});
