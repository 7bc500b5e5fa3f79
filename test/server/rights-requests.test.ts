// The request lifecycle: due dates one calendar month out, one
// extension of at most two months within the first month with the person told
// (GDPR-20), cancel, overdue listing, and audit entries without personal data.
import { beforeEach, describe, expect } from 'vitest';
import {
  addCalendarMonths,
  cancelRequest,
  createRequest,
  extendRequest,
  getRequest,
  listRequests,
  refuseRequest,
} from '../../server/services/rights/requests.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, fixedClock, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';
import { capturingMailer, seedSubject } from '../helpers/subject-fixtures.js';

describe('GDPR-20: due dates are one calendar month later', () => {
  it.each([
    ['2026-01-15T09:30:00.000Z', 1, '2026-02-15T09:30:00.000Z'],
    ['2026-01-31T10:00:00.000Z', 1, '2026-02-28T10:00:00.000Z'],
    ['2028-01-31T10:00:00.000Z', 1, '2028-02-29T10:00:00.000Z'],
    ['2026-03-31T23:59:59.999Z', 1, '2026-04-30T23:59:59.999Z'],
    ['2026-12-31T00:00:00.000Z', 1, '2027-01-31T00:00:00.000Z'],
    ['2026-11-30T12:00:00.000Z', 3, '2027-02-28T12:00:00.000Z'],
    ['2026-01-31T10:00:00.000Z', 3, '2026-04-30T10:00:00.000Z'],
  ])('%s + %i month(s) = %s', (from, months, expected) => {
    expect(addCalendarMonths(from, months)).toBe(expected);
  });
});

