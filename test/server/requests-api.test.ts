// The request API over HTTP (/v1/requests): each type runs through the rights
// services, tracked requests are extended, cancelled and executed later, exports
// download, and scopes, tenants and bad input answer 4xx in the documented error shape.
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addCalendarMonths } from '../../server/services/rights/requests.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { seedSubject } from '../helpers/subject-fixtures.js';

describe.each(dialects)('/v1/requests on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let subjectId: string;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    tenant = await createTestTenant(t);
    subjectId = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'crm-1',
      email: 'api-person@example.org',
      attributes: { city: 'Delft' },
      records: { orders: [{ item: 'Kayak' }], reviews: [{ stars: 5 }] },
      consents: { analytics: true, ads: true, newsletter: { email: true } },
      userAgent: 'ApiPersonBrowser/3.1',
    });
  });
  afterEach(async () => {
    await t.close();
  });

  const post = (path: string, body?: unknown, token = tenant.secretKey) =>
    t.call('POST', path, { token, body });
  const get = (path: string, token = tenant.secretKey) => t.call('GET', path, { token });

  it('GDPR-32: an erasure request erases at once; the subject is then unknown (404) and its bytes are gone', async () => {
    const res = await post('/v1/requests', {
      subject: 'crm-1',
      type: 'erasure',
      scope: { all: true },
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({
      type: 'erasure',
      status: 'completed',
      origin: 'api',
      outcome: { erased: 'all', records: 2 },
    });
    expect(body.id).toMatch(/^req_/);
    expect(body.dueAt).toBe(addCalendarMonths(body.receivedAt, 1));

    const again = await post('/v1/requests', { subject: 'crm-1', type: 'access' });
    expect(again.status).toBe(404);
    expect((await again.json()).error.code).toBe('NOT_FOUND');
    const read = await (await get(`/v1/requests/${body.id}`)).json();
    expect(read).toMatchObject({
      status: 'completed',
      subject: { id: subjectId, externalId: null },
    });
    if (t.testStore.file) {
      const bytes = Buffer.concat([
        fs.readFileSync(t.testStore.file),
        fs.existsSync(`${t.testStore.file}-wal`)
          ? fs.readFileSync(`${t.testStore.file}-wal`)
          : Buffer.alloc(0),
      ]);
      expect(bytes.includes('api-person@example.org')).toBe(false);
      expect(bytes.includes('ApiPersonBrowser/3.1')).toBe(false);
    }
  });

  it('GDPR-32: a person made through /v1/subjects is erased by a request and then unknown to /v1/subjects and /v1/check', async () => {
    const made = await t.call('PUT', '/v1/subjects/shop-77', {
      token: tenant.secretKey,
      body: { email: 'shop77-person@example.org', attributes: { shoeSize: 'size-44-unique' } },
    });
    expect(made.status).toBeLessThan(300);
    expect(
      (await post('/v1/subjects/shop-77/records/returns', [{ reason: 'too-small-unique-9911' }]))
        .status,
    ).toBeLessThan(300);
    expect(
      (await post('/v1/subjects/shop-77/consents', { decisions: { newsletter: { email: true } } }))
        .status,
    ).toBeLessThan(300);

    const erased = await post('/v1/requests', {
      subject: 'shop-77',
      type: 'erasure',
      scope: { all: true },
    });
    expect(erased.status).toBe(201);
    expect((await get('/v1/subjects/shop-77')).status).toBe(404);
    const check = await (
      await get('/v1/check?subject=shop-77&purpose=newsletter&channel=email')
    ).json();
    expect(check).toMatchObject({ allowed: false, reason: 'erased' });
    if (t.testStore.file) {
      const file = t.testStore.file;
      const bytes = Buffer.concat([
        fs.readFileSync(file),
        fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`) : Buffer.alloc(0),
      ]);
      for (const gone of ['shop77-person@example.org', 'size-44-unique', 'too-small-unique-9911'])
        expect(bytes.includes(gone), gone).toBe(false);
    }
  });

  it('GDPR-30/32: a banner visitor merged into the person is in their export and goes with their erasure', async () => {
    const visitorId = 'v_mergedVisitor0123456789abcdef';
    const shellId = await seedSubject(t.ctx, tenant.tenantId, {
      visitorId,
      consents: { analytics: true },
      userAgent: 'ShellBrowser/9.9-unique',
    });
    expect(
      (
        await t.call('PUT', '/v1/subjects/shop-merge', {
          token: tenant.secretKey,
          body: { email: 'merge@example.org', visitorIds: [visitorId] },
        })
      ).status,
    ).toBeLessThan(300);
    const shell = await t.ctx.db
      .selectFrom('subjects')
      .select('merged_into')
      .where('id', '=', shellId)
      .executeTakeFirst();
    expect(shell?.merged_into).toBeTruthy();

    const access = await (
      await post('/v1/requests', { subject: 'shop-merge', type: 'access' })
    ).json();
    const doc = await (await get(access.outcome.export.json)).json();
    expect(doc.consent.history.map((h: { userAgent: string | null }) => h.userAgent)).toContain(
      'ShellBrowser/9.9-unique',
    );

    expect(
      (await post('/v1/requests', { subject: 'shop-merge', type: 'erasure', scope: { all: true } }))
        .status,
    ).toBe(201);
    expect(
      await t.ctx.db.selectFrom('subjects').select('id').where('id', '=', shellId).execute(),
    ).toEqual([]);
    const events = await t.ctx.db
      .selectFrom('consent_events')
      .select(['user_agent', 'ip_truncated'])
      .where('subject_id', '=', shellId)
      .execute();
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.user_agent === null && e.ip_truncated === null)).toBe(true);
  });

  it('GDPR-32: a partial erasure request keeps the other data set', async () => {
    const body = await (
      await post('/v1/requests', {
        subject: 'crm-1',
        type: 'erasure',
        scope: { datasets: ['orders'], fields: ['city'] },
      })
    ).json();
    expect(body).toMatchObject({
      status: 'completed',
      scope: { datasets: ['orders'], fields: ['city'] },
      outcome: { erased: 'partial', datasets: { orders: 1 } },
    });
    const left = await t.ctx.db
      .selectFrom('records')
      .select('dataset')
      .where('subject_id', '=', subjectId)
      .execute();
    expect(left.map((r) => r.dataset)).toEqual(['reviews']);
  });

  it('GDPR-30: an access request completes at once and its export downloads as JSON and CSV', async () => {
    const body = await (await post('/v1/requests', { subject: 'crm-1', type: 'access' })).json();
    expect(body.status).toBe('completed');
    expect(body.outcome.export.json).toBe(`/v1/requests/${body.id}/export?format=json`);
    const json = await get(body.outcome.export.json);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-disposition')).toMatch(
      /^attachment; filename="akkoord-export-/,
    );
    expect(json.headers.get('cache-control')).toBe('no-store');
    const doc = await json.json();
    expect(doc).toMatchObject({
      format: 'akkoord.subject-export.v1',
      subject: { externalId: 'crm-1', email: 'api-person@example.org' },
    });
    const csv = await get(body.outcome.export.csv);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(await csv.text()).toContain('api-person@example.org');
    expect((await get(`/v1/requests/${body.id}/export?format=pdf`)).status).toBe(400);

    const erasure = await (
      await post('/v1/requests', { subject: 'crm-1', type: 'erasure', scope: { all: true } })
    ).json();
    expect((await get(`/v1/requests/${erasure.id}/export`)).status).toBe(404);
    expect((await get(body.outcome.export.json)).status).toBe(404);
  });

  it('GDPR-34/35: restriction then lift_restriction through the API, the lift recording who tells the person', async () => {
    const restricted = await (
      await post('/v1/requests', {
        subject: 'crm-1',
        type: 'restriction',
        scope: { reason: 'legal_claims' },
      })
    ).json();
    expect(restricted).toMatchObject({
      status: 'completed',
      scope: { reason: 'legal_claims' },
      outcome: { restricted: true },
    });
    const lifted = await (
      await post('/v1/requests', { subject: 'crm-1', type: 'lift_restriction' })
    ).json();
    expect(lifted).toMatchObject({
      status: 'completed',
      outcome: { restricted: false, notice: { via: 'email' } },
    });
    const again = await post('/v1/requests', { subject: 'crm-1', type: 'lift_restriction' });
    expect(again.status).toBe(409);
    expect(
      (
        await post('/v1/requests', {
          subject: 'crm-1',
          type: 'restriction',
          scope: { reason: 'because' },
        })
      ).status,
    ).toBe(400);
  });

  it('GDPR-41: an objection request withdraws marketing consents; a rectification stores field names, not values', async () => {
    const objected = await (
      await post('/v1/requests', { subject: 'crm-1', type: 'objection' })
    ).json();
    expect(objected.outcome.withdrawn).toHaveLength(2);
    const rectified = await (
      await post('/v1/requests', {
        subject: 'crm-1',
        type: 'rectification',
        scope: { email: 'fixed@example.org', attributes: { city: 'Leiden' } },
      })
    ).json();
    expect(rectified).toMatchObject({
      status: 'completed',
      scope: { fields: ['email', 'attributes.city'] },
      outcome: { changed: ['email', 'attributes.city'] },
    });
    const stored = await t.ctx.db
      .selectFrom('requests')
      .select(['scope', 'outcome'])
      .where('id', '=', rectified.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toMatch(/fixed@|Leiden/);
  });

  it('GDPR-20: a tracked request is extended once, listed, cancelled; another is executed later', async () => {
    const tracked = await (
      await post('/v1/requests', {
        subject: 'crm-1',
        type: 'erasure',
        scope: { datasets: ['orders'] },
        execute: false,
      })
    ).json();
    expect(tracked.status).toBe('received');
    expect(
      await t.ctx.db
        .selectFrom('records')
        .select('id')
        .where('subject_id', '=', subjectId)
        .execute(),
    ).toHaveLength(2);
    const extended = await post(`/v1/requests/${tracked.id}/extend`, {
      reason: 'Backups in three systems',
      months: 2,
    });
    expect(extended.status).toBe(200);
    const ext = await extended.json();
    expect(ext.dueAt).toBe(addCalendarMonths(tracked.receivedAt, 3));
    expect(ext.extension).toMatchObject({
      reason: 'Backups in three systems',
      notice: { via: 'email' },
    });
    const twice = await post(`/v1/requests/${tracked.id}/extend`, { reason: 'Once more please' });
    expect(twice.status).toBe(409);
    expect((await twice.json()).error.code).toBe('EXTENSION_NOT_ALLOWED');
    expect((await post(`/v1/requests/${tracked.id}/extend`, { reason: '' })).status).toBe(400);

    const open = await (await get('/v1/requests?status=received')).json();
    expect(open.requests.map((r: { id: string }) => r.id)).toEqual([tracked.id]);
    expect((await (await get('/v1/requests?overdue=true')).json()).requests).toEqual([]);
    expect((await (await get('/v1/requests?subject=crm-1')).json()).requests).toHaveLength(1);
    expect((await (await get('/v1/requests?subject=nobody')).json()).requests).toEqual([]);

    expect((await post(`/v1/requests/${tracked.id}/cancel`)).status).toBe(200);
    expect((await post(`/v1/requests/${tracked.id}/execute`)).status).toBe(409);

    const later = await (
      await post('/v1/requests', {
        subject: 'crm-1',
        type: 'rectification',
        scope: { phone: '+31 10 123 4567' },
        execute: false,
      })
    ).json();
    expect((await post(`/v1/requests/${later.id}/execute`)).status).toBe(400);
    const done = await post(`/v1/requests/${later.id}/execute`, {
      scope: { phone: '+31 10 123 4567' },
    });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({
      status: 'completed',
      outcome: { changed: ['phone'] },
    });
  });

  it('GDPR-21/23: a tracked request is refused over HTTP with a ground and a justification', async () => {
    const tracked = await (
      await post('/v1/requests', {
        subject: 'crm-1',
        type: 'erasure',
        scope: { all: true },
        execute: false,
      })
    ).json();
    expect(
      (await post(`/v1/requests/${tracked.id}/refuse`, { ground: 'because', explanation: 'x y z' }))
        .status,
    ).toBe(400);
    expect((await post(`/v1/requests/${tracked.id}/refuse`, { ground: 'excessive' })).status).toBe(
      400,
    );
    const refused = await post(`/v1/requests/${tracked.id}/refuse`, {
      ground: 'exemption',
      explanation: 'Needed for a pending legal claim',
    });
    expect(refused.status).toBe(200);
    expect(await refused.json()).toMatchObject({
      status: 'refused',
      outcome: { ground: 'exemption', notice: { via: 'email' } },
    });
    expect((await post(`/v1/requests/${tracked.id}/execute`)).status).toBe(409);
    expect(
      await t.ctx.db.selectFrom('subjects').select('id').where('id', '=', subjectId).execute(),
    ).toHaveLength(1);
  });

  it('bad input, missing scopes and other tenants answer 4xx in the documented error shape', async () => {
    const cases: Array<[unknown, number]> = [
      [{ subject: 'crm-1', type: 'teleport' }, 400],
      [{ subject: 'crm-1', type: 'erasure' }, 400],
      [{ subject: 'crm-1', type: 'erasure', scope: {} }, 400],
      [{ subject: 'crm-1', type: 'erasure', scope: { all: false } }, 400],
      [{ subject: 'crm-1', type: 'rectification', scope: { email: 'not-an-address' } }, 400],
      [{ subject: 'crm-1', type: 'access', extra: 1 }, 400],
      [{ type: 'access' }, 400],
      [{ subject: 'unknown-person', type: 'access' }, 404],
    ];
    for (const [body, status] of cases) {
      const res = await post('/v1/requests', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await res.json()).error.code).toMatch(/^[A-Z_]+$/);
    }
    expect((await post('/v1/requests', '{"subject":')).status).toBe(400);
    expect((await get('/v1/requests?overdue=maybe')).status).toBe(400);
    expect((await get('/v1/requests?limit=0')).status).toBe(400);
    expect((await t.call('GET', '/v1/requests')).status).toBe(401);

    const key = await (
      await t.call('POST', '/v1/keys', { token: tenant.secretKey, body: { scopes: ['feed:read'] } })
    ).json();
    expect((await get('/v1/requests', key.secretKey)).status).toBe(403);

    const mine = await (
      await post('/v1/requests', { subject: 'crm-1', type: 'access', execute: false })
    ).json();
    const other = await createTestTenant(t);
    expect((await get(`/v1/requests/${mine.id}`, other.secretKey)).status).toBe(404);
    expect((await post(`/v1/requests/${mine.id}/cancel`, undefined, other.secretKey)).status).toBe(
      404,
    );
    expect(
      (
        await post(
          '/v1/requests',
          { subject: 'crm-1', type: 'erasure', scope: { all: true } },
          other.secretKey,
        )
      ).status,
    ).toBe(404);
    expect((await (await get('/v1/requests', other.secretKey)).json()).requests).toEqual([]);
    expect(
      await t.ctx.db.selectFrom('subjects').select('id').where('id', '=', subjectId).execute(),
    ).toHaveLength(1);
  });

  it('every request endpoint is described in /openapi.json', async () => {
    const doc = await (await t.call('GET', '/openapi.json')).json();
    for (const path of [
      '/v1/requests',
      '/v1/requests/{id}',
      '/v1/requests/{id}/extend',
      '/v1/requests/{id}/cancel',
      '/v1/requests/{id}/refuse',
      '/v1/requests/{id}/execute',
      '/v1/requests/{id}/export',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});
