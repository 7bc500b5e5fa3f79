// Children (GDPR-11, Art. 8): below the tenant's age of digital consent (default 16, the
// Netherlands) a capture that grants anything needs a parental-consent record; the lint
// keeps the age between 13 and 16; the audit log keeps the proof, never the age itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoConfig } from '../../server/services/config/demo.js';
import { declaresChild } from '../../server/services/consent/age-of-consent.js';
import { dialects } from '../helpers/db.js';
import {
  createTestTenant,
  fixedClock,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';

const NOW = new Date('2026-11-29T10:00:00.000Z');

describe('declaresChild', () => {
  it.each([
    [{ age: 15 }, true],
    [{ age: 16 }, false],
    [{ birthYear: 2011 }, true],
    // Born in 2010: 15 or 16 today, so a child unless the tool confirmed the age.
    [{ birthYear: 2010 }, true],
    [{ birthYear: 2010, ageConfirmed: true }, false],
    [{ birthYear: 2009 }, false],
    [{}, false],
  ])('GDPR-11: %j under 16 -> %s', (input, expected) =>
    expect(declaresChild(16, input, NOW)).toBe(expected),
  );
});

describe.each(dialects)('age of digital consent on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;

  beforeEach(async () => {
    t = await startTestApp(dialect, { clock: fixedClock(NOW) });
    tenant = await createTestTenant(t);
  });
  afterEach(async () => t.close());

  const capture = (body: Record<string, unknown>, externalId = 'kid-1') =>
    t.call('POST', `/v1/subjects/${externalId}/consents`, {
      token: tenant.secretKey,
      body: { source: 'api', decisions: { newsletter: { email: true } }, ...body },
    });
  const audit = async () =>
    t.ctx.db
      .selectFrom('audit_log')
      .select(['target', 'details'])
      .where('action', '=', 'consent.age_checked')
      // In the order they were written: PostgreSQL returns rows in whatever order its pages hold them.
      .orderBy('seq')
      .execute();

  it("GDPR-11: a declared child's grant without parental consent is refused with 422 PARENTAL_CONSENT_REQUIRED and nothing is stored", async () => {
    for (const declared of [{ age: 14 }, { birthYear: 2012 }, { age: 15, ageConfirmed: true }]) {
      const res = await capture(declared);
      expect(res.status).toBe(422);
      const body = await res.json();
      expect(body.error.code).toBe('PARENTAL_CONSENT_REQUIRED');
      expect(body.error.message).toContain('16');
    }
    expect(
      await t.ctx.db
        .selectFrom('subjects')
        .select('id')
        .where('external_id', '=', 'kid-1')
        .execute(),
    ).toEqual([]);
    expect(await t.ctx.db.selectFrom('consent_events').selectAll().execute()).toEqual([]);
    // Refusing needs no parent.
    expect((await capture({ age: 14, decisions: { newsletter: { email: false } } })).status).toBe(
      201,
    );
  });

  it('GDPR-11: with a parental-consent record the grant is stored, and the audit log keeps the record without the age', async () => {
    const res = await capture({
      age: 14,
      parentalConsent: { method: 'signed_form', verifiedAt: '2026-11-28T09:00:00.000Z' },
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.state.newsletter.email).toBe('granted');
    const [entry] = await audit();
    expect(entry.target).toBe(body.subject.id);
    const details = JSON.parse(entry.details);
    expect(details).toEqual({
      consentId: body.id,
      digitalConsentAge: 16,
      ageConfirmed: false,
      parentalConsent: { method: 'signed_form', verifiedAt: '2026-11-28T09:00:00.000Z' },
    });
    expect(Object.keys(details)).not.toContain('age');
  });

  it('GDPR-11: ageConfirmed or an adult age passes and is recorded; a capture saying nothing about age is as before', async () => {
    expect((await capture({ ageConfirmed: true }, 'adult-1')).status).toBe(201);
    expect((await capture({ birthYear: 1990 }, 'adult-2')).status).toBe(201);
    expect((await capture({}, 'adult-3')).status).toBe(201);
    expect((await audit()).map((e) => JSON.parse(e.details).ageConfirmed)).toEqual([true, false]);
  });

  it('GDPR-11: the threshold is a tenant setting (13 to 16, default 16) checked by the lint', async () => {
    const publish = (digitalConsentAge: number) =>
      t.call('PUT', '/v1/config', {
        token: tenant.secretKey,
        body: { ...demoConfig('https://shop.example'), digitalConsentAge },
      });
    const low = await publish(12);
    expect(low.status).toBe(422);
    expect((await low.json()).error.rules).toEqual(['DIGITAL_CONSENT_AGE_OUT_OF_RANGE']);
    expect((await publish(17)).status).toBe(422);
    expect((await publish(13)).status).toBe(201);
    // A 14-year-old is old enough where the age is 13.
    expect((await capture({ age: 14 })).status).toBe(201);
    expect((await capture({ age: 12 }, 'kid-2')).status).toBe(422);
    const doc = await (await t.call('GET', '/openapi.json')).json();
    expect(JSON.stringify(doc.paths['/v1/subjects/{externalId}/consents'].post)).toContain(
      'parentalConsent',
    );
  });
});
