// Before this test: after a whole erasure, a tool brought the person
// back (PUT subject, captured consent, ...) and they were in audiences and `check` again.
// Every path that creates or re-identifies a person now consults the erasure register
// (GDPR-32); only the person's own double opt-in confirmation lifts it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { capturingMailer, PC_ORIGIN, tokenOf, type CapturingMailer } from '../helpers/me.js';

const EMAIL = 'anna@example.com';
const PHONE = '+31 6 1234 5678';
const VISITOR = 'v_BBBBBBBBBBBBBBBBBBBBBBBBBBBB';

describe.each(dialects)('erasure sticks on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let mailer: CapturingMailer;
  let key: string;

  const call = (method: string, path: string, body?: unknown) =>
    t.call(method, path, { token: key, body });
  const banner = (clientEventId: string) =>
    t.call('POST', '/v1/consents', {
      headers: { origin: 'https://shop.example' },
      body: {
        key: tenant.publicKey,
        visitorId: VISITOR,
        decisions: { analytics: true },
        configVersion: 1,
        source: 'banner',
        clientEventId,
      },
    });
  const subjects = async () =>
    await t.ctx.db
      .selectFrom('subjects')
      .select(['id', 'external_id'])
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
  const check = async (externalId = 'crm-1') =>
    (await (
      await call('GET', `/v1/check?subject=${externalId}&purpose=newsletter&channel=email`)
    ).json()) as { allowed: boolean; reason: string };
  const erasedError = async (res: Response) => {
    expect(res.status).toBe(409);
    expect(((await res.json()) as any).error.code).toBe('SUBJECT_ERASED');
  };

  beforeEach(async () => {
    mailer = capturingMailer();
    t = await startTestApp(dialect, { mailer });
    tenant = await createTestTenant(t);
    const res = await t.call('POST', '/v1/keys', {
      token: tenant.secretKey,
      body: { scopes: ['subjects:write', 'subjects:read', 'feed:read', 'requests:manage'] },
    });
    key = ((await res.json()) as { secretKey: string }).secretKey;
    // The person: known to the CRM, consented to the newsletter, linked to a banner visitor; then erased.
    expect((await banner('ce-before-erasure-1')).status).toBe(201);
    expect(
      (
        await call('PUT', '/v1/subjects/crm-1', {
          email: EMAIL,
          phone: PHONE,
          visitorIds: [VISITOR],
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call('POST', '/v1/subjects/crm-1/consents', {
          decisions: { newsletter: { email: true } },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call('POST', '/v1/requests', {
          subject: 'crm-1',
          type: 'erasure',
          scope: { all: true },
        })
      ).status,
    ).toBe(201);
    expect(await subjects()).toEqual([]);
  });
  afterEach(async () => t.close());

  it('GDPR-32: PUT subject by the same externalId, or another id with the same e-mail or phone, is 409 and stores nothing', async () => {
    await erasedError(await call('PUT', '/v1/subjects/crm-1', {}));
    await erasedError(await call('PUT', '/v1/subjects/crm-1', { email: 'other@example.com' }));
    await erasedError(await call('PUT', '/v1/subjects/crm-2', { email: '  ANNA@example.com ' }));
    await erasedError(await call('PUT', '/v1/subjects/crm-3', { phone: '+31612345678' }));
    expect(await subjects()).toEqual([]);
    // An existing person may not take over the erased person's address either.
    expect((await call('PUT', '/v1/subjects/crm-4', { email: 'bert@example.com' })).status).toBe(
      201,
    );
    await erasedError(await call('PUT', '/v1/subjects/crm-4', { email: EMAIL }));
    const bert = (await (
      await t.call('GET', '/v1/subjects/crm-4', { token: tenant.secretKey })
    ).json()) as any;
    expect(bert.identities.email).toBe('bert@example.com');
    expect((await subjects()).map((s) => s.external_id)).toEqual(['crm-4']);
    expect(await check()).toEqual({ allowed: false, reason: 'erased' });
  });

  it('GDPR-32: captured consent for an erased person is 409; no subject, no ledger event, not in the audience', async () => {
    const eventsBefore = await t.ctx.db
      .selectFrom('consent_events')
      .select('seq')
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    await erasedError(
      await call('POST', '/v1/subjects/crm-1/consents', {
        decisions: { newsletter: { email: true } },
      }),
    );
    await erasedError(
      await call('POST', '/v1/subjects/crm-9/consents', {
        decisions: { newsletter: { email: true } },
        email: EMAIL,
      }),
    );
    // Without an address to confirm at, a double opt-in cannot bring them back either.
    await erasedError(
      await call('POST', '/v1/subjects/crm-1/consents', {
        decisions: { newsletter: { email: true } },
        doubleOptIn: true,
      }),
    );
    expect(await subjects()).toEqual([]);
    expect(
      await t.ctx.db
        .selectFrom('consent_events')
        .select('seq')
        .where('tenant_id', '=', tenant.tenantId)
        .execute(),
    ).toEqual(eventsBefore);
    expect(await check()).toEqual({ allowed: false, reason: 'erased' });
    const audience = await call('GET', '/v1/audience?purpose=newsletter&channel=email');
    expect((await audience.text()).trim()).toBe('');
  });

  it('GDPR-32: no sign-in mail goes to an erased address, and the visitor link finds nobody', async () => {
    expect(
      (
        await t.call('POST', '/v1/me/login', {
          headers: { origin: PC_ORIGIN },
          body: { tenant: tenant.tenantId, email: EMAIL },
        })
      ).status,
    ).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mailer.sent.filter((m) => m.to === EMAIL)).toEqual([]);
    // Whichever origin the link route accepts, it mints nothing for the erased person.
    for (const origin of [PC_ORIGIN, 'https://shop.example']) {
      const visitorLink = await t.call('POST', '/v1/me/visitor-link', {
        headers: { origin },
        body: { key: tenant.publicKey, visitorId: VISITOR },
      });
      expect([403, 404]).toContain(visitorLink.status);
    }
    // (The sign-in above leaves a token that can sign nobody in, by design: its timing must not tell.)
    expect(
      await t.ctx.db
        .selectFrom('tokens')
        .select('kind')
        .where('tenant_id', '=', tenant.tenantId)
        .where('subject_id', 'is not', null)
        .execute(),
    ).toEqual([]);
  });

  it('GDPR-32: the CLI import refuses a row of an erased person and imports nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-erased-import-'));
    try {
      const file = path.join(dir, 'list.csv');
      fs.writeFileSync(
        file,
        'externalId,purpose,channel,decision,capturedAt,source,locale,configVersion\ncrm-1,newsletter,email,granted,2026-01-10T09:00:00Z,,,\n',
      );
      const run = await runCli(['import', 'consents', file, '--tenant', tenant.tenantId], {
        DATABASE_URL: t.testStore.url,
      });
      expect(run.code).not.toBe(0);
      expect(run.stderr + run.stdout).toContain('this person was erased');
      expect(await subjects()).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GDPR-32: records for an erased person are 409 SUBJECT_ERASED, not stored', async () => {
    await erasedError(await call('POST', '/v1/subjects/crm-1/records/orders', [{ order: 1 }]));
    expect(
      await t.ctx.db
        .selectFrom('records')
        .select('id')
        .where('tenant_id', '=', tenant.tenantId)
        .execute(),
    ).toEqual([]);
  });

  it('GDPR-32: linking a banner visitor to an erased person (a merge) is 409; the visitor stays anonymous', async () => {
    // The browser still has its visitor id and makes a new choice: an anonymous subject again.
    expect((await banner('ce-after-erasure-1')).status).toBe(201);
    const [anonymous] = await subjects();
    expect(anonymous.external_id).toBeNull();
    await erasedError(await call('PUT', '/v1/subjects/crm-1', { visitorIds: [VISITOR] }));
    await erasedError(
      await call('PUT', '/v1/subjects/crm-7', { email: EMAIL, visitorIds: [VISITOR] }),
    );
    expect(await subjects()).toEqual([anonymous]);
    // The visitor's "manage my data" link reaches only the anonymous banner choices.
    for (const origin of [PC_ORIGIN, 'https://shop.example']) {
      await t.call('POST', '/v1/me/visitor-link', {
        headers: { origin },
        body: { key: tenant.publicKey, visitorId: VISITOR },
      });
    }
    const minted = await t.ctx.db
      .selectFrom('tokens')
      .select('subject_id')
      .where('kind', '=', 'visitor')
      .execute();
    expect(minted.length).toBeGreaterThan(0);
    expect(minted.every((row) => row.subject_id === anonymous.id)).toBe(true);
    const link = await t.ctx.db
      .selectFrom('subject_visitors')
      .select('subject_id')
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    expect(link).toEqual([{ subject_id: anonymous.id }]);
  });

  it("GDPR-32, MAIL-08: a double opt-in capture only mails; the person's confirmation brings them back and lifts the suppression", async () => {
    const res = await call('POST', '/v1/subjects/crm-1/consents', {
      decisions: { newsletter: { email: true }, ads: false },
      doubleOptIn: true,
      email: EMAIL,
      locale: 'en',
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      subject: null,
      erased: true,
      doubleOptIn: { started: [{ purpose: 'newsletter', channel: 'email' }] },
    });
    // Nothing of the person is stored: no subject, and the token holds the address only sealed.
    expect(await subjects()).toEqual([]);
    const token = await t.ctx.db
      .selectFrom('tokens')
      .select(['subject_id', 'data'])
      .where('kind', '=', 'double_opt_in')
      .executeTakeFirstOrThrow();
    expect(token.subject_id).toBeNull();
    expect(token.data).not.toContain(EMAIL);
    expect(await check()).toEqual({ allowed: false, reason: 'erased' });

    const mail = await mailer.waitFor(EMAIL);
    expect(mail.subjectId).toBeUndefined();
    // One round of mails at a time: a tool cannot keep mailing a person who asked to be forgotten.
    await erasedError(
      await call('POST', '/v1/subjects/crm-1/consents', {
        decisions: { newsletter: { sms: true } },
        doubleOptIn: true,
        email: EMAIL,
      }),
    );
    await erasedError(
      await call('POST', '/v1/subjects/crm-8/consents', {
        decisions: { newsletter: { email: true } },
        doubleOptIn: true,
        email: EMAIL,
      }),
    );
    expect(mailer.sent.filter((m) => m.to === EMAIL)).toHaveLength(1);
    const confirmation = tokenOf(mail);
    // Opening the page (a mail scanner) changes nothing.
    expect((await t.call('GET', `/c/${confirmation}`)).status).toBe(200);
    expect(await subjects()).toEqual([]);
    const confirmed = await t.call('POST', `/c/${confirmation}`);
    expect(confirmed.status).toBe(200);

    expect(await check()).toEqual({ allowed: true, reason: 'granted' });
    const person = (await (await call('GET', '/v1/subjects/crm-1')).json()) as any;
    expect(person.identities).toMatchObject({ hasEmail: true, hasPhone: false });
    expect(person.consentDetails).toEqual([
      expect.objectContaining({
        purpose: 'newsletter',
        channel: 'email',
        status: 'granted',
        source: 'api',
      }),
    ]);
    // The ledger holds the new grant; the audit log and the feed say the suppression was lifted.
    const events = await t.ctx.db
      .selectFrom('consent_events')
      .select(['subject_id', 'status'])
      .where('subject_id', '=', person.id)
      .execute();
    expect(events).toEqual([{ subject_id: person.id, status: 'granted' }]);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['actor', 'details'])
      .where('action', '=', 'subject.unsuppressed')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe('data_subject');
    expect(JSON.parse(audit[0].details)).toMatchObject({
      identifiers: ['email', 'external'],
      purpose: 'newsletter',
      channel: 'email',
    });
    const feed = (await (await call('GET', '/v1/feed?types=subject.unsuppressed')).json()) as any;
    expect(feed.events).toEqual([
      expect.objectContaining({
        type: 'subject.unsuppressed',
        subject: { id: person.id, externalId: 'crm-1' },
      }),
    ]);
    expect(JSON.stringify(feed)).not.toContain(EMAIL);
    // The tombstone, the proof of the erasure, stays; the tool may work with the person again.
    expect(
      await t.ctx.db
        .selectFrom('tombstones')
        .select('id')
        .where('tenant_id', '=', tenant.tenantId)
        .execute(),
    ).toHaveLength(1);
    expect(
      (await call('PUT', '/v1/subjects/crm-1', { attributes: { firstName: 'Anna' } })).status,
    ).toBe(200);
    // Only what they confirmed with is lifted: the old phone number stays suppressed.
    await erasedError(await call('PUT', '/v1/subjects/crm-1', { phone: PHONE }));
    // The link works once.
    expect((await t.call('POST', `/c/${confirmation}`)).status).toBe(404);
  });

  it("MAIL-08: a capture's email is stored for a person who has no address yet, so a double opt-in can reach them", async () => {
    const res = await call('POST', '/v1/subjects/crm-5/consents', {
      decisions: { newsletter: { email: true } },
      doubleOptIn: true,
      email: 'bert@example.com',
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as any).state.newsletter.email).toBe('pending');
    expect((await mailer.waitFor('bert@example.com')).subjectId).toMatch(/^sub_/);
    // An address already stored is not replaced by a capture (that is PUT's job).
    await call('POST', '/v1/subjects/crm-5/consents', {
      decisions: { newsletter: { sms: true } },
      email: 'other@example.com',
    });
    const person = (await (
      await t.call('GET', '/v1/subjects/crm-5', { token: tenant.secretKey })
    ).json()) as any;
    expect(person.identities.email).toBe('bert@example.com');
  });

  it('the feed event type subject.unsuppressed is documented in /openapi.json, and 409 on every path that refuses', async () => {
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as any;
    expect(JSON.stringify(doc.paths['/v1/feed'])).toContain('subject.unsuppressed');
    expect(doc.paths['/v1/subjects/{externalId}'].put.responses['409']).toBeDefined();
    expect(doc.paths['/v1/subjects/{externalId}/consents'].post.responses['409']).toBeDefined();
    expect(doc.paths['/v1/subjects/{externalId}/consents'].post.responses['202']).toBeDefined();
    expect(
      doc.paths['/v1/subjects/{externalId}/records/{dataset}'].post.responses['409'],
    ).toBeDefined();
  });
});
