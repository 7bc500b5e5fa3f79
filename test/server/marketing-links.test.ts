// The ways out of a marketing mail (GDPR-42, MAIL-05, MAIL-07): every link set carries
// a one-click objection to all direct marketing beside the per-channel unsubscribe,
// neither link ever expires, an erased person's link answers success and changes
// nothing, and the links answer names the mail headers a tool must set.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordConsent } from '../../server/services/consent/consent-write.js';
import { hashToken } from '../../server/services/me/links.js';
import { dialects } from '../helpers/db.js';
import {
  createTestTenant,
  fixedClock,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';
import { addPerson, capturingMailer } from '../helpers/me.js';

const ONE_CLICK = {
  body: 'List-Unsubscribe=One-Click',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
};

describe.each(dialects)('marketing mail links on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let subjectId: string;
  let clock: ReturnType<typeof fixedClock>;

  beforeEach(async () => {
    clock = fixedClock('2026-11-29T10:00:00.000Z');
    t = await startTestApp(dialect, { mailer: capturingMailer(), clock });
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
  });
  afterEach(async () => t.close());

  const links = async (body: Record<string, unknown>) => {
    const res = await t.call('POST', '/v1/subjects/crm-1/links', { token: tenant.secretKey, body });
    expect(res.status).toBe(201);
    return (await res.json()) as {
      url: string;
      expiresAt: string | null;
      objectUrl: string;
      headers?: Record<string, string>;
    };
  };
  const post = (url: string) =>
    Promise.resolve(t.app.request(new URL(url).pathname, { method: 'POST', ...ONE_CLICK }));
  const states = async () =>
    Object.fromEntries(
      (
        await t.ctx.db
          .selectFrom('consent_state')
          .select(['channel', 'status', 'source'])
          .where('subject_id', '=', subjectId)
          .where('purpose', '=', 'newsletter')
          .execute()
      ).map((r) => [r.channel, `${r.status}/${r.source}`]),
    );
  const eventCount = async () =>
    (await t.ctx.db.selectFrom('consent_events').selectAll().execute()).length;

  it('GDPR-42 MAIL-07: every link set carries a one-click objection to all direct marketing, recorded as an objection', async () => {
    const set = await links({
      kind: 'unsubscribe',
      purpose: 'newsletter',
      channel: 'email',
      locale: 'nl',
    });
    expect(set.objectUrl).toMatch(/^http:\/\/127\.0\.0\.1:8080\/u\/object\/[A-Za-z0-9_-]{43}$/);
    expect((await links({ kind: 'preferences' })).objectUrl).toMatch(/\/u\/object\//);
    // The page only asks: mail scanners follow links.
    const page = await t.call('GET', new URL(set.objectUrl).pathname);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(await states()).toEqual({ email: 'granted/api', sms: 'granted/api' });

    const res = await post(set.objectUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    // Every marketing channel, not only the link's: an objection, not an unsubscription.
    expect(await states()).toEqual({
      email: 'withdrawn/unsubscribe',
      sms: 'withdrawn/unsubscribe',
    });
    const subject = await t.ctx.db
      .selectFrom('subjects')
      .select('objected_at')
      .where('id', '=', subjectId)
      .executeTakeFirstOrThrow();
    expect(subject.objected_at).toBe('2026-11-29T10:00:00.000Z');
    const feed = await t.ctx.db
      .selectFrom('feed_events')
      .select('type')
      .where('type', '=', 'subject.objected')
      .execute();
    expect(feed).toHaveLength(1);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['actor', 'target'])
      .where('action', '=', 'subject.objected')
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor: 'data_subject', target: subjectId });

    // A tool's later grant is refused: the objection holds.
    const grant = await t.call('POST', '/v1/subjects/crm-1/consents', {
      token: tenant.secretKey,
      body: { decisions: { newsletter: { email: true } }, source: 'api' },
    });
    expect(grant.status).toBe(201);
    expect((await states()).email).toMatch(/^denied|^withdrawn/);

    // Repeating it changes nothing.
    const before = await eventCount();
    expect((await post(set.objectUrl)).status).toBe(200);
    expect(await eventCount()).toBe(before);
    expect(
      await t.ctx.db
        .selectFrom('feed_events')
        .select('type')
        .where('type', '=', 'subject.objected')
        .execute(),
    ).toHaveLength(1);
  });

  it('MAIL-05: unsubscribe and objection links never expire, also one issued when links still had an end date', async () => {
    const set = await links({ kind: 'unsubscribe', purpose: 'newsletter', channel: 'email' });
    expect(set.expiresAt).toBeNull();
    const token = new URL(set.url).pathname.slice(3);
    const stored = await t.ctx.db
      .selectFrom('tokens')
      .select('expires_at')
      .where('token_hash', '=', hashToken(t.ctx.keyring, token))
      .executeTakeFirstOrThrow();
    expect(stored.expires_at).toBeNull();
    // A link minted with a one-year end, read five years later.
    await t.ctx.db
      .updateTable('tokens')
      .set({ expires_at: '2027-11-29T10:00:00.000Z' })
      .where('token_hash', '=', hashToken(t.ctx.keyring, token))
      .execute();
    clock.set(new Date('2031-11-29T10:00:00.000Z'));
    expect((await post(set.url)).status).toBe(200);
    expect((await states()).email).toBe('withdrawn/unsubscribe');
    expect((await post(set.objectUrl)).status).toBe(200);
    expect((await states()).sms).toBe('withdrawn/unsubscribe');
  });

  it("MAIL-05: an erased person's unsubscribe and objection links answer success and change nothing", async () => {
    const set = await links({ kind: 'unsubscribe', purpose: 'newsletter', channel: 'email' });
    expect(
      (
        await t.call('POST', '/v1/requests', {
          token: tenant.secretKey,
          body: { subject: 'crm-1', type: 'erasure', scope: { all: true } },
        })
      ).status,
    ).toBe(201);
    const before = await eventCount();
    const feedBefore = (await t.ctx.db.selectFrom('feed_events').selectAll().execute()).length;
    for (const url of [set.url, set.objectUrl]) {
      const res = await post(url);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Nothing more is sent to you through this link.');
      expect((await t.call('GET', new URL(url).pathname)).status).toBe(200);
    }
    expect(await eventCount()).toBe(before);
    expect((await t.ctx.db.selectFrom('feed_events').selectAll().execute()).length).toBe(
      feedBefore,
    );
  });

  it('MAIL-07: the unsubscribe answer gives the List-Unsubscribe and List-Unsubscribe-Post headers, and /openapi.json says a tool must set them', async () => {
    const set = await links({ kind: 'unsubscribe', purpose: 'newsletter', channel: 'email' });
    expect(set.headers).toEqual({
      'List-Unsubscribe': `<${set.url}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect((await links({ kind: 'preferences' })).headers).toBeUndefined();
    const doc = await (await t.call('GET', '/openapi.json')).json();
    const op = doc.paths['/v1/subjects/{externalId}/links'].post;
    expect(op.description).toContain('List-Unsubscribe: <url>');
    expect(op.description).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(doc.paths['/u/object/{token}'].post).toBeDefined();
    expect(JSON.stringify(op.responses['201'])).toContain('List-Unsubscribe-Post');
  });
});
