// Error answers say what is wrong: a body that does not parse is "not valid JSON", a field
// that is wrong is named with its problem; and the consent API's Vary names Origin once.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';

describe.each(dialects)('error messages on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTestTenant(t);
  });
  afterAll(async () => {
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
  const errorOf = async (response: Response) =>
    (
      (await response.json()) as {
        error: { code: string; message: string; issues?: { path: string }[] };
      }
    ).error;

  it('valid JSON with one wrong field names that field, and never says "Invalid json"', async () => {
    const error = await errorOf(
      await t.call('POST', '/v1/consents', { body: choice({ visitorId: 'nope' }) }),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/^Invalid field "visitorId": /);
    expect(error.message).not.toMatch(/json/i);
    expect(error.issues?.map((i) => i.path)).toEqual(['visitorId']);
  });

  it('several wrong fields: the first is named, the count of the others given, all in issues', async () => {
    const error = await errorOf(
      await t.call('POST', '/v1/consents', { body: choice({ visitorId: 1, configVersion: 'x' }) }),
    );
    expect(error.message).toMatch(
      /^Invalid field "visitorId": .*\(and 1 more problem, see issues\)$/,
    );
    expect(error.issues?.map((i) => i.path).sort()).toEqual(['configVersion', 'visitorId']);
  });

  it('a query parameter problem names the parameter', async () => {
    const error = await errorOf(
      await t.call('GET', '/v1/feed?limit=0', { token: tenant.secretKey }),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/^Invalid query parameter "limit": /);
  });

  it('a body that does not parse is MALFORMED_JSON and says so', async () => {
    const error = await errorOf(await t.call('POST', '/v1/consents', { body: '{"key":' }));
    expect(error).toMatchObject({ code: 'MALFORMED_JSON', message: 'The body is not valid JSON' });
  });

  it('the consent answers name Origin in Vary once', async () => {
    const headers = { origin: 'https://shop.example' };
    const posted = await t.call('POST', '/v1/consents', { body: choice(), headers });
    expect(posted.status).toBe(201);
    const origins = (response: Response) =>
      (response.headers.get('vary') ?? '')
        .split(',')
        .filter((name) => name.trim().toLowerCase() === 'origin');
    expect(origins(posted)).toHaveLength(1);
    const visitorId = `v_${crypto.randomBytes(16).toString('base64url')}`;
    const read = await t.call('GET', `/v1/consents/${visitorId}?key=${tenant.publicKey}`, {
      headers,
    });
    expect(read.status).toBe(404);
    expect(origins(read)).toHaveLength(1);
  });
});