describe.each(dialects)('request lifecycle on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const clock = fixedClock('2026-01-31T10:00:00.000Z');
  const mailer = capturingMailer();
  beforeEach(() => {
    clock.set('2026-01-31T10:00:00.000Z');
    mailer.sent.length = 0;
  });
  it.override({ dialect, appOptions: { clock, mailer } });
  it.beforeEach(({ app, tenant: made }) => {
    t = app;
    tenant = made;
  });

  const newRequest = (subjectId: string) =>
    createRequest(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      type: 'erasure',
      scope: { all: true },
      origin: 'api',
      actor: 'key_test',
    });

  it('GDPR-20: a request is received now and due a calendar month later (31 Jan -> 28 Feb)', async () => {
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, { externalId: 'c-1' });
    const row = await newRequest(subjectId);
    expect(row.received_at).toBe('2026-01-31T10:00:00.000Z');
    expect(row.due_at).toBe('2026-02-28T10:00:00.000Z');
    expect(row.status).toBe('received');
  });

  it('GDPR-20: one extension within the first month moves the due date by two months and e-mails the reason first', async () => {
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'c-1',
      email: 'ext@example.org',
    });
    const row = await newRequest(subjectId);
    clock.set('2026-02-20T08:00:00.000Z');
    const extended = await extendRequest(t.ctx, {
      tenantId: tenant.tenantId,
      requestId: row.id,
      reason: 'Many systems to search',
      actor: 'key_test',
    });
    expect(extended.due_at).toBe('2026-04-30T10:00:00.000Z');
    await t.ctx.mailQueue.drain();
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0].to).toBe('ext@example.org');
    expect(mailer.sent[0].text).toContain('Many systems to search');
    expect(mailer.sent[0].text).toContain('30 april 2026');
    const view = await getRequest(t.ctx, tenant.tenantId, row.id);
    expect(view.extension).toMatchObject({
      reason: 'Many systems to search',
      notice: { via: 'email' },
    });

    await expect(
      extendRequest(t.ctx, {
        tenantId: tenant.tenantId,
        requestId: row.id,
        reason: 'again',
        actor: 'key_test',
      }),
    ).rejects.toMatchObject({ status: 409, code: 'EXTENSION_NOT_ALLOWED' });
  });

  it('GDPR-20: an extension of one month is allowed; more than two is not', async () => {
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, { externalId: 'c-1' });
    const row = await newRequest(subjectId);
    await expect(
      extendRequest(t.ctx, {
        tenantId: tenant.tenantId,
        requestId: row.id,
        reason: 'complex',
        months: 3,
        actor: 'key_test',
      }),
    ).rejects.toMatchObject({ code: 'EXTENSION_NOT_ALLOWED' });
    const extended = await extendRequest(t.ctx, {
      tenantId: tenant.tenantId,
      requestId: row.id,
      reason: 'complex',
      months: 1,
      actor: 'key_test',
    });
    expect(extended.due_at).toBe('2026-03-31T10:00:00.000Z');
    // No address known: the requesting tool is recorded as the one who tells the person.
    expect(JSON.parse(extended.extension_notice!)).toMatchObject({ via: 'requester' });
  });

  it('GDPR-20: an extension after the first month is refused and nothing is sent', async () => {
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'c-1',
      email: 'late@example.org',
    });
    const row = await newRequest(subjectId);
    clock.set('2026-02-28T10:00:00.001Z');
    await expect(
      extendRequest(t.ctx, {
        tenantId: tenant.tenantId,
        requestId: row.id,
        reason: 'too late',
        actor: 'key_test',
      }),
    ).rejects.toMatchObject({ status: 409, code: 'EXTENSION_NOT_ALLOWED' });
    expect(mailer.sent).toHaveLength(0);
    expect((await getRequest(t.ctx, tenant.tenantId, row.id)).dueAt).toBe(
      '2026-02-28T10:00:00.000Z',
    );
  });

  it('cancel closes an open request once; a cancelled request cannot be extended', async () => {
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, { externalId: 'c-1' });
    const row = await newRequest(subjectId);
    const cancelled = await cancelRequest(t.ctx, {
      tenantId: tenant.tenantId,
      requestId: row.id,
      actor: 'key_test',
    });
    expect(cancelled.status).toBe('cancelled');
    await expect(
      cancelRequest(t.ctx, { tenantId: tenant.tenantId, requestId: row.id, actor: 'key_test' }),
    ).rejects.toMatchObject({ status: 409, code: 'REQUEST_NOT_OPEN' });
    await expect(
      extendRequest(t.ctx, {
        tenantId: tenant.tenantId,
        requestId: row.id,
        reason: 'x y z',
        actor: 'key_test',
      }),
    ).rejects.toMatchObject({ code: 'REQUEST_NOT_OPEN' });
  });

  it('GDPR-21: a refusal sends the reasons and the right to complain to the AP first, and closes the request', async () => {
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'c-1',
      email: 'refuse@example.org',
    });
    const row = await newRequest(subjectId);
    const refused = await refuseRequest(t.ctx, {
      tenantId: tenant.tenantId,
      requestId: row.id,
      ground: 'exemption',
      explanation: 'Invoices must be kept 7 years (tax law)',
      actor: 'key_test',
    });
    expect(refused.status).toBe('refused');
    expect(JSON.parse(refused.outcome!)).toMatchObject({
      refused: true,
      ground: 'exemption',
      notice: { via: 'email' },
    });
    await t.ctx.mailQueue.drain();
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0].text).toContain('Invoices must be kept 7 years');
    expect(mailer.sent[0].text).toContain('Autoriteit Persoonsgegevens');
    expect(mailer.sent[0].text).toMatch(/naar de rechter|go to court/);
    expect(mailer.sent[0].text).toContain('wettelijke uitzondering');
    await expect(
      refuseRequest(t.ctx, {
        tenantId: tenant.tenantId,
        requestId: row.id,
        ground: 'excessive',
        explanation: 'again',
        actor: 'key_test',
      }),
    ).rejects.toMatchObject({ status: 409, code: 'REQUEST_NOT_OPEN' });
    expect(await listRequests(t.ctx, tenant.tenantId, { status: 'refused' })).toHaveLength(1);
  });

  it('GDPR-21: a refusal whose notice cannot be queued is not stored', async () => {
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'c-1',
      email: 'refuse@example.org',
    });
    const row = await newRequest(subjectId);
    const failing = {
      send: async () => {
        throw new Error('outbox unavailable');
      },
    };
    await expect(
      refuseRequest(
        { ...t.ctx, mailer: failing },
        {
          tenantId: tenant.tenantId,
          requestId: row.id,
          ground: 'manifestly_unfounded',
          explanation: 'Repeated identical request',
          actor: 'key_test',
        },
      ),
    ).rejects.toThrow('outbox unavailable');
    expect((await getRequest(t.ctx, tenant.tenantId, row.id)).status).toBe('received');
  });

  it('overdue lists open requests past their due date only; another tenant sees none', async () => {
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, { externalId: 'c-1' });
    const late = await newRequest(subjectId);
    clock.set('2026-02-10T10:00:00.000Z');
    const fresh = await newRequest(subjectId);
    const closed = await newRequest(subjectId);
    await cancelRequest(t.ctx, {
      tenantId: tenant.tenantId,
      requestId: closed.id,
      actor: 'key_test',
    });
    clock.set('2026-03-01T00:00:00.000Z');
    const overdue = await listRequests(t.ctx, tenant.tenantId, { overdue: true });
    expect(overdue.map((r) => r.id)).toEqual([late.id]);
    expect(overdue[0].overdue).toBe(true);
    const open = await listRequests(t.ctx, tenant.tenantId, { status: 'received' });
    expect(open.map((r) => r.id).sort()).toEqual([late.id, fresh.id].sort());
    const other = await createTestTenant(t);
    expect(await listRequests(t.ctx, other.tenantId, {})).toEqual([]);
    await expect(getRequest(t.ctx, other.tenantId, late.id)).rejects.toMatchObject({ status: 404 });
  });

  it('GDPR Art. 5(2): every step is audited with ids only, never the e-mail address', async () => {
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'c-1',
      email: 'audit-me@example.org',
    });
    const row = await newRequest(subjectId);
    await extendRequest(t.ctx, {
      tenantId: tenant.tenantId,
      requestId: row.id,
      reason: 'complex case',
      actor: 'key_test',
    });
    await cancelRequest(t.ctx, { tenantId: tenant.tenantId, requestId: row.id, actor: 'key_test' });
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .where('target', '=', row.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'request.received',
      'request.extended',
      'request.cancelled',
    ]);
    expect(JSON.stringify(audit)).not.toContain('audit-me');
  });
});
