// Consent expiry (GDPR-12: consent is refreshed at intervals): a grant past
// consentTtlDays reads as expired at once, and the job records `expired` in the
// ledger and the feed, once, without touching anything else.
import crypto from 'node:crypto';
import { beforeEach, describe, expect, vi } from 'vitest';
import { expireConsents, startExpiryJob } from '../../server/services/consent/consent-expiry.js';
import { verifyLedger } from '../../server/services/ledger/ledger-verify.js';
import { dialects } from '../helpers/db.js';
import { fixedClock, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';

const DAY = 86_400_000;

describe.each(dialects)('consent expiry on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const clock = fixedClock('2026-01-10T09:00:00.000Z');
  beforeEach(() => {
    clock.set('2026-01-10T09:00:00.000Z');
  });
  it.override({ dialect, appOptions: { clock, env: { AKKOORD_RATE_LIMITS: 'off' } } });
  it.beforeEach(({ app, tenant: made }) => {
    t = app;
    tenant = made;
  });

  async function choose(
    visitorId: string,
    decisions: Record<string, unknown>,
    locale = 'en',
  ): Promise<void> {
    const response = await t.call('POST', '/v1/consents', {
      body: {
        key: tenant.publicKey,
        visitorId,
        decisions,
        configVersion: 1,
        locale,
        clientEventId: `ce_${crypto.randomBytes(8).toString('hex')}`,
      },
    });
    expect(response.status).toBe(201);
  }
  const newVisitor = () => `v_${crypto.randomBytes(16).toString('base64url')}`;
  const stateOf = async (visitorId: string) =>
    (
      (await (await t.call('GET', `/v1/consents/${visitorId}?key=${tenant.publicKey}`)).json()) as {
        state: Record<string, unknown>;
      }
    ).state;

  it('GDPR-12: records expired for grants past consentTtlDays, with source expiry, in the ledger and the feed', async () => {
    const visitor = newVisitor();
    await choose(visitor, { analytics: true, ads: false }, 'en');
    clock.advance(200 * DAY);
    const fresh = newVisitor();
    await choose(fresh, { analytics: true });

    clock.advance(166 * DAY); // 366 days after the first choice, 166 after the second
    expect(await stateOf(visitor)).toMatchObject({ analytics: 'expired', ads: 'denied' });
    expect(
      await t.ctx.db
        .selectFrom('consent_events')
        .select('seq')
        .where('status', '=', 'expired')
        .execute(),
    ).toEqual([]);

    expect(await expireConsents(t.ctx)).toEqual({ subjects: 1, events: 1 });
    const expired = await t.ctx.db
      .selectFrom('consent_events')
      .selectAll()
      .where('status', '=', 'expired')
      .execute();
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({
      purpose: 'analytics',
      source: 'expiry',
      locale: 'en',
      config_version: 1,
      occurred_at: clock.now().toISOString(),
    });
    const feed = await t.ctx.db
      .selectFrom('feed_events')
      .select('data')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(feed.data)).toEqual({
      state: { analytics: 'expired' },
      source: 'expiry',
      configVersion: 1,
    });
    expect(await stateOf(visitor)).toMatchObject({ analytics: 'expired', ads: 'denied' });
    expect(await stateOf(fresh)).toMatchObject({ analytics: 'granted' });

    // Running again finds nothing; the chain stays whole.
    expect(await expireConsents(t.ctx)).toEqual({ subjects: 0, events: 0 });
    expect(await verifyLedger(t.ctx.db, tenant.tenantId)).toMatchObject({ ok: true });
  });

  it('recording an expiry is not activity of the person (the inactive-subject retention rule still counts from their last act)', async () => {
    const visitor = newVisitor();
    await choose(visitor, { analytics: true });
    const before = await t.ctx.db
      .selectFrom('subjects')
      .select('last_activity_at')
      .executeTakeFirstOrThrow();
    clock.advance(366 * DAY);
    expect(await expireConsents(t.ctx)).toEqual({ subjects: 1, events: 1 });
    const after = await t.ctx.db
      .selectFrom('subjects')
      .select('last_activity_at')
      .executeTakeFirstOrThrow();
    expect(after.last_activity_at).toBe(before.last_activity_at);
  });

  it('a grant renewed before the run is left alone', async () => {
    const visitor = newVisitor();
    await choose(visitor, { analytics: true });
    clock.advance(400 * DAY);
    // The banner asked again and the person agreed again.
    await choose(visitor, { analytics: true });
    expect(await expireConsents(t.ctx)).toEqual({ subjects: 0, events: 0 });
    expect(await stateOf(visitor)).toMatchObject({ analytics: 'granted' });
  });

  it('works through more subjects than one page', async () => {
    const visitors = Array.from({ length: 12 }, newVisitor);
    for (const visitor of visitors) await choose(visitor, { analytics: true, ads: true });
    clock.advance(366 * DAY);
    expect(await expireConsents(t.ctx)).toEqual({ subjects: 12, events: 24 });
    expect(await verifyLedger(t.ctx.db, tenant.tenantId)).toMatchObject({ ok: true, events: 48 });
  });

  it('startExpiryJob runs on its timer and stops', async () => {
    const visitor = newVisitor();
    await choose(visitor, { analytics: true });
    clock.advance(366 * DAY);
    const stop = startExpiryJob(t.ctx, { firstRunMs: 10, intervalMs: 60_000 });
    try {
      await vi.waitFor(
        async () => {
          expect(
            await t.ctx.db
              .selectFrom('consent_events')
              .select('seq')
              .where('status', '=', 'expired')
              .execute(),
          ).toHaveLength(1);
        },
        { timeout: 5_000 },
      );
    } finally {
      stop();
    }
  });
});
