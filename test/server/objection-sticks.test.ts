// Before this test: after an Art. 21 objection, a marketing consent
// turned back on was stored and shown as `granted` while `check` said `objected`. Now a
// tool's or an import's grant is stored as refused with reason `objected`; the person's
// own grant (preference center, double opt-in confirmation, their banner) lifts the
// objection for that purpose and channel only. check, audience, the ledger and /v1/me agree.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordConsent } from '../../server/services/consent/consent-write.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { capturingMailer, signIn, tokenOf, type CapturingMailer } from '../helpers/me.js';

const EMAIL = 'anna@example.com';
const VISITOR = 'v_CCCCCCCCCCCCCCCCCCCCCCCCCCCC';

describe.each(dialects)('objection sticks on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let mailer: CapturingMailer;
  let key: string;
  let subjectId: string;

  const call = (method: string, path: string, body?: unknown) =>
    t.call(method, path, { token: key, body });
  const capture = (body: unknown) => call('POST', '/v1/subjects/crm-1/consents', body);
  const check = async (purpose: string, channel?: string) =>
    (
      (await (
        await call(
          'GET',
          `/v1/check?subject=crm-1&purpose=${purpose}${channel ? `&channel=${channel}` : ''}`,
        )
      ).json()) as { reason: string }
    ).reason;
  const audience = async (purpose: string, channel?: string) =>
    (
      await (
        await call('GET', `/v1/audience?purpose=${purpose}${channel ? `&channel=${channel}` : ''}`)
      ).text()
    )
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).externalId);
  const lastEvent = async (purpose: string, channel: string) =>
    t.ctx.db
      .selectFrom('consent_events')
      .select(['status', 'reason', 'source'])
      .where('subject_id', '=', subjectId)
      .where('purpose', '=', purpose)
      .where('channel', '=', channel)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
  const feedOf = async (type: string) =>
    (
      (await (await call('GET', `/v1/feed?types=${type}`)).json()) as {
        events: Array<{ data: any; subject: any }>;
      }
    ).events;
  const object = async () =>
    expect(
      (await call('POST', '/v1/requests', { subject: 'crm-1', type: 'objection' })).status,
    ).toBe(201);

  beforeEach(async () => {
    mailer = capturingMailer();
    t = await startTestApp(dialect, { mailer });
    tenant = await createTestTenant(t);
    const res = await t.call('POST', '/v1/keys', {
      token: tenant.secretKey,
      body: { scopes: ['subjects:write', 'subjects:read', 'feed:read', 'requests:manage'] },
    });
    key = ((await res.json()) as { secretKey: string }).secretKey;
    const put = await call('PUT', '/v1/subjects/crm-1', { email: EMAIL, visitorIds: [VISITOR] });
    subjectId = ((await put.json()) as { id: string }).id;
    expect(
      (
        await capture({
          decisions: { newsletter: { email: true, sms: true }, ads: true, analytics: true },
        })
      ).status,
    ).toBe(201);
    await object();
    expect(await check('newsletter', 'email')).toBe('objected');
  });
  afterEach(async () => t.close());

  it("GDPR-41: a tool's grant after the objection is stored as refused with reason objected; check, audience and ledger agree", async () => {
    const res = await capture({
      decisions: { newsletter: { email: true }, ads: true, analytics: false },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as any;
    expect(body.state).toMatchObject({
      newsletter: { email: 'denied' },
      ads: 'denied',
      analytics: 'withdrawn',
    });
    expect(await lastEvent('newsletter', 'email')).toEqual({
      status: 'denied',
      reason: 'objected',
      source: 'api',
    });
    expect(await lastEvent('ads', '')).toEqual({
      status: 'denied',
      reason: 'objected',
      source: 'api',
    });
    // A purpose that is not marketing is not touched by the objection.
    expect(await lastEvent('analytics', '')).toEqual({
      status: 'withdrawn',
      reason: null,
      source: 'api',
    });
    expect(await check('newsletter', 'email')).toBe('objected');
    expect(await audience('newsletter', 'email')).toEqual([]);
    expect(await feedOf('subject.objection_lifted')).toEqual([]);

    // An import is a tool too.
    await recordConsent(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      configVersion: 1,
      locale: 'nl',
      source: 'import',
      changes: [{ purpose: 'newsletter', channel: 'sms', status: 'granted' }],
    });
    expect(await lastEvent('newsletter', 'sms')).toEqual({
      status: 'denied',
      reason: 'objected',
      source: 'import',
    });
    const subject = (await (await call('GET', '/v1/subjects/crm-1')).json()) as any;
    expect(subject.consents.newsletter).toEqual({ email: 'denied', sms: 'denied' });
    expect(
      (
        (await (
          await t.call('GET', '/v1/ledger/verify', { token: tenant.secretKey })
        ).json()) as any
      ).ok,
    ).toBe(true);
    // The operator's export carries the reason with each event, so the chain can be checked from it.
    const lines = (await (await t.call('GET', '/v1/export', { token: tenant.secretKey })).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const refused = lines.filter((l) => l.type === 'consent_event' && l.data.reason === 'objected');
    expect(refused.map((l) => `${l.data.purpose}.${l.data.channel}`).sort()).toEqual([
      'ads.',
      'newsletter.email',
      'newsletter.sms',
    ]);
  });

  it("GDPR-41: the person's own grant in the preference center lifts the objection for that purpose and channel only", async () => {
    const me = await signIn(t, mailer, tenant.tenantId, EMAIL);
    const before = (await (await me.call('GET', '/v1/me')).json()) as any;
    expect(before.subject.objection.covers).toEqual([
      { purpose: 'ads', channel: null },
      { purpose: 'newsletter', channel: 'email' },
      { purpose: 'newsletter', channel: 'sms' },
    ]);

    const changed = await me.call('PUT', '/v1/me/consents', {
      decisions: { newsletter: { email: true } },
    });
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as any).state.newsletter.email).toBe('granted');
    expect(await lastEvent('newsletter', 'email')).toEqual({
      status: 'granted',
      reason: 'objection_lifted',
      source: 'preference_center',
    });
    expect(await check('newsletter', 'email')).toBe('granted');
    expect(await audience('newsletter', 'email')).toEqual(['crm-1']);
    // Only that purpose and channel: the rest stays objected.
    expect(await check('newsletter', 'sms')).toBe('objected');
    expect(await check('ads')).toBe('objected');
    const lifted = await feedOf('subject.objection_lifted');
    expect(lifted.map((e) => e.data)).toEqual([
      { purpose: 'newsletter', channel: 'email', source: 'preference_center' },
    ]);
    expect(lifted[0].subject).toEqual({ id: subjectId, externalId: 'crm-1' });
    const after = (await (await me.call('GET', '/v1/me')).json()) as any;
    expect(after.subject.objection.covers).toEqual([
      { purpose: 'ads', channel: null },
      { purpose: 'newsletter', channel: 'sms' },
    ]);
    expect(after.consent.history[0]).toMatchObject({
      purpose: 'newsletter',
      channel: 'email',
      status: 'granted',
      reason: 'objection_lifted',
    });
    // A tool reading the person sees the same.
    const subject = (await (await call('GET', '/v1/subjects/crm-1')).json()) as any;
    expect(subject.objection).toMatchObject({
      objected: true,
      liftedFor: [{ purpose: 'newsletter', channel: 'email', at: expect.any(String) }],
    });

    // A tool still cannot grant what the objection covers; what the person took back stays theirs.
    await capture({ decisions: { newsletter: { sms: true } } });
    expect(await lastEvent('newsletter', 'sms')).toMatchObject({
      status: 'denied',
      reason: 'objected',
    });
    // Objecting again covers everything again.
    await object();
    expect(await check('newsletter', 'email')).toBe('objected');
    expect(await audience('newsletter', 'email')).toEqual([]);
  });

  it('GDPR-41, MAIL-08: confirming a double opt-in lifts the objection for that purpose and channel', async () => {
    const res = await capture({ decisions: { newsletter: { email: true } }, doubleOptIn: true });
    expect(res.status).toBe(201);
    expect(((await res.json()) as any).state.newsletter.email).toBe('pending');
    expect(await check('newsletter', 'email')).toBe('objected');
    const mail = await mailer.waitFor(EMAIL);
    expect((await t.call('POST', `/c/${tokenOf(mail)}`)).status).toBe(200);
    expect(await lastEvent('newsletter', 'email')).toEqual({
      status: 'granted',
      reason: 'objection_lifted',
      source: 'api',
    });
    expect(await check('newsletter', 'email')).toBe('granted');
    expect(await check('newsletter', 'sms')).toBe('objected');
  });

  it("GDPR-41: a click on the person's own banner lifts the objection for that purpose", async () => {
    const res = await t.call('POST', '/v1/consents', {
      headers: { origin: 'https://shop.example' },
      body: {
        key: tenant.publicKey,
        visitorId: VISITOR,
        decisions: { ads: true },
        configVersion: 1,
        source: 'banner',
        clientEventId: 'ce-banner-lift-1',
      },
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as any).state.ads).toBe('granted');
    expect(await lastEvent('ads', '')).toEqual({
      status: 'granted',
      reason: 'objection_lifted',
      source: 'banner',
    });
    expect(await check('ads')).toBe('granted');
    expect(await audience('ads')).toEqual(['crm-1']);
    expect(await check('newsletter', 'email')).toBe('objected');
    expect((await feedOf('subject.objection_lifted')).map((e) => e.data)).toEqual([
      { purpose: 'ads', channel: null, source: 'banner' },
    ]);
    expect(
      (
        (await (
          await t.call('GET', '/v1/ledger/verify', { token: tenant.secretKey })
        ).json()) as any
      ).ok,
    ).toBe(true);
  });
});
