// Before these tests: stored answers to retried writes were keyed by
// tenant and clientEventId only and never expired. A second visitor with the same id got
// the first one's answer (and receipt) and their choice was lost; after an erasure, the
// old answer still handed out the erased person's ids. Both write paths are covered: the
// synchronous SQLite writer and the Kysely path (PostgreSQL), and captured consent.
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneAnswers } from '../../server/services/idempotency.js';
import { dialects } from '../helpers/db.js';
import {
  createTestTenant,
  fixedClock,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';

const T0 = '2026-11-30T10:00:00.000Z';
const HOUR = 3_600_000;
const VISITOR_A = 'v_AAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const VISITOR_B = 'v_BBBBBBBBBBBBBBBBBBBBBBBBBBBB';

describe.each(dialects)('idempotency answers on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let key: string;
  const clock = fixedClock(T0);

  beforeEach(async () => {
    clock.set(T0);
    t = await startTestApp(dialect, { clock });
    tenant = await createTestTenant(t);
    const res = await t.call('POST', '/v1/keys', {
      token: tenant.secretKey,
      body: { scopes: ['subjects:write', 'requests:manage'] },
    });
    key = ((await res.json()) as { secretKey: string }).secretKey;
  });
  afterEach(async () => t.close());

  const banner = (visitorId: string, clientEventId: string, analytics: boolean) =>
    t.call('POST', '/v1/consents', {
      headers: { origin: 'https://shop.example' },
      body: {
        key: tenant.publicKey,
        visitorId,
        decisions: { analytics },
        configVersion: 1,
        source: 'banner',
        clientEventId,
      },
    });
  const capture = (externalId: string, clientEventId: string, email: boolean) =>
    t.call('POST', `/v1/subjects/${externalId}/consents`, {
      token: key,
      body: { decisions: { newsletter: { email } }, clientEventId },
    });
  const stateOf = async (visitorId: string) =>
    (
      (await (
        await t.call('GET', `/v1/consents/${visitorId}?key=${tenant.publicKey}`, {
          headers: { origin: 'https://shop.example' },
        })
      ).json()) as any
    ).state;
  const answers = () =>
    t.ctx.db
      .selectFrom('idempotency_keys')
      .select(['owner', 'client_event_id'])
      .where('tenant_id', '=', tenant.tenantId)
      .execute();

  it("a clientEventId reused by another visitor records that visitor's own choice and receipt", async () => {
    const a = await banner(VISITOR_A, 'ce-shared-0001', true);
    const b = await banner(VISITOR_B, 'ce-shared-0001', false);
    expect([a.status, b.status]).toEqual([201, 201]);
    const [bodyA, bodyB] = [(await a.json()) as any, (await b.json()) as any];
    expect(bodyB.id).not.toBe(bodyA.id);
    expect(decodeJwt(bodyB.receipt).sub).not.toBe(decodeJwt(bodyA.receipt).sub);
    expect(bodyB.state.analytics).toBe('denied');
    expect(await stateOf(VISITOR_A)).toMatchObject({ analytics: 'granted' });
    expect(await stateOf(VISITOR_B)).toMatchObject({ analytics: 'denied' });
    // Each visitor's retry still gets its own first answer.
    const retryB = await banner(VISITOR_B, 'ce-shared-0001', true);
    expect(((await retryB.json()) as any).id).toBe(bodyB.id);
    expect(await stateOf(VISITOR_B)).toMatchObject({ analytics: 'denied' });
  });

  it('captured consent: the same clientEventId for two people records both', async () => {
    const one = (await (await capture('crm-1', 'ce-capture-0001', true)).json()) as any;
    const two = (await (await capture('crm-2', 'ce-capture-0001', true)).json()) as any;
    expect(two.subject.externalId).toBe('crm-2');
    expect(two.id).not.toBe(one.id);
    // A retry for the same person is still the first answer.
    expect(((await (await capture('crm-1', 'ce-capture-0001', false)).json()) as any).id).toBe(
      one.id,
    );
  });

  it("GDPR-32: erasure deletes the person's stored answers; replaying an old clientEventId hands out no erased id", async () => {
    const banned = (await (await banner(VISITOR_A, 'ce-banner-0001', true)).json()) as any;
    const erasedVisitorSubject = decodeJwt(banned.receipt).sub;
    expect(
      (await t.call('PUT', '/v1/subjects/crm-1', { token: key, body: { visitorIds: [VISITOR_A] } }))
        .status,
    ).toBe(201);
    const captured = (await (await capture('crm-1', 'ce-capture-0002', true)).json()) as any;
    // Someone else's answer, which must stay.
    const other = (await (await banner(VISITOR_B, 'ce-banner-0001', true)).json()) as any;
    expect(await answers()).toHaveLength(3);

    expect(
      (
        await t.call('POST', '/v1/requests', {
          token: key,
          body: { subject: 'crm-1', type: 'erasure', scope: { all: true } },
        })
      ).status,
    ).toBe(201);
    expect(await answers()).toEqual([
      { owner: `b:${decodeJwt(other.receipt).sub}`, client_event_id: 'ce-banner-0001' },
    ]);
    expect(await stateOf(VISITOR_B)).toMatchObject({ analytics: 'granted' });

    const replayCapture = await capture('crm-1', 'ce-capture-0002', true);
    expect(replayCapture.status).toBe(409);
    expect(await replayCapture.text()).not.toContain(captured.subject.id);
    const replayBanner = await banner(VISITOR_A, 'ce-banner-0001', true);
    expect(replayBanner.status).toBe(201);
    const text = await replayBanner.text();
    expect(text).not.toContain(banned.id);
    expect(decodeJwt(JSON.parse(text).receipt).sub).not.toBe(erasedVisitorSubject);
  });

  it('answers expire after 24 hours: a later reuse is recorded anew, and the pruning deletes them', async () => {
    const first = (await (await banner(VISITOR_A, 'ce-expiring-01', true)).json()) as any;
    const captured = (await (await capture('crm-1', 'ce-expiring-02', true)).json()) as any;
    clock.advance(23 * HOUR);
    expect(await pruneAnswers(t.ctx)).toBe(0);
    expect(((await (await banner(VISITOR_A, 'ce-expiring-01', false)).json()) as any).id).toBe(
      first.id,
    );
    clock.advance(HOUR + 1);
    const later = (await (await banner(VISITOR_A, 'ce-expiring-01', false)).json()) as any;
    expect(later.id).not.toBe(first.id);
    expect(later.state.analytics).toBe('withdrawn');
    const recaptured = (await (await capture('crm-1', 'ce-expiring-02', false)).json()) as any;
    expect(recaptured.id).not.toBe(captured.id);
    expect(recaptured.state.newsletter.email).toBe('withdrawn');
    // The two fresh answers stay; after another day the pruning takes them.
    expect(await pruneAnswers(t.ctx)).toBe(0);
    clock.advance(24 * HOUR + 1);
    expect(await pruneAnswers(t.ctx)).toBe(2);
    expect(await answers()).toEqual([]);
  });
});
