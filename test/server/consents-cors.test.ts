// CORS on the public consent API (CONTRACT.md §5): only the tenant's allowedOrigins
// are granted, preflights included; a foreign origin gets no grant and no write.
import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';

const ALLOWED = 'https://shop.example';
const FOREIGN = 'https://evil.example';

describe.each(dialects)('CORS of /v1/consents on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeEach(async () => {
    t = await startTestApp(dialect, { env: { AKKOORD_RATE_LIMITS: 'off' } });
    tenant = await createTestTenant(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const choice = (overrides: Record<string, unknown> = {}) => ({
    key: tenant.publicKey,
    visitorId: `v_${crypto.randomBytes(16).toString('base64url')}`,
    decisions: { analytics: true },
    configVersion: 1,
    clientEventId: `ce_${crypto.randomBytes(8).toString('hex')}`,
    ...overrides,
  });
  const post = (origin: string, body: unknown) => t.call('POST', '/v1/consents', { body, headers: { origin } });
  const preflight = (origin: string, path = '/v1/consents') =>
    t.call('OPTIONS', path, { headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });

  it('grants the tenant\'s origin on the write, with Vary: Origin', async () => {
    const response = await post(ALLOWED, choice());
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
  });

  it('gives a foreign origin no grant and stores nothing', async () => {
    const response = await post(FOREIGN, choice());
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
    expect(await t.ctx.db.selectFrom('consent_events').select('seq').execute()).toEqual([]);
  });

  it('answers preflights for listed origins only', async () => {
    const allowed = await preflight(ALLOWED);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    expect(allowed.headers.get('vary')).toMatch(/\bOrigin\b/);

    const foreign = await preflight(FOREIGN);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('a preflight with ?key= is judged by that tenant\'s origins alone', async () => {
    const other = await createTestTenant(t, undefined, [FOREIGN]);
    const forOther = await preflight(FOREIGN, `/v1/consents/v_${'a'.repeat(22)}?key=${other.publicKey}`);
    expect(forOther.headers.get('access-control-allow-origin')).toBe(FOREIGN);
    const forShop = await preflight(FOREIGN, `/v1/consents/v_${'a'.repeat(22)}?key=${tenant.publicKey}`);
    expect(forShop.headers.get('access-control-allow-origin')).toBeNull();
    // ...and that other tenant's origin still cannot write with this tenant's key.
    const write = await post(FOREIGN, choice());
    expect(write.status).toBe(403);
    expect(write.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the banner on a listed origin can read why a request failed', async () => {
    const unknownPurpose = await post(ALLOWED, choice({ decisions: { tracking: true } }));
    expect(unknownPurpose.status).toBe(422);
    expect(unknownPurpose.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const missingField = await post(ALLOWED, { ...choice(), clientEventId: undefined });
    expect(missingField.status).toBe(400);
    expect(missingField.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const foreignMissingField = await post(FOREIGN, { ...choice(), clientEventId: undefined });
    expect(foreignMissingField.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('grants reads of a visitor\'s consents to listed origins only', async () => {
    const body = choice();
    await post(ALLOWED, body);
    const path = `/v1/consents/${body.visitorId}?key=${tenant.publicKey}`;
    const allowed = await t.call('GET', path, { headers: { origin: ALLOWED } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const foreign = await t.call('GET', path, { headers: { origin: FOREIGN } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('requests without an Origin (servers, curl) are not CORS requests and pass', async () => {
    const response = await t.call('POST', '/v1/consents', { body: choice() });
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
