// The preference center's API (/v1/me/*): sign-in by e-mail link, sessions,
// CSRF, and every right exercised as a request run at once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/db.js';
import {
  createTestTenant,
  fixedClock,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';
import {
  addPerson,
  asSignedIn,
  capturingMailer,
  cookieFrom,
  exchange,
  PC_ORIGIN,
  signIn,
  tokenOf,
  type CapturingMailer,
} from '../helpers/me.js';

describe.each(dialects)('preference center API on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let mailer: CapturingMailer;
  let clock: ReturnType<typeof fixedClock>;
  let anna: string;

  beforeEach(async () => {
    mailer = capturingMailer();
    clock = fixedClock('2026-11-29T10:00:00.000Z');
    t = await startTestApp(dialect, { mailer, clock });
    tenant = await createTestTenant(t);
    anna = await addPerson(t, tenant.tenantId, {
      externalId: 'crm-1',
      email: 'anna@example.com',
      attributes: { firstName: 'Anna' },
      records: { orders: [{ order: 'A-1', total: 12 }], signups: [{ form: 'spring' }] },
    });
    await addPerson(t, tenant.tenantId, {
      externalId: 'crm-2',
      email: 'bob@example.com',
      records: { orders: [{ order: 'B-9' }] },
    });
  });
  afterEach(async () => t.close());

  const login = (email: string, headers: Record<string, string> = { origin: PC_ORIGIN }) =>
    t.call('POST', '/v1/me/login', { body: { tenant: tenant.tenantId, email }, headers });

  describe('sign-in by e-mail link', () => {
    it('e-mails a one-time link to a known address and answers 202', async () => {
      const res = await login('Anna@Example.com');
      expect(res.status).toBe(202);
      const mail = await mailer.waitFor('anna@example.com');
      expect(mail.text).toContain(`/p/${tenant.tenantId}#token=`);
      expect(mail.html).toContain('#token=');
      const stored = await t.ctx.db
        .selectFrom('tokens')
        .selectAll()
        .where('kind', '=', 'login')
        .execute();
      expect(stored).toHaveLength(1);
      // Only a keyed hash is stored, never the token itself.
      expect(stored[0].token_hash).not.toContain(tokenOf(mail));
      expect(stored[0].expires_at).toBe('2026-11-29T10:15:00.000Z');
    });

    it('answers an unknown address exactly the same and sends nothing', async () => {
      const unknown = await login('nobody@example.com');
      const known = await login('anna@example.com');
      expect(unknown.status).toBe(known.status);
      expect(await unknown.json()).toEqual(await known.json());
      await mailer.waitFor('anna@example.com');
      expect(mailer.sent.map((m) => m.to)).toEqual(['anna@example.com']);
    });

    it('answers an unknown tenant the same as a known one', async () => {
      const res = await t.call('POST', '/v1/me/login', {
        body: { tenant: 'ten_nope', email: 'anna@example.com' },
        headers: { origin: PC_ORIGIN },
      });
      expect(res.status).toBe(202);
    });

    it('refuses a sign-in request from another site', async () => {
      const res = await login('anna@example.com', { origin: 'https://evil.example' });
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe('CSRF_FAILED');
    });

    it('rejects a malformed address with 400, not 5xx', async () => {
      const res = await login('not an address');
      expect(res.status).toBe(400);
    });

    it('signs in once per link: the second use is refused', async () => {
      await login('anna@example.com');
      const token = tokenOf(await mailer.waitFor('anna@example.com'));
      const first = await exchange(t, token);
      expect(first.status).toBe(200);
      const cookie = first.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^akkoord_pc=/);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(cookie).toMatch(/Path=\//);
      expect(cookie).not.toMatch(/Secure/i);
      const second = await exchange(t, token);
      expect(second.status).toBe(401);
      expect((await second.json()).error.code).toBe('INVALID_TOKEN');
    });

    it('refuses a link older than 15 minutes', async () => {
      await login('anna@example.com');
      const token = tokenOf(await mailer.waitFor('anna@example.com'));
      clock.advance(15 * 60_000 + 1);
      expect((await exchange(t, token)).status).toBe(401);
    });

    it('ends a session after an hour without use, and on sign-out', async () => {
      const me = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
      expect((await me.call('GET', '/v1/me')).status).toBe(200);
      clock.advance(61 * 60_000);
      expect((await me.call('GET', '/v1/me')).status).toBe(401);

      const again = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
      const out = await again.call('POST', '/v1/me/logout');
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(/akkoord_pc=;/);
      expect((await again.call('GET', '/v1/me')).status).toBe(401);
    });
  });

  it('limits sign-in requests per address and per IP with 429 and Retry-After', async () => {
    const limited = await startTestApp(dialect, {
      mailer,
      env: { AKKOORD_RATE_LIMITS: '{"loginPerEmail":"3/900","loginPerIp":"5/900"}' },
    });
    try {
      const other = await createTestTenant(limited);
      const ask = (email: string) =>
        limited.call('POST', '/v1/me/login', {
          body: { tenant: other.tenantId, email },
          headers: { origin: PC_ORIGIN },
        });
      for (let i = 0; i < 3; i += 1) expect((await ask('anna@example.com')).status).toBe(202);
      const perAddress = await ask('ANNA@example.com');
      expect(perAddress.status).toBe(429);
      expect((await perAddress.json()).error.code).toBe('RATE_LIMITED');
      expect(Number(perAddress.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another address is not held back by Anna's limit, until the IP's own limit is reached.
      expect((await ask('bob@example.com')).status).toBe(202);
      expect((await ask('carla@example.com')).status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('sets the Secure flag when served over https', async () => {
    const secure = await startTestApp(dialect, {
      mailer,
      env: { PUBLIC_URL: 'https://cmp.example' },
    });
    try {
      const other = await createTestTenant(secure);
      await addPerson(secure, other.tenantId, { email: 'carla@example.com' });
      await secure.call('POST', '/v1/me/login', {
        body: { tenant: other.tenantId, email: 'carla@example.com' },
        headers: { origin: 'https://cmp.example' },
      });
      const mail = await mailer.waitFor('carla@example.com');
      expect(mail.text).toContain('https://cmp.example/p/');
      const res = await secure.call('POST', '/v1/me/session', {
        body: { token: tokenOf(mail) },
        headers: { origin: 'https://cmp.example' },
      });
      expect(res.headers.get('set-cookie')).toMatch(/Secure/);
    } finally {
      await secure.close();
    }
  });

  describe('signed in', () => {
    it('GET /v1/me shows identities, profile, consents with history and records per data set', async () => {
      const me = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
      const body = await (await me.call('GET', '/v1/me')).json();
      expect(body.subject).toMatchObject({
        id: anna,
        externalId: 'crm-1',
        email: 'anna@example.com',
        attributes: { firstName: 'Anna' },
      });
      expect(body.records).toEqual({ orders: 1, signups: 1 });
      expect(body.csrfToken).toBe(me.csrf);
      expect(body.consent.state.necessary).toBe('granted');
    });

    it('needs a session: 401 without the cookie', async () => {
      expect((await t.call('GET', '/v1/me')).status).toBe(401);
    });

    it('refuses a change without the CSRF token, or from another origin', async () => {
      const me = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
      const decisions = { decisions: { analytics: true } };
      const noToken = await t.call('PUT', '/v1/me/consents', {
        body: decisions,
        headers: { cookie: me.cookie, origin: PC_ORIGIN },
      });
      expect(noToken.status).toBe(403);
      expect((await noToken.json()).error.code).toBe('CSRF_FAILED');
      const crossSite = await me.call('PUT', '/v1/me/consents', decisions, {
        origin: 'https://evil.example',
      });
      expect(crossSite.status).toBe(403);
      const rows = await t.ctx.db.selectFrom('consent_events').selectAll().execute();
      expect(rows).toHaveLength(0);
    });

    it('records consent changes in the ledger with source preference_center and emits consent.updated', async () => {
      const me = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
      const res = await me.call('PUT', '/v1/me/consents', {
        decisions: { analytics: true, newsletter: { email: true, sms: false } },
      });
      expect(res.status).toBe(200);
      expect((await res.json()).state).toMatchObject({
        analytics: 'granted',
        newsletter: { email: 'granted', sms: 'denied' },
      });
      const events = await t.ctx.db
        .selectFrom('consent_events')
        .selectAll()
        .where('subject_id', '=', anna)
        .execute();
      expect(events.map((e) => e.source)).toEqual([
        'preference_center',
        'preference_center',
        'preference_center',
      ]);
      const feed = await t.ctx.db
        .selectFrom('feed_events')
        .selectAll()
        .where('type', '=', 'consent.updated')
        .execute();
      expect(feed).toHaveLength(1);
      expect(feed[0].external_id).toBe('crm-1');
      const withdrawn = await me.call('PUT', '/v1/me/consents', {
        decisions: { newsletter: { email: false } },
      });
      expect((await withdrawn.json()).state.newsletter.email).toBe('withdrawn');
      const view = await (await me.call('GET', '/v1/me')).json();
      expect(view.consent.history[0]).toMatchObject({
        purpose: 'newsletter',
        channel: 'email',
        status: 'withdrawn',
        source: 'preference_center',
      });
      expect(
        view.consent.current.find((c: { purpose: string }) => c.purpose === 'analytics'),
      ).toMatchObject({
        status: 'granted',
        source: 'preference_center',
        since: '2026-11-29T10:00:00.000Z',
      });
    });

    it('refuses unknown purposes and refusing a required one with 422', async () => {
      const me = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
      expect((await me.call('PUT', '/v1/me/consents', { decisions: { nope: true } })).status).toBe(
        422,
      );
      expect(
        (await me.call('PUT', '/v1/me/consents', { decisions: { necessary: false } })).status,
      ).toBe(422);
    });

    it('GDPR-31: corrects the profile as a completed rectification request with a subject.rectified event', async () => {
      const me = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
      const res = await me.call('PATCH', '/v1/me/profile', { attributes: { firstName: 'Anne' } });
      expect(res.status).toBe(200);
      const view = await (await me.call('GET', '/v1/me')).json();
      expect(view.subject.attributes.firstName).toBe('Anne');
      const request = await t.ctx.db
        .selectFrom('requests')
        .selectAll()
        .where('type', '=', 'rectification')
        .executeTakeFirstOrThrow();
      expect(request).toMatchObject({
        origin: 'preference_center',
        status: 'completed',
        subject_id: anna,
      });
      // The request names the field, never the new value.
      expect(request.scope).not.toContain('Anne');
      const feed = await t.ctx.db
        .selectFrom('feed_events')
        .select(['type', 'data'])
        .where('type', '=', 'subject.rectified')
        .execute();
      expect(feed).toHaveLength(1);
      expect(feed[0].data).not.toContain('Anne');
    });

    it("GDPR-30: downloads JSON and CSV with the person's data and nothing of another person", async () => {
      const me = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
      const json = await me.call('POST', '/v1/me/export', { format: 'json' });
      expect(json.status).toBe(200);
      expect(json.headers.get('content-disposition')).toMatch(
        /^attachment; filename="akkoord-export-.*\.json"$/,
      );
      const text = await json.text();
      expect(text).toContain('anna@example.com');
      expect(text).toContain('A-1');
      expect(text).not.toContain('bob@example.com');
      expect(text).not.toContain('B-9');
      const csv = await me.call('POST', '/v1/me/export', { format: 'csv' });
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toMatch(/\.csv"$/);
      const table = await csv.text();
      expect(table).toContain('anna@example.com');
      expect(table).not.toContain('bob@example.com');
      const requests = await t.ctx.db
        .selectFrom('requests')
        .select(['type', 'status'])
        .orderBy('received_at')
        .execute();
      expect(requests).toEqual(
        expect.arrayContaining([
          { type: 'access', status: 'completed' },
          { type: 'portability', status: 'completed' },
        ]),
      );
    });

    it('GDPR-34/35: restricts with a reason, then lifts it, each a request with its feed event', async () => {
      const me = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
      expect((await me.call('POST', '/v1/me/restriction', { reason: 'nope' })).status).toBe(400);
      expect(
        (await me.call('POST', '/v1/me/restriction', { reason: 'accuracy_contested' })).status,
      ).toBe(200);
      expect((await (await me.call('GET', '/v1/me')).json()).subject.restriction).toEqual({
        restricted: true,
        reason: 'accuracy_contested',
      });
      const lift = await me.call('DELETE', '/v1/me/restriction');
      expect(lift.status).toBe(200);
      expect((await lift.json()).notice.via).toBe('email');
      expect((await me.call('DELETE', '/v1/me/restriction')).status).toBe(409);
      const types = (
        await t.ctx.db.selectFrom('feed_events').select('type').orderBy('seq').execute()
      ).map((e) => e.type);
      expect(types).toEqual(['subject.restricted', 'subject.restriction_lifted']);
      const requests = await t.ctx.db
        .selectFrom('requests')
        .select(['type', 'status', 'origin'])
        .orderBy('received_at')
        .execute();
      expect(requests).toEqual([
        { type: 'restriction', status: 'completed', origin: 'preference_center' },
        { type: 'lift_restriction', status: 'completed', origin: 'preference_center' },
      ]);
      const audit = await t.ctx.db
        .selectFrom('audit_log')
        .select(['actor', 'action', 'details'])
        .where('actor', '=', 'data_subject')
        .execute();
      expect(audit.length).toBeGreaterThan(0);
      for (const row of audit) expect(row.details).not.toContain('anna@example.com');
    });

    it('GDPR-41: objecting withdraws every marketing consent and emits subject.objected', async () => {
      const me = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
      await me.call('PUT', '/v1/me/consents', {
        decisions: { ads: true, analytics: true, newsletter: { email: true } },
      });
      expect((await me.call('POST', '/v1/me/objection')).status).toBe(200);
      const view = await (await me.call('GET', '/v1/me')).json();
      expect(view.consent.state).toMatchObject({
        ads: 'withdrawn',
        analytics: 'granted',
        newsletter: { email: 'withdrawn' },
      });
      expect(view.subject.objection.objectedAt).toBe('2026-11-29T10:00:00.000Z');
      const types = (await t.ctx.db.selectFrom('feed_events').select('type').execute()).map(
        (e) => e.type,
      );
      expect(types).toContain('subject.objected');
    });

    it('GDPR-32: erases one data set, keeping the rest', async () => {
      const me = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
      const res = await me.call('POST', '/v1/me/erasure', { datasets: ['orders'] });
      expect(res.status).toBe(200);
      expect((await (await me.call('GET', '/v1/me')).json()).records).toEqual({ signups: 1 });
      const bobOrders = await t.ctx.db
        .selectFrom('records')
        .selectAll()
        .where('dataset', '=', 'orders')
        .execute();
      expect(bobOrders).toHaveLength(1);
      expect((await me.call('POST', '/v1/me/erasure', {})).status).toBe(400);
    });

    it('GDPR-32: erasing everything ends the session and the subject is gone', async () => {
      const me = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
      const res = await me.call('POST', '/v1/me/erasure', { all: true });
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/akkoord_pc=;/);
      expect((await me.call('GET', '/v1/me')).status).toBe(401);
      expect(
        await t.ctx.db.selectFrom('subjects').selectAll().where('id', '=', anna).executeTakeFirst(),
      ).toBeUndefined();
      const request = await t.ctx.db
        .selectFrom('requests')
        .selectAll()
        .where('type', '=', 'erasure')
        .executeTakeFirstOrThrow();
      expect(request.status).toBe('completed');
      // The address can no longer sign in: the same 202, and no mail.
      const before = mailer.sent.length;
      expect((await login('anna@example.com')).status).toBe(202);
      await login('bob@example.com');
      await mailer.waitFor('bob@example.com');
      expect(mailer.sent.slice(before).map((m) => m.to)).toEqual(['bob@example.com']);
    });

    it("GDPR-20: lists the person's requests with status, receivedAt and a dueAt one month later", async () => {
      const me = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
      await me.call('POST', '/v1/me/restriction', { reason: 'legal_claims' });
      const body = await (await me.call('GET', '/v1/me/requests')).json();
      expect(body.requests).toHaveLength(1);
      expect(body.requests[0]).toMatchObject({
        type: 'restriction',
        status: 'completed',
        receivedAt: '2026-11-29T10:00:00.000Z',
        dueAt: '2026-12-29T10:00:00.000Z',
      });
    });
  });

  it("a session of one person never shows another person's data", async () => {
    const bob = await signIn(t, mailer, tenant.tenantId, 'bob@example.com');
    const text = await (await bob.call('GET', '/v1/me')).text();
    expect(text).not.toContain('anna@example.com');
    expect(text).not.toContain(anna);
  });

  it('a forged or unknown session cookie is 401', async () => {
    const forged = asSignedIn(t, 'akkoord_pc=' + 'x'.repeat(43), 'csrf');
    expect((await forged.call('GET', '/v1/me')).status).toBe(401);
    expect(cookieFrom(new Response(null))).toBe('');
  });
});
