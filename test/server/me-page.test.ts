// The preference center page and its surroundings: the tenant's data injected as
// inert JSON, the language chosen, static assets, /dev/outbox only outside
// production, both languages complete, and every /v1/me call in /openapi.json.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import en from '../../shared/i18n/en.json';
import nl from '../../shared/i18n/nl.json';
import { jsonForScript } from '../../server/routes/preference-center.js';
import { ADMIN_TOKEN, createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { ensurePreferenceCenterBuilt } from '../helpers/preference-center-build.js';
import { addPerson, PC_ORIGIN } from '../helpers/me.js';

describe('the preference center page', () => {
  let t: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    await ensurePreferenceCenterBuilt();
  }, 60_000);
  beforeEach(async () => {
    t = await startTestApp('sqlite');
    tenant = await createTestTenant(t);
  });
  afterEach(async () => t.close());

  const pageData = (html: string) => JSON.parse(/<script type="application\/json" id="akkoord-page">(.*?)<\/script>/s.exec(html)![1]);

  it('serves the page with the tenant\'s name, languages, notice links and purposes injected', async () => {
    const res = await t.call('GET', `/p/${tenant.tenantId}`, { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<script type="module" crossorigin src="\/p\/assets\/[^"]+\.js"><\/script>/);
    const data = pageData(html);
    expect(data).toMatchObject({ tenantId: tenant.tenantId, tenantName: 'Shop BV', locale: 'en', locales: ['nl', 'en'] });
    expect(data.purposes.map((p: { key: string }) => p.key)).toEqual(['necessary', 'analytics', 'ads', 'newsletter']);
    expect(data.purposes.find((p: { key: string }) => p.key === 'ads').marketing).toBe(true);
  });

  it('starts in the tenant\'s default language, or the one asked for with ?lang=', async () => {
    expect(await (await t.call('GET', `/p/${tenant.tenantId}`)).text()).toContain('<html lang="nl">');
    expect(await (await t.call('GET', `/p/${tenant.tenantId}?lang=en`, { headers: { 'accept-language': 'nl' } })).text()).toContain('<html lang="en">');
    expect(await (await t.call('GET', `/p/${tenant.tenantId}?lang=de`)).text()).toContain('<html lang="nl">');
  });

  it('keeps configured copy inert: a name with </script> cannot end the data element', async () => {
    const created = await t.call('POST', '/v1/admin/tenants', { token: ADMIN_TOKEN, body: { name: 'Evil</script><script>alert(1)</script>' } });
    const { tenant: evil, secretKey } = await created.json();
    await t.call('PUT', '/v1/config', { token: secretKey, body: (await (await t.call('GET', '/v1/config', { token: tenant.secretKey })).json()).config });
    const html = await (await t.call('GET', `/p/${evil.id}`)).text();
    expect(html).not.toContain('<script>alert(1)');
    expect(pageData(html).tenantName).toBe('Evil</script><script>alert(1)</script>');
    expect(jsonForScript({ a: '\u2028<>&' })).toBe('{"a":"\\u2028\\u003c\\u003e\\u0026"}');
  });

  it('answers an unknown tenant with a 404 page and a bad id with 400', async () => {
    expect((await t.call('GET', '/p/ten_unknown')).status).toBe(404);
    expect((await t.call('GET', '/p/nonsense')).status).toBe(400);
  });

  it('serves its content-hashed assets for a year and nothing outside them', async () => {
    const html = await (await t.call('GET', `/p/${tenant.tenantId}`)).text();
    const script = /src="(\/p\/assets\/[^"]+\.js)"/.exec(html)![1];
    const res = await t.call('GET', script);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect((await t.call('GET', '/p/assets/missing.js')).status).toBe(404);
    expect((await t.call('GET', '/p/assets/..%2Findex.html')).status).toBe(400);
  });

  it('describes every /v1/me call and the link pages in /openapi.json', async () => {
    const doc = await (await t.call('GET', '/openapi.json')).json();
    for (const path of ['/v1/me/login', '/v1/me/session', '/v1/me', '/v1/me/consents', '/v1/me/profile', '/v1/me/export', '/v1/me/restriction',
      '/v1/me/objection', '/v1/me/erasure', '/v1/me/requests', '/v1/me/logout', '/v1/me/visitor-link', '/v1/subjects/{externalId}/links',
      '/u/{token}', '/c/{token}', '/p/{tenantId}']) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});

describe('/dev/outbox', () => {
  it('lists the outbox mails decrypted outside production', async () => {
    const t = await startTestApp('sqlite');
    try {
      const tenant = await createTestTenant(t);
      await addPerson(t, tenant.tenantId, { email: 'anna@example.com' });
      await t.call('POST', '/v1/me/login', { body: { tenant: tenant.tenantId, email: 'anna@example.com' }, headers: { origin: PC_ORIGIN } });
      let mails: Array<{ to: string; subject: string; text: string }> = [];
      for (let i = 0; i < 100 && mails.length === 0; i += 1) {
        mails = (await (await t.call('GET', '/dev/outbox')).json()).mails;
        if (mails.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(mails[0]).toMatchObject({ to: 'anna@example.com', subject: 'Je inloglink voor Shop BV' });
      expect(mails[0].text).toContain('#token=');
      // In the table itself the address is encrypted.
      const row = await t.ctx.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
      expect(row.to_enc).not.toContain('anna@example.com');
    } finally {
      await t.close();
    }
  });

  it('does not exist in production', async () => {
    const t = await startTestApp('sqlite', { env: { NODE_ENV: 'production' } });
    try {
      expect((await t.call('GET', '/dev/outbox')).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});

describe('preference center and e-mail texts', () => {
  const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
  for (const section of ['preferenceCenter', 'email'] as const) {
    it(`Dutch and English have the same ${section} keys and placeholders, none empty`, () => {
      const a = nl[section] as Record<string, string>;
      const b = en[section] as Record<string, string>;
      expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
      for (const key of Object.keys(a)) {
        expect(a[key].trim(), key).not.toBe('');
        expect(placeholders(a[key]), key).toEqual(placeholders(b[key]));
      }
    });
  }
});
