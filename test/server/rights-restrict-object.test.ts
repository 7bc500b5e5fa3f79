// Restriction (Art. 18: GDPR-34, GDPR-35), objection to direct marketing (Art. 21(2)-(3):
// GDPR-41) and rectification (Art. 16: GDPR-31), each with its feed event and audit entry.
import { beforeEach, describe, expect } from 'vitest';
import { objectToMarketing } from '../../server/services/rights/object.js';
import { rectifySubject } from '../../server/services/rights/rectify.js';
import { liftRestriction, restrictSubject } from '../../server/services/rights/restrict.js';
import { readStateRows } from '../../server/services/consent/consent-state.js';
import { emailHash, openJson } from '../../server/services/subjects/personal-data.js';
import { dialects } from '../helpers/db.js';
import { type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';
import { capturingMailer, seedSubject } from '../helpers/subject-fixtures.js';

describe.each(dialects)('restriction, objection and rectification on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const mailer = capturingMailer();
  beforeEach(() => {
    mailer.sent.length = 0;
    mailer.fail = false;
  });
  it.override({ dialect, appOptions: { mailer } });
  it.beforeEach(({ app, tenant: made }) => {
    t = app;
    tenant = made;
  });

  const feedOf = async (type: string) =>
    (
      await t.ctx.db
        .selectFrom('feed_events')
        .selectAll()
        .where('tenant_id', '=', tenant.tenantId)
        .where('type', '=', type)
        .orderBy('seq')
        .execute()
    ).map((e) => ({ ...e, data: JSON.parse(e.data) as Record<string, unknown> }));
  const subjectRow = (id: string) =>
    t.ctx.db.selectFrom('subjects').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('GDPR-34: restriction sets the flag with one of the four grounds and feeds subject.restricted', async () => {
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, { externalId: 'r-1' });
    const result = await restrictSubject(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      reason: 'accuracy_contested',
      actor: 'key_x',
    });
    expect(result).toEqual({
      restricted: true,
      reason: 'accuracy_contested',
      changed: true,
      notified: [],
    });
    expect(await subjectRow(subjectId)).toMatchObject({
      restricted: 1,
      restriction_reason: 'accuracy_contested',
    });
    expect((await feedOf('subject.restricted')).map((e) => [e.external_id, e.data])).toEqual([
      ['r-1', { reason: 'accuracy_contested' }],
    ]);
    // The same ground again changes nothing and emits nothing.
    expect(
      (
        await restrictSubject(t.ctx, {
          tenantId: tenant.tenantId,
          subjectId,
          reason: 'accuracy_contested',
          actor: 'key_x',
        })
      ).changed,
    ).toBe(false);
    expect(await feedOf('subject.restricted')).toHaveLength(1);
  });

  it('GDPR-35: lifting e-mails the person first, logs that notice and feeds subject.restriction_lifted', async () => {
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'r-1',
      email: 'lift@example.org',
    });
    await restrictSubject(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      reason: 'legal_claims',
      actor: 'key_x',
    });
    const lifted = await liftRestriction(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      actor: 'data_subject',
    });
    expect(lifted.notice.via).toBe('email');
    await t.ctx.mailQueue.drain();
    expect(mailer.sent.map((m) => m.to)).toEqual(['lift@example.org']);
    expect(await subjectRow(subjectId)).toMatchObject({ restricted: 0, restriction_reason: null });
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('target', '=', subjectId)
      .orderBy('seq')
      .execute();
    const actions = audit.map((a) => a.action);
    expect(actions.indexOf('subject.restriction_lift_notified')).toBeGreaterThan(-1);
    expect(actions.indexOf('subject.restriction_lift_notified')).toBeLessThan(
      actions.indexOf('subject.restriction_lifted'),
    );
    expect(JSON.stringify(audit)).not.toContain('lift@example.org');
    expect((await feedOf('subject.restriction_lifted'))[0].data).toEqual({
      previousReason: 'legal_claims',
      notifiedVia: 'email',
    });
  });

  it('GDPR-35: when the notice cannot be queued, the restriction is not lifted and nothing is fed', async () => {
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'r-1',
      email: 'lift@example.org',
    });
    await restrictSubject(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      reason: 'unlawful_processing',
      actor: 'key_x',
    });
    const failing = {
      send: async () => {
        throw new Error('outbox unavailable');
      },
    };
    await expect(
      liftRestriction(
        { ...t.ctx, mailer: failing },
        { tenantId: tenant.tenantId, subjectId, actor: 'key_x' },
      ),
    ).rejects.toThrow('outbox unavailable');
    expect(await subjectRow(subjectId)).toMatchObject({
      restricted: 1,
      restriction_reason: 'unlawful_processing',
    });
    expect(await feedOf('subject.restriction_lifted')).toEqual([]);
  });

  it('GDPR-35: a mail server that is down does not stop the lift: the queued notice goes out when it is back', async () => {
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'r-1',
      email: 'lift@example.org',
    });
    await restrictSubject(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      reason: 'unlawful_processing',
      actor: 'key_x',
    });
    mailer.fail = true;
    expect(
      (await liftRestriction(t.ctx, { tenantId: tenant.tenantId, subjectId, actor: 'key_x' }))
        .notice.via,
    ).toBe('email');
    await t.ctx.mailQueue.drain();
    expect(mailer.sent).toEqual([]);
    expect(await t.ctx.db.selectFrom('outbox').select(['status', 'attempts']).execute()).toEqual([
      { status: 'pending', attempts: 1 },
    ]);
    mailer.fail = false;
    await t.ctx.db
      .updateTable('outbox')
      .set({ next_attempt_at: '1970-01-01T00:00:00.000Z' })
      .execute();
    await t.ctx.mailQueue.drain();
    expect(mailer.sent.map((m) => m.to)).toEqual(['lift@example.org']);
  });

  it('GDPR-35: without an address the notice channel is recorded (preference center page or the requesting tool)', async () => {
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, { externalId: 'r-1' });
    await restrictSubject(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      reason: 'pending_objection',
      actor: 'key_x',
    });
    expect(
      (await liftRestriction(t.ctx, { tenantId: tenant.tenantId, subjectId, actor: 'key_x' }))
        .notice.via,
    ).toBe('requester');
    await restrictSubject(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      reason: 'pending_objection',
      actor: 'key_x',
    });
    expect(
      (
        await liftRestriction(t.ctx, {
          tenantId: tenant.tenantId,
          subjectId,
          actor: 'data_subject',
        })
      ).notice.via,
    ).toBe('preference_center');
    await expect(
      liftRestriction(t.ctx, { tenantId: tenant.tenantId, subjectId, actor: 'key_x' }),
    ).rejects.toMatchObject({ status: 409 });
  });

  it('GDPR-41: objection withdraws every granted or pending marketing purpose and channel, and nothing else', async () => {
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'o-1',
      consents: { analytics: true, ads: true, newsletter: { email: true, sms: false } },
    });
    const result = await objectToMarketing(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      source: 'api',
      actor: 'key_x',
    });
    expect(result.withdrawn).toEqual(
      expect.arrayContaining([
        { purpose: 'ads', channel: '' },
        { purpose: 'newsletter', channel: 'email' },
      ]),
    );
    expect(result.withdrawn).toHaveLength(2);
    const state = Object.fromEntries(
      (await readStateRows(t.ctx.db, tenant.tenantId, subjectId)).map((r) => [
        `${r.purpose}.${r.channel}`,
        [r.status, r.source],
      ]),
    );
    expect(state).toMatchObject({
      'analytics.': ['granted', 'api'],
      'ads.': ['withdrawn', 'api'],
      'newsletter.email': ['withdrawn', 'api'],
      'newsletter.sms': ['denied', 'api'],
    });
    expect((await subjectRow(subjectId)).objected_at).toBe(result.objectedAt);
    const objected = await feedOf('subject.objected');
    expect(objected).toHaveLength(1);
    expect(objected[0].data).toEqual({
      objectedAt: result.objectedAt,
      withdrawn: result.withdrawn,
    });
    const consentFeed = await feedOf('consent.updated');
    expect(consentFeed.at(-1)!.data).toMatchObject({
      state: { ads: 'withdrawn', newsletter: { email: 'withdrawn' } },
    });
    const events = await t.ctx.db
      .selectFrom('consent_events')
      .select(['purpose', 'status'])
      .where('subject_id', '=', subjectId)
      .where('status', '=', 'withdrawn')
      .execute();
    expect(events).toHaveLength(2);
  });

  it('GDPR-31: rectification re-seals the changed fields and feeds only their names', async () => {
    const subjectId = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'f-1',
      email: 'old@example.org',
      attributes: { city: 'Utrecht', name: 'Ann' },
    });
    const result = await rectifySubject(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      actor: 'data_subject',
      fields: {
        email: 'New@Example.org',
        attributes: { city: 'Amersfoort', name: 'Ann', nickname: null },
      },
    });
    expect(result.changed).toEqual(['email', 'attributes.city']);
    const row = await subjectRow(subjectId);
    expect(row.email_hash).toBe(emailHash(t.ctx.keyring, 'new@example.org'));
    expect(t.ctx.keyring.decrypt(row.email_enc!)).toBe('new@example.org');
    expect(openJson(t.ctx.keyring, row.attributes_enc)).toEqual({
      city: 'Amersfoort',
      name: 'Ann',
    });
    const feed = await feedOf('subject.rectified');
    expect(feed.map((e) => e.data)).toEqual([{ fields: ['email', 'attributes.city'] }]);
    expect(JSON.stringify(feed)).not.toMatch(/Amersfoort|new@example/i);
  });
});
