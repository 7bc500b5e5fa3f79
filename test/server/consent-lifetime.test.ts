// Consent that stays fresh (GDPR-12): a ceiling on every consent lifetime, a lifetime per
// purpose, decisions under a superseded material notice flagged by /v1/check, and a
// consent that arrives already expired named as such instead of counted as consent.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TenantConfig } from '../../shared/schemas/config.js';
import { demoConfig } from '../../server/services/config/demo.js';
import { dialects } from '../helpers/db.js';
import {
  createTestTenant,
  fixedClock,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';

const DAY = 86_400_000;
const START = '2026-11-29T10:00:00.000Z';

/** The demo configuration with a 30-day lifetime on the newsletter. */
function shortNewsletter(): TenantConfig {
  const config = demoConfig('https://shop.example');
  return {
    ...config,
    purposes: config.purposes.map((p) => (p.key === 'newsletter' ? { ...p, ttlDays: 30 } : p)),
  };
}

describe.each(dialects)('consent lifetime on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let clock: ReturnType<typeof fixedClock>;

  beforeEach(async () => {
    clock = fixedClock(START);
    t = await startTestApp(dialect, { clock });
    tenant = await createTestTenant(t, shortNewsletter());
  });
  afterEach(async () => t.close());

  const capture = async (body: Record<string, unknown>, externalId = 'crm-1') => {
    const res = await t.call('POST', `/v1/subjects/${externalId}/consents`, {
      token: tenant.secretKey,
      body: { source: 'api', ...body },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return res.json();
  };
  const check = async (purpose: string, channel?: string, subject = 'crm-1') =>
    (
      await t.call(
        'GET',
        `/v1/check?subject=${subject}&purpose=${purpose}${channel ? `&channel=${channel}` : ''}`,
        { token: tenant.secretKey },
      )
    ).json();
  const publish = async (config: TenantConfig & { material?: boolean }) =>
    t.call('PUT', '/v1/config', { token: tenant.secretKey, body: config });

  it('GDPR-12: the lint refuses a consentTtlDays or a purpose ttlDays over 730 days (about 24 months)', async () => {
    const tooLong = await publish({ ...shortNewsletter(), consentTtlDays: 731 });
    expect(tooLong.status).toBe(422);
    expect((await tooLong.json()).error.rules).toEqual(['CONSENT_TTL_TOO_LONG']);
    const purposeTooLong = shortNewsletter();
    purposeTooLong.purposes[3] = { ...purposeTooLong.purposes[3], ttlDays: 800 };
    const res = await publish(purposeTooLong);
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain('purposes.3.ttlDays');
    expect((await publish({ ...shortNewsletter(), consentTtlDays: 730 })).status).toBe(201);
  });

  it("GDPR-12: a purpose's own ttlDays sets its expiry instead of consentTtlDays; check then says expired for it only", async () => {
    await capture({ decisions: { analytics: true, newsletter: { email: true } } });
    const rows = await t.ctx.db
      .selectFrom('consent_state')
      .select(['purpose', 'expires_at'])
      .orderBy('purpose')
      .execute();
    expect(rows).toEqual([
      { purpose: 'analytics', expires_at: new Date(Date.parse(START) + 365 * DAY).toISOString() },
      { purpose: 'newsletter', expires_at: new Date(Date.parse(START) + 30 * DAY).toISOString() },
    ]);
    clock.advance(31 * DAY);
    expect(await check('newsletter', 'email')).toEqual({ allowed: false, reason: 'expired' });
    expect(await check('analytics')).toEqual({ allowed: true, reason: 'granted' });
  });

  it('GDPR-12: a decision given under a superseded material notice is flagged stale_notice by check, in the same answer shape', async () => {
    await capture({ decisions: { analytics: true, newsletter: { email: true } } });
    expect(await check('analytics')).toEqual({ allowed: true, reason: 'granted' });
    // An immaterial correction does not make consent stale.
    expect((await publish({ ...shortNewsletter(), material: false })).status).toBe(201);
    expect(await check('analytics')).toEqual({ allowed: true, reason: 'granted' });
    // A material change of the notice does.
    const changed = shortNewsletter();
    changed.purposes[1] = {
      ...changed.purposes[1],
      text: {
        ...changed.purposes[1].text,
        en: {
          name: 'Analytics',
          description: 'Measuring use, now also shared with our analytics partner.',
        },
      },
    };
    expect((await publish(changed)).status).toBe(201);
    expect(await check('analytics')).toEqual({ allowed: true, reason: 'stale_notice' });
    expect(await check('newsletter', 'email')).toEqual({ allowed: true, reason: 'stale_notice' });
    // Asking again under the new notice clears the flag; a refusal is never stale.
    await capture({ decisions: { analytics: true, newsletter: { email: false } } });
    expect(await check('analytics')).toEqual({ allowed: true, reason: 'granted' });
    expect(await check('newsletter', 'email')).toEqual({ allowed: false, reason: 'withdrawn' });
    const doc = await (await t.call('GET', '/openapi.json')).json();
    expect(doc.paths['/v1/check'].get.description).toContain('stale_notice');
  });

  it('GDPR-12: a capture already past its lifetime on arrival says so in warnings and counts as expired', async () => {
    const old = await capture({
      decisions: { newsletter: { email: true }, analytics: true },
      capturedAt: new Date(Date.parse(START) - 40 * DAY).toISOString(),
    });
    expect(old.warnings).toEqual([
      {
        code: 'CONSENT_EXPIRED_ON_ARRIVAL',
        purpose: 'newsletter',
        channel: 'email',
        expiresAt: new Date(Date.parse(START) - 10 * DAY).toISOString(),
      },
    ]);
    expect(await check('newsletter', 'email')).toEqual({ allowed: false, reason: 'expired' });
    expect(await check('analytics')).toEqual({ allowed: true, reason: 'granted' });
    const fresh = await capture({ decisions: { newsletter: { email: true } } }, 'crm-2');
    expect(fresh.warnings).toEqual([]);
  });
});
