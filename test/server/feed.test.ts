// The consent feed (GET /v1/feed; GDPR-36 / BAN-09, Art. 19: recipients hear of every change):
// opaque cursors, limits, type filters, long-poll, no personal data, tenant isolation.
import { describe, expect } from 'vitest';
import { createStore } from '../../server/db/create-db.js';
import { appendFeedEvent } from '../../server/services/feed/feed-events.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';

interface Page {
  events: Array<{
    id: string;
    type: string;
    occurredAt: string;
    subject: { id: string; externalId: string | null };
    data: Record<string, any>;
  }>;
  next: string;
}

describe.each(dialects)('GET /v1/feed on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let feedKey: string;
  it.override({ dialect });
  it.beforeEach(async ({ app, tenant: made }) => {
    t = app;
    tenant = made;
    const res = await t.call('POST', '/v1/keys', {
      token: tenant.secretKey,
      body: { scopes: ['feed:read'] },
    });
    feedKey = ((await res.json()) as { secretKey: string }).secretKey;
  });

  const consent = (externalId: string, decisions: Record<string, unknown>) =>
    t.call('POST', `/v1/subjects/${externalId}/consents`, {
      token: tenant.secretKey,
      body: { decisions },
    });
  const feed = async (query = '', token = feedKey): Promise<Page> => {
    const res = await t.call('GET', `/v1/feed${query}`, { token });
    expect(res.status).toBe(200);
    return (await res.json()) as Page;
  };

  it('GDPR-36: pages every event once, in order, with opaque cursors', async () => {
    for (let i = 0; i < 5; i++)
      expect((await consent(`crm-${i}`, { analytics: true })).status).toBe(201);
    const first = await feed('?limit=2');
    expect(first.events.map((e) => e.subject.externalId)).toEqual(['crm-0', 'crm-1']);
    expect(first.events[0]).toMatchObject({
      type: 'consent.updated',
      data: { state: { analytics: 'granted' }, source: 'api', configVersion: 1 },
    });
    expect(first.events[0].id).toMatch(/^evt_/);
    expect(first.events[0].subject.id).toMatch(/^sub_/);
    expect(first.next).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await feed(`?limit=2&after=${first.next}`);
    const third = await feed(`?limit=2&after=${second.next}`);
    const empty = await feed(`?after=${third.next}`);
    expect([...second.events, ...third.events].map((e) => e.subject.externalId)).toEqual([
      'crm-2',
      'crm-3',
      'crm-4',
    ]);
    expect(empty.events).toEqual([]);
    expect(empty.next).toBe(third.next);
  });

  it('filters by type and moves the cursor past skipped events', async () => {
    await consent('crm-1', { analytics: true });
    const subject = await t.ctx.db
      .selectFrom('subjects')
      .select('id')
      .where('external_id', '=', 'crm-1')
      .executeTakeFirstOrThrow();
    await t.ctx.db
      .transaction()
      .execute((trx) =>
        appendFeedEvent(
          trx,
          tenant.tenantId,
          { type: 'subject.restricted', subjectId: subject.id, externalId: 'crm-1', data: {} },
          new Date().toISOString(),
        ),
      );
    await consent('crm-2', { analytics: true });
    const restricted = await feed('?types=subject.restricted,subject.erased');
    expect(restricted.events.map((e) => e.type)).toEqual(['subject.restricted']);
    const after = await feed(`?types=subject.restricted&after=${restricted.next}`);
    expect(after.events).toEqual([]);
    // The cursor already stands past the trailing consent.updated: nothing is scanned twice.
    expect((await feed(`?after=${after.next}`)).events).toEqual([]);
  });

  it('answers 400 for malformed and foreign cursors and out-of-range parameters', async () => {
    await consent('crm-1', { analytics: true });
    for (const query of [
      '?after=%%%',
      '?after=bm90LWpzb24',
      `?after=${Buffer.from('{"v":2,"seq":1}').toString('base64url')}`,
      `?after=${Buffer.from('{"v":1,"seq":99}').toString('base64url')}`,
      `?after=${Buffer.from('{"v":1,"seq":-1}').toString('base64url')}`,
    ]) {
      const res = await t.call('GET', `/v1/feed${query}`, { token: feedKey });
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as any).error.code, query).toBe('BAD_CURSOR');
    }
    for (const query of [
      '?limit=0',
      '?limit=1001',
      '?limit=ten',
      '?wait=31',
      '?types=consent.deleted',
    ]) {
      const res = await t.call('GET', `/v1/feed${query}`, { token: feedKey });
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as any).error.code, query).toBe('VALIDATION_FAILED');
    }
  });

  it('GDPR-52: a tool with feed:read but not pii:read never sees an e-mail address in the feed', async () => {
    await t.call('PUT', '/v1/subjects/crm-1', {
      token: tenant.secretKey,
      body: { email: 'anna@example.nl', phone: '+31612345678', attributes: { name: 'Anna' } },
    });
    await consent('crm-1', { newsletter: { email: true } });
    const text = await (await t.call('GET', '/v1/feed', { token: feedKey })).text();
    expect(JSON.parse(text).events).toHaveLength(1);
    expect(text).not.toContain('@');
    expect(text).not.toContain('612345678');
    expect(text).not.toContain('Anna');
  });

  it("keeps tenants apart: another tenant's key sees none of these events", async () => {
    await consent('crm-1', { analytics: true });
    const other = await createTestTenant(t);
    expect((await feed('', other.secretKey)).events).toEqual([]);
    const mine = await feed();
    // A cursor is positional: used by the other tenant beyond its own end it is refused.
    const res = await t.call('GET', `/v1/feed?after=${mine.next}`, { token: other.secretKey });
    expect(res.status).toBe(400);
  });

  it('needs feed:read', async () => {
    const res = await t.call('POST', '/v1/keys', {
      token: tenant.secretKey,
      body: { scopes: ['subjects:read'] },
    });
    const key = ((await res.json()) as { secretKey: string }).secretKey;
    expect((await t.call('GET', '/v1/feed', { token: key })).status).toBe(403);
    expect((await t.call('GET', '/v1/feed')).status).toBe(401);
  });

  it('long-poll returns within a second of a new event written through this process', async () => {
    const head = await feed();
    const started = performance.now();
    const polling = t.call('GET', `/v1/feed?wait=10&after=${head.next}`, { token: feedKey });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const wroteAt = performance.now();
    await consent('crm-1', { analytics: true });
    const page = (await (await polling).json()) as Page;
    const returnedAt = performance.now();
    expect(page.events.map((e) => e.subject.externalId)).toEqual(['crm-1']);
    expect(returnedAt - wroteAt).toBeLessThan(1000);
    expect(returnedAt - started).toBeGreaterThanOrEqual(300);
  });

  it('long-poll sees an event written by another process on the same database within a second', async () => {
    const head = await feed();
    const polling = t.call('GET', `/v1/feed?wait=10&after=${head.next}`, { token: feedKey });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A second store on the same database stands in for another server process: no in-process notification.
    const elsewhere = createStore(t.testStore.url);
    const wroteAt = performance.now();
    await elsewhere.db
      .transaction()
      .execute((trx) =>
        appendFeedEvent(
          trx,
          tenant.tenantId,
          { type: 'subject.objected', subjectId: null, externalId: null, data: {} },
          new Date().toISOString(),
        ),
      );
    const page = (await (await polling).json()) as Page;
    expect(performance.now() - wroteAt).toBeLessThan(1000);
    await elsewhere.close();
    expect(page.events.map((e) => e.type)).toEqual(['subject.objected']);
  });

  it('long-poll ends empty after `wait` seconds, and at once when the client goes away', async () => {
    const head = await feed();
    const started = performance.now();
    const timedOut = (await (
      await t.call('GET', `/v1/feed?wait=1&after=${head.next}`, { token: feedKey })
    ).json()) as Page;
    expect(timedOut).toEqual({ events: [], next: head.next });
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);

    const abort = new AbortController();
    const abortedAt = performance.now();
    const pending = t.app.request(`/v1/feed?wait=30&after=${head.next}`, {
      headers: { authorization: `Bearer ${feedKey}` },
      signal: abort.signal,
    });
    setTimeout(() => abort.abort(), 100);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(performance.now() - abortedAt).toBeLessThan(1000);
  });
});
