// How answers travel: every text answer over 1,400 bytes is gzipped for a client that accepts
// it (not the long-poll feed), the site icon exists and Akkoord's pages link it, and the
// preference center's content-hashed assets are immutable, with an ETag that revalidates.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { ensurePreferenceCenterBuilt } from '../helpers/preference-center-build.js';

describe('compression, favicon and asset caching', () => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeAll(async () => {
    await ensurePreferenceCenterBuilt();
    t = await startTestApp('sqlite');
    tenant = await createTestTenant(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    t.call('GET', path, { headers });
  const gunzip = async (res: Response) =>
    gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8');

  it.each(['/docs', '/openapi.json'])(
    '%s is gzipped when the client accepts gzip, and plain when not',
    async (path) => {
      const zipped = await get(path, { 'accept-encoding': 'gzip, deflate, br' });
      expect(zipped.status).toBe(200);
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      expect(zipped.headers.get('vary')).toMatch(/accept-encoding/i);
      const text = await gunzip(zipped);
      const plain = await get(path);
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(await plain.text()).toBe(text);
    },
  );

  it('the preference center page and an error answer are compressed too; small answers are not', async () => {
    const page = await get(`/p/${tenant.tenantId}`, { 'accept-encoding': 'gzip' });
    expect(page.headers.get('content-encoding')).toBe('gzip');
    expect(await gunzip(page)).toContain('akkoord-page');
    const health = await get('/healthz', { 'accept-encoding': 'gzip' });
    expect(health.headers.get('content-encoding')).toBeNull();
  });

  it("a banner choice's answer, a receipt of about a kilobyte, goes out plain with its length", async () => {
    // A tenant of its own, so the feed test below reads only its own events.
    const shop = await createTestTenant(t);
    const res = await t.call('POST', '/v1/consents', {
      headers: { 'accept-encoding': 'gzip, deflate, br, zstd', origin: 'https://shop.example' },
      body: {
        key: shop.publicKey,
        visitorId: 'v_c4o6ZnA5iAoFVONoIABBWg',
        decisions: { analytics: true },
        configVersion: 1,
        locale: 'en',
        clientEventId: 'ce_0f3a9c2e7b1d4a55',
      },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
    const body = new Uint8Array(await res.arrayBuffer());
    expect(body.byteLength).toBeGreaterThan(900);
    expect(res.headers.get('content-length')).toBe(String(body.byteLength));
    expect(JSON.parse(new TextDecoder().decode(body))).toHaveProperty('receipt');
  });

  it('a streamed NDJSON export is gzipped as it streams', async () => {
    const res = await t.call('GET', '/v1/export', {
      token: tenant.secretKey,
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const lines = (await gunzip(res)).trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) JSON.parse(line);
  });

  it('the long-poll feed is never compressed, however large the page', async () => {
    for (let i = 0; i < 12; i++) {
      expect(
        (
          await t.call('POST', `/v1/subjects/crm-${i}/consents`, {
            token: tenant.secretKey,
            body: { decisions: { analytics: true } },
          })
        ).status,
      ).toBe(201);
    }
    const feed = await t.call('GET', '/v1/feed?limit=100', {
      token: tenant.secretKey,
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(feed.status).toBe(200);
    const body = await feed.text();
    expect(body.length).toBeGreaterThan(1400);
    expect(feed.headers.get('content-encoding')).toBeNull();
    expect(JSON.parse(body).events).toHaveLength(12);
  });

  it("/favicon.ico is an SVG icon, and Akkoord's pages link it", async () => {
    const icon = await get('/favicon.ico');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(await icon.text()).toMatch(/^<svg /);
    expect((await get('/favicon.ico', { 'if-none-match': icon.headers.get('etag')! })).status).toBe(
      304,
    );
    const link = '<link rel="icon" href="/favicon.ico" type="image/svg+xml">';
    expect(await (await get('/docs')).text()).toContain(link);
    expect(await (await get(`/p/${tenant.tenantId}`)).text()).toContain(link);
    expect(await (await get('/p/ten_nobody')).text()).toContain(link);
    // The link page's own policy lets the icon load.
    expect((await get('/p/ten_nobody')).headers.get('content-security-policy')).toContain(
      "img-src 'self'",
    );
  });

  it('preference-center assets: immutable for a year, ETag, 304 on If-None-Match (strong or weak)', async () => {
    const html = await (await get(`/p/${tenant.tenantId}`)).text();
    const asset = /\/p\/assets\/[^"]+\.js/.exec(html)![0];
    const first = await get(asset, { 'accept-encoding': 'gzip' });
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(first.headers.get('content-encoding')).toBe('gzip');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[\w-]+"$/);
    const again = await get(asset, { 'if-none-match': etag, 'accept-encoding': 'gzip' });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const strong = (await get(asset)).headers.get('etag')!;
    expect(strong).toBe(etag.slice(2));
    expect((await get(asset, { 'if-none-match': strong })).status).toBe(304);
    expect((await get(asset, { 'if-none-match': '"something-else"' })).status).toBe(200);
  });
});
