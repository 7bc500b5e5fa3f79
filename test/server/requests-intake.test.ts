// Requests that reach the DPO by letter, phone or e-mail: registered with the date they
// arrived (the deadline runs from it), the channel, and the identity check noted before
// they run (GDPR Art. 12(3), 12(6)).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { dialects } from '../helpers/db.js';

const DAY = 24 * 60 * 60_000;

describe.each(dialects)('registering requests by hand on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeEach(async () => {
    t = await startTestApp(dialect, { clock: fixedClock('2026-12-02T10:00:00.000Z') });
    tenant = await createTestTenant(t);
    expect(
      (
        await t.call('PUT', '/v1/subjects/klant-2', {
          token: tenant.secretKey,
          body: { email: 'klant2@example.nl' },
        })
      ).status,
    ).toBe(201);
  });
  afterEach(async () => t.close());

  const api = (method: string, path: string, body?: unknown) =>
    t.call(method, path, { token: tenant.secretKey, body });

  it('GDPR-20: the deadline runs from receivedAt; the request runs only after the identity check is noted', async () => {
    const res = await api('POST', '/v1/requests', {
      subject: 'klant-2',
      type: 'access',
      scope: {},
      execute: false,
      receivedAt: '2026-11-20T08:00:00+01:00',
      channel: 'letter',
    });
    expect(res.status).toBe(201);
    const request = (await res.json()) as {
      id: string;
      receivedAt: string;
      dueAt: string;
      channel: string;
      identityCheck: unknown;
      status: string;
    };
    expect(request).toMatchObject({
      receivedAt: '2026-11-20T07:00:00.000Z',
      dueAt: '2026-12-20T07:00:00.000Z',
      channel: 'letter',
      identityCheck: null,
      status: 'received',
    });

    const early = await api('POST', `/v1/requests/${request.id}/execute`);
    expect(early.status).toBe(409);
    const noted = (await (
      await api('POST', `/v1/requests/${request.id}/identity-check`, { method: 'document' })
    ).json()) as { identityCheck: { method: string; by: string; at: string } };
    expect(noted.identityCheck).toMatchObject({
      method: 'document',
      at: '2026-12-02T10:00:00.000Z',
    });
    expect(noted.identityCheck.by).toMatch(/^key_/);
    const executed = await api('POST', `/v1/requests/${request.id}/execute`);
    expect(executed.status).toBe(200);
    expect(((await executed.json()) as { status: string }).status).toBe('completed');

    const audit = (await (await api('GET', `/v1/audit?target=${request.id}`)).json()) as {
      entries: Array<{ action: string; details: Record<string, unknown> }>;
    };
    expect(audit.entries.map((e) => e.action)).toEqual([
      'request.received',
      'request.identity_checked',
      'request.completed',
    ]);
    expect(audit.entries[0].details).toMatchObject({
      channel: 'letter',
      receivedAt: '2026-11-20T07:00:00.000Z',
    });
  });

  it('a request received long ago is overdue at once; one from the future or run unchecked is refused', async () => {
    const old = await api('POST', '/v1/requests', {
      subject: 'klant-2',
      type: 'objection',
      scope: {},
      execute: false,
      channel: 'email',
      receivedAt: new Date(Date.parse('2026-12-02T10:00:00.000Z') - 40 * DAY).toISOString(),
    });
    expect(((await old.json()) as { overdue: boolean }).overdue).toBe(true);
    const overdue = (await (await api('GET', '/v1/requests?overdue=true')).json()) as {
      requests: unknown[];
    };
    expect(overdue.requests).toHaveLength(1);

    expect(
      (
        await api('POST', '/v1/requests', {
          subject: 'klant-2',
          type: 'access',
          scope: {},
          execute: false,
          receivedAt: '2026-12-03T10:00:00.000Z',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await api('POST', '/v1/requests', {
          subject: 'klant-2',
          type: 'access',
          scope: {},
          channel: 'phone',
        })
      ).status,
    ).toBe(409);
    const checked = await api('POST', '/v1/requests', {
      subject: 'klant-2',
      type: 'access',
      scope: {},
      channel: 'phone',
      identityCheck: { method: 'knowledge_questions' },
    });
    expect(checked.status).toBe(201);
    expect(((await checked.json()) as { status: string }).status).toBe('completed');
    expect(
      (
        await api('POST', '/v1/requests', {
          subject: 'klant-2',
          type: 'access',
          scope: {},
          channel: 'pigeon',
        })
      ).status,
    ).toBe(400);
  });
});

describe.each(dialects)('the request list pages by keyset on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeEach(async () => {
    t = await startTestApp(dialect, { clock: fixedClock('2026-12-02T10:00:00.000Z') });
    tenant = await createTestTenant(t);
    // Informed by the shop already: no Art. 14 notice request joins the ones this test counts.
    expect(
      (
        await t.call('PUT', '/v1/subjects/klant-2', {
          token: tenant.secretKey,
          body: { email: 'klant2@example.nl', informedAt: '2026-11-01T09:00:00.000Z' },
        })
      ).status,
    ).toBe(201);
  });
  afterEach(async () => t.close());

  it('reads every open request once, page by page, in due-date order; a forged cursor is 400', async () => {
    const made: string[] = [];
    for (let day = 1; day <= 5; day += 1) {
      // Two on the same day: the id breaks the tie.
      for (const _ of [0, 1]) {
        const res = await t.call('POST', '/v1/requests', {
          token: tenant.secretKey,
          body: {
            subject: 'klant-2',
            type: 'access',
            scope: {},
            execute: false,
            receivedAt: `2026-11-0${day}T09:00:00.000Z`,
          },
        });
        made.push(((await res.json()) as { id: string }).id);
      }
    }
    const seen: string[] = [];
    const dues: string[] = [];
    let after: string | null = '';
    while (after !== null) {
      const page = (await (
        await t.call(
          'GET',
          `/v1/requests?status=received&limit=3${after ? `&after=${after}` : ''}`,
          { token: tenant.secretKey },
        )
      ).json()) as { requests: Array<{ id: string; dueAt: string }>; next: string | null };
      seen.push(...page.requests.map((r) => r.id));
      dues.push(...page.requests.map((r) => r.dueAt));
      after = page.next;
    }
    expect(dues).toEqual([...dues].sort());
    expect([...seen].sort()).toEqual([...made].sort());
    expect(new Set(seen).size).toBe(10);
    expect(
      (await t.call('GET', '/v1/requests?after=bm9wZQ', { token: tenant.secretKey })).status,
    ).toBe(400);
  });
});
