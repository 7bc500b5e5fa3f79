// One-click unsubscribe (RFC 8058; MAIL-03, MAIL-07): POST takes effect at once with
// no cookie or login, never redirects and may be repeated; GET only shows a page.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordConsent } from '../../server/services/consent/consent-write.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { addPerson, capturingMailer } from '../helpers/me.js';

describe.each(dialects)('one-click unsubscribe on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let subjectId: string;
  let path: string;

  beforeEach(async () => {
    t = await startTestApp(dialect, { mailer: capturingMailer() });
    tenant = await createTestTenant(t);
    subjectId = await addPerson(t, tenant.tenantId, {
      externalId: 'crm-1',
      email: 'anna@example.com',
    });
    await recordConsent(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      configVersion: 1,
      locale: 'nl',
      source: 'api',
      changes: [
        { purpose: 'newsletter', channel: 'email', status: 'granted' },
        { purpose: 'newsletter', channel: 'sms', status: 'granted' },
      ],
    });
    const res = await t.call('POST', '/v1/subjects/crm-1/links', {
      token: tenant.secretKey,
      body: { kind: 'unsubscribe', purpose: 'newsletter', channel: 'email', locale: 'nl' },
    });
    path = new URL((await res.json()).url).pathname;
  });
  afterEach(async () => t.close());

  const state = async (channel: string) =>
    await t.ctx.db
      .selectFrom('consent_state')
      .select(['status', 'source'])
      .where('subject_id', '=', subjectId)
      .where('channel', '=', channel)
      .executeTakeFirstOrThrow();
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    Promise.resolve(t.app.request(path, { method: 'POST', body, headers }));

  it('MAIL-03: GET shows a page with a button and changes nothing', async () => {
    const res = await t.call('GET', path);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain(`<form method="post" action="${path}">`);
    expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(html).toContain('Nieuwsbrief');
    expect(await state('email')).toEqual({ status: 'granted', source: 'api' });
  });

  it('MAIL-03/07: POST List-Unsubscribe=One-Click (form-encoded) withdraws that purpose and channel at once, with no cookie', async () => {
    const res = await post('List-Unsubscribe=One-Click', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(await state('email')).toEqual({ status: 'withdrawn', source: 'unsubscribe' });
    // Only the link's channel: the text-message consent stays.
    expect((await state('sms')).status).toBe('granted');
    const feed = await t.ctx.db
      .selectFrom('feed_events')
      .select(['type', 'data'])
      .where('type', '=', 'consent.updated')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(feed.data)).toMatchObject({
      source: 'unsubscribe',
      state: { newsletter: { email: 'withdrawn' } },
    });
  });

  it('MAIL-03: accepts multipart/form-data too', async () => {
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const res = await post(form);
    expect(res.status).toBe(200);
    expect((await state('email')).status).toBe('withdrawn');
  });

  it('MAIL-03: is idempotent: a second POST answers 200 and records nothing more', async () => {
    await post('List-Unsubscribe=One-Click', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    const count = async () =>
      (await t.ctx.db.selectFrom('consent_events').selectAll().execute()).length;
    const before = await count();
    const again = await post('List-Unsubscribe=One-Click', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(again.status).toBe(200);
    expect(await count()).toBe(before);
  });

  it('refuses a POST without the one-click body; MAIL-05: an unknown token answers success and changes nothing', async () => {
    expect(
      (await post('List-Unsubscribe=Yes', { 'content-type': 'application/x-www-form-urlencoded' }))
        .status,
    ).toBe(400);
    expect((await post('{}', { 'content-type': 'application/json' })).status).toBe(415);
    expect((await state('email')).status).toBe('granted');
    const unknown = await t.app.request(`/u/${'a'.repeat(43)}`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(unknown.status).toBe(200);
    expect((await state('email')).status).toBe('granted');
    expect((await t.call('GET', '/u/short')).status).toBe(404);
  });

  it('MAIL-05: a link of a person erased meanwhile answers success (200), and nothing is recorded', async () => {
    const erased = await t.call('POST', '/v1/requests', {
      token: tenant.secretKey,
      body: { subject: 'crm-1', type: 'erasure', scope: { all: true } },
    });
    expect(erased.status).toBe(201);
    const before = (await t.ctx.db.selectFrom('consent_events').selectAll().execute()).length;
    const res = await post('List-Unsubscribe=One-Click', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Nothing more is sent to you through this link.');
    expect((await t.call('GET', path)).status).toBe(200);
    expect((await t.ctx.db.selectFrom('consent_events').selectAll().execute()).length).toBe(before);
  });
});
