// CORS on the public consent API: only the tenant's allowed origins may write or read a
// visitor's consents; a foreign origin is refused, readably, and stores nothing.
import crypto from 'node:crypto';
import { describe, expect } from 'vitest';
import { dialects } from '../helpers/db.js';
import { createTestTenant, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';

const ALLOWED = 'https://shop.example';
const FOREIGN = 'https://evil.example';

describe.each(dialects)('CORS of /v1/consents on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  it.override({ dialect, appOptions: { env: { AKKOORD_RATE_LIMITS: 'off' } } });
  it.beforeEach(({ app, tenant: made }) => {
    t = app;
    tenant = made;
  });

  const choice = (overrides: Record<string, unknown> = {}) => ({
    key: tenant.publicKey,
    visitorId: `v_${crypto.randomBytes(16).toString('base64url')}`,
    decisions: { analytics: true },
    configVersion: 1,
    clientEventId: `ce_${crypto.randomBytes(8).toString('hex')}`,
    ...overrides,
  });
  const post = (origin: string, body: unknown) =>
    t.call('POST', '/v1/consents', { body, headers: { origin } });
  const preflight = (origin: string, path = '/v1/consents') =>
    t.call('OPTIONS', path, {
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

  it("grants the tenant's origin on the write, with Vary: Origin", async () => {
    const response = await post(ALLOWED, choice());
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
  });

  it('refuses a foreign origin with a readable ORIGIN_NOT_ALLOWED and stores nothing', async () => {
    const response = await post(FOREIGN, choice());
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'ORIGIN_NOT_ALLOWED',
    );
    // Readable, so the banner on that page can tell the site's developer what to fix.
    expect(response.headers.get('access-control-allow-origin')).toBe(FOREIGN);
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
    expect(await t.ctx.db.selectFrom('consent_events').select('seq').execute()).toEqual([]);
  });

  it('answers preflights for any web origin, never for "null"; the request itself decides', async () => {
    for (const origin of [ALLOWED, FOREIGN]) {
      const answer = await preflight(origin);
      expect(answer.status).toBe(204);
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
      expect(answer.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(answer.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
        'content-type',
      );
      expect(answer.headers.get('vary')).toMatch(/\bOrigin\b/);
    }
    const opaque = await preflight('null');
    expect(opaque.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("another tenant's origin cannot write with this tenant's key", async () => {
    await createTestTenant(t, undefined, [FOREIGN]);
    const write = await post(FOREIGN, choice());
    expect(write.status).toBe(403);
    expect(await t.ctx.db.selectFrom('consent_events').select('seq').execute()).toEqual([]);
  });

  it('any page can read why a request failed: bad body, unknown purpose, unknown key', async () => {
    const unknownPurpose = await post(ALLOWED, choice({ decisions: { tracking: true } }));
    expect(unknownPurpose.status).toBe(422);
    expect(unknownPurpose.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const missingField = await post(FOREIGN, { ...choice(), clientEventId: undefined });
    expect(missingField.status).toBe(400);
    expect(missingField.headers.get('access-control-allow-origin')).toBe(FOREIGN);
    const unknownKey = await post(FOREIGN, choice({ key: 'pk_unknown' }));
    expect(unknownKey.status).toBe(401);
    expect(unknownKey.headers.get('access-control-allow-origin')).toBe(FOREIGN);
  });

  it("grants reads of a visitor's consents to listed origins only", async () => {
    const body = choice();
    await post(ALLOWED, body);
    const path = `/v1/consents/${body.visitorId}?key=${tenant.publicKey}`;
    const allowed = await t.call('GET', path, { headers: { origin: ALLOWED } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const foreign = await t.call('GET', path, { headers: { origin: FOREIGN } });
    expect(foreign.status).toBe(403);
    // The refusal is readable; the visitor's data is not in it.
    expect(await foreign.text()).not.toContain('granted');
  });

  it('requests without an Origin (servers, curl) are not CORS requests and pass', async () => {
    const response = await t.call('POST', '/v1/consents', { body: choice() });
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
