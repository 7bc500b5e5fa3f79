// The preference center page and its surroundings: the tenant's data injected as
// inert JSON, the language chosen, static assets, /dev/outbox only outside
// production and only for a loopback client with the admin token, both languages
// complete, and every /v1/me call in /openapi.json.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import en from '../../shared/i18n/en.json';
import nl from '../../shared/i18n/nl.json';
import { jsonForScript } from '../../server/routes/preference-center.js';
import {
  ADMIN_TOKEN,
  createTestTenant,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';
import { serveTestApp } from '../helpers/server.js';
import { ensurePreferenceCenterBuilt } from '../helpers/preference-center-build.js';
import { issueToken } from '../../server/services/me/links.js';
import { addPerson, cookieFrom, exchange } from '../helpers/me.js';

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

  const pageData = (html: string) =>
    JSON.parse(
      /<script type="application\/json" id="akkoord-page">(.*?)<\/script>/s.exec(html)![1],
    );

  it("serves the page with the tenant's name, languages, notice links and purposes injected", async () => {
    const res = await t.call('GET', `/p/${tenant.tenantId}`, {
      headers: { 'accept-language': 'en-GB,en;q=0.9' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(
      /<script type="module" crossorigin src="\/p\/assets\/[^"]+\.js"><\/script>/,
    );
    const data = pageData(html);
    expect(data).toMatchObject({
      tenantId: tenant.tenantId,
      tenantName: 'Shop BV',
      locale: 'en',
      locales: ['nl', 'en'],
    });
    expect(data.purposes.map((p: { key: string }) => p.key)).toEqual([
      'necessary',
      'analytics',
      'ads',
      'newsletter',
    ]);
    expect(data.purposes.find((p: { key: string }) => p.key === 'ads').marketing).toBe(true);
  });

  it("starts in the tenant's default language, or the one asked for with ?lang=", async () => {
    expect(await (await t.call('GET', `/p/${tenant.tenantId}`)).text()).toContain(
      '<html lang="nl">',
    );
    expect(
      await (
        await t.call('GET', `/p/${tenant.tenantId}?lang=en`, {
          headers: { 'accept-language': 'nl' },
        })
      ).text(),
    ).toContain('<html lang="en">');
    expect(await (await t.call('GET', `/p/${tenant.tenantId}?lang=de`)).text()).toContain(
      '<html lang="nl">',
    );
  });

  it('keeps configured copy inert: a name with </script> cannot end the data element', async () => {
    const created = await t.call('POST', '/v1/admin/tenants', {
      token: ADMIN_TOKEN,
      body: { name: 'Evil</script><script>alert(1)</script>' },
    });
    const { tenant: evil, secretKey } = await created.json();
    await t.call('PUT', '/v1/config', {
      token: secretKey,
      body: (await (await t.call('GET', '/v1/config', { token: tenant.secretKey })).json()).config,
    });
    const html = await (await t.call('GET', `/p/${evil.id}`)).text();
    expect(html).not.toContain('<script>alert(1)');
    expect(pageData(html).tenantName).toBe('Evil</script><script>alert(1)</script>');
    expect(jsonForScript({ a: '\u2028<>&' })).toBe('{"a":"\\u2028\\u003c\\u003e\\u0026"}');
  });

  it('answers an unknown tenant with a 404 page and a bad id with 400', async () => {
    expect((await t.call('GET', '/p/ten_unknown')).status).toBe(404);
    expect((await t.call('GET', '/p/nonsense')).status).toBe(400);
  });

  it('says in the page whether a live session of this tenant came with it, without touching the session; a title and description in the page language', async () => {
    const subjectId = await addPerson(t, tenant.tenantId, { email: 'sessie@example.com' });
    const { token } = await issueToken(t.ctx.db, t.ctx, {
      tenantId: tenant.tenantId,
      kind: 'login',
      subjectId,
    });
    const cookie = cookieFrom(await exchange(t, token));
    const before = await t.ctx.db.selectFrom('sessions').selectAll().execute();
    const withSession = await (
      await t.call('GET', `/p/${tenant.tenantId}`, { headers: { cookie } })
    ).text();
    expect(pageData(withSession).signedIn).toBe(true);
    expect(await t.ctx.db.selectFrom('sessions').selectAll().execute()).toEqual(before);
    expect(pageData(await (await t.call('GET', `/p/${tenant.tenantId}`)).text()).signedIn).toBe(
      false,
    );
    expect(
      pageData(
        await (
          await t.call('GET', `/p/${tenant.tenantId}`, { headers: { cookie: 'akkoord_pc=forged' } })
        ).text(),
      ).signedIn,
    ).toBe(false);
    // Another tenant's page does not count this tenant's session.
    const other = await createTestTenant(t);
    expect(
      pageData(await (await t.call('GET', `/p/${other.tenantId}`, { headers: { cookie } })).text())
        .signedIn,
    ).toBe(false);
    expect(withSession).toContain('<title>Jouw gegevens bij Shop BV</title>');
    expect(withSession).toMatch(
      /<meta name="description" content="Bekijk en wijzig wat Shop BV over je heeft: [^"]+">/,
    );
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
    for (const path of [
      '/v1/me/login',
      '/v1/me/session',
      '/v1/me',
      '/v1/me/consents',
      '/v1/me/profile',
      '/v1/me/export',
      '/v1/me/restriction',
      '/v1/me/objection',
      '/v1/me/erasure',
      '/v1/me/requests',
      '/v1/me/logout',
      '/v1/me/step-up',
      '/v1/me/visitor-link',
      '/v1/subjects/{externalId}/links',
      '/u/{token}',
      '/c/{token}',
      '/p/{tenantId}',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});

describe('/dev/outbox', () => {
  const asClient = (
    t: TestApp,
    remoteAddress: string | null,
    headers: Record<string, string> = {},
  ) =>
    t.app.request(
      '/dev/outbox',
      { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers } },
      remoteAddress
        ? {
            incoming: {
              socket: {
                remoteAddress,
                remotePort: 40000,
                remoteFamily: remoteAddress.includes(':') ? 'IPv6' : 'IPv4',
              },
            },
          }
        : undefined,
    );

  it('lists the outbox mails decrypted to a loopback client with the admin token, outside production', async () => {
    const served = await serveTestApp();
    const { t, url } = served;
    try {
      const tenant = await createTestTenant(t);
      await addPerson(t, tenant.tenantId, { email: 'anna@example.com' });
      await t.call('POST', '/v1/me/login', {
        body: { tenant: tenant.tenantId, email: 'anna@example.com' },
        headers: { origin: url },
      });
      let mails: Array<{ to: string; subject: string; text: string }> = [];
      for (let i = 0; i < 100 && mails.length === 0; i += 1) {
        const response = await fetch(`${url}/dev/outbox`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        expect(response.status).toBe(200);
        mails = (await response.json()).mails;
        if (mails.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(mails[0]).toMatchObject({
        to: 'anna@example.com',
        subject: 'Je inloglink voor Shop BV',
        status: 'kept',
      });
      expect(mails[0].text).toContain('#token=');
      // In the table itself the address is encrypted.
      const row = await t.ctx.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
      expect(row.to_enc).not.toContain('anna@example.com');
      // Without the token, or with a wrong one, nothing.
      expect((await fetch(`${url}/dev/outbox`)).status).toBe(401);
      expect(
        (
          await fetch(`${url}/dev/outbox`, {
            headers: { authorization: 'Bearer wrong-token-0123456789' },
          })
        ).status,
      ).toBe(401);
    } finally {
      await served.close();
    }
  });

  it('is not there for a client off this machine, one behind a proxy, or an in-process call', async () => {
    const t = await startTestApp('sqlite');
    try {
      expect((await asClient(t, '127.0.0.1')).status).toBe(200);
      expect((await asClient(t, '::1')).status).toBe(200);
      expect((await asClient(t, '::ffff:127.0.0.1')).status).toBe(200);
      expect((await asClient(t, '203.0.113.9')).status).toBe(404);
      expect((await asClient(t, '2001:db8::9')).status).toBe(404);
      // A reverse proxy on this machine makes every client look local: forwarded requests are refused.
      expect((await asClient(t, '127.0.0.1', { 'x-forwarded-for': '203.0.113.9' })).status).toBe(
        404,
      );
      expect((await asClient(t, '127.0.0.1', { forwarded: 'for=203.0.113.9' })).status).toBe(404);
      expect((await asClient(t, '127.0.0.1', { 'x-real-ip': '203.0.113.9' })).status).toBe(404);
      expect((await asClient(t, null)).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('does not exist in production, even for a loopback client with the token', async () => {
    const t = await startTestApp('sqlite', {
      env: { NODE_ENV: 'production', PUBLIC_URL: 'https://consent.example' },
    });
    try {
      expect((await asClient(t, '127.0.0.1')).status).toBe(404);
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
