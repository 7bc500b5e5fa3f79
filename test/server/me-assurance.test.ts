// Preference-center sessions carry an assurance level: a link a tool minted or the
// banner's visitor link opens a session that may see and change consents and object,
// nothing more, until the person confirms by a link mailed to the address on file.
// Every action in such a session names the link and the key behind it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findOrCreateVisitorSubject } from '../../server/services/subjects/subjects-core.js';
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
  tokenOf,
  type CapturingMailer,
  type SignedIn,
} from '../helpers/me.js';

const tokenIn = (url: string) => /#token=([A-Za-z0-9_-]{43})$/.exec(url)![1];
const VISITOR = 'v_0123456789abcdef0123456789abcdef';

describe.each(dialects)('session assurance on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let mailer: CapturingMailer;
  /** A key with subjects:write and nothing else: it may mint links, never read a person. */
  let writeOnly: { id: string; secretKey: string };

  beforeEach(async () => {
    mailer = capturingMailer();
    t = await startTestApp(dialect, { mailer, clock: fixedClock('2026-12-02T10:00:00.000Z') });
    tenant = await createTestTenant(t);
    await addPerson(t, tenant.tenantId, {
      externalId: 'crm-1',
      email: 'anna@example.com',
      attributes: { firstName: 'Anna' },
      records: { orders: [{ order: 'A-1', total: 12 }] },
    });
    await t.ctx.db
      .updateTable('subjects')
      .set({ phone_enc: t.ctx.keyring.encrypt('+31612345678') })
      .where('external_id', '=', 'crm-1')
      .execute();
    const key = await t.call('POST', '/v1/keys', {
      token: tenant.secretKey,
      body: { scopes: ['subjects:write'] },
    });
    writeOnly = (await key.json()) as { id: string; secretKey: string };
  });
  afterEach(async () => t.close());

  /** What a subjects:write key can do on its own: mint a link and exchange it itself. */
  async function linkSession(): Promise<SignedIn> {
    const minted = await t.call('POST', '/v1/subjects/crm-1/links', {
      token: writeOnly.secretKey,
      body: { kind: 'preferences' },
    });
    expect(minted.status).toBe(201);
    const started = await exchange(t, tokenIn((await minted.json()).url));
    expect(started.status).toBe(200);
    return asSignedIn(t, cookieFrom(started), (await started.json()).csrfToken);
  }

  const expectStepUp = async (res: Response) => {
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('STEP_UP_REQUIRED');
  };

  it('GDPR-52: a subjects:write-only key reads no personal field through its own link session', async () => {
    const me = await linkSession();
    const res = await me.call('GET', '/v1/me');
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const secret of ['anna@example.com', '+31612345678', 'Anna', 'crm-1', 'A-1'])
      expect(text).not.toContain(secret);
    const view = JSON.parse(text);
    expect(view.session.assurance).toBe('low');
    expect(view.canStepUp).toBe(true);
    expect(view.subject).toMatchObject({
      email: null,
      phone: null,
      externalId: null,
      attributes: {},
    });
    expect(view.records).toEqual({});
    // Consents stay visible and changeable: that is what the link is for.
    expect(view.consent.state).toBeTypeOf('object');
  });

  it('GDPR-52: a link session can neither download, correct, restrict nor erase, and files no request', async () => {
    const me = await linkSession();
    await expectStepUp(await me.call('POST', '/v1/me/export', { format: 'json' }));
    await expectStepUp(await me.call('POST', '/v1/me/export', { format: 'csv' }));
    await expectStepUp(await me.call('POST', '/v1/me/erasure', { all: true }));
    await expectStepUp(await me.call('POST', '/v1/me/erasure', { datasets: ['orders'] }));
    await expectStepUp(await me.call('PATCH', '/v1/me/profile', { email: 'mallory@example.com' }));
    await expectStepUp(
      await me.call('POST', '/v1/me/restriction', { reason: 'accuracy_contested' }),
    );
    await expectStepUp(await me.call('DELETE', '/v1/me/restriction'));
    await expectStepUp(await me.call('GET', '/v1/me/requests'));
    // The old download address is gone: a GET files nothing.
    expect((await me.call('GET', '/v1/me/export?format=json')).status).toBe(404);
    expect(await t.ctx.db.selectFrom('requests').selectAll().execute()).toEqual([]);
    const subject = await t.ctx.db
      .selectFrom('subjects')
      .selectAll()
      .where('external_id', '=', 'crm-1')
      .executeTakeFirstOrThrow();
    expect(subject.email_enc).not.toBeNull();
    expect(await t.ctx.db.selectFrom('records').selectAll().execute()).toHaveLength(1);
  });

  it('a link session may change consents and object, and each action names the link and the key that minted it', async () => {
    const me = await linkSession();
    const changed = await me.call('PUT', '/v1/me/consents', {
      decisions: { newsletter: { email: true } },
    });
    expect(changed.status).toBe(200);
    expect((await me.call('POST', '/v1/me/objection')).status).toBe(200);
    const created = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'link.created')
      .executeTakeFirstOrThrow();
    const linkId = JSON.parse(created.details).linkId as string;
    expect(linkId).toMatch(/^lnk_/);
    expect(created.actor).toBe(writeOnly.id);
    const actor = `data_subject via:preferences link:${linkId} key:${writeOnly.id}`;
    const actions = await t.ctx.db
      .selectFrom('audit_log')
      .select(['actor', 'action'])
      .where('actor', '=', actor)
      .orderBy('seq')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'session.started',
        'consent.changed',
        'request.received',
        'subject.objected',
      ]),
    );
  });

  it('GDPR-52: a subjects:write-only key reads no personal field and erases nobody by any documented route', async () => {
    const secrets = ['anna@example.com', '+31612345678', 'Anna', 'A-1'];
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security?: Array<Record<string, string[]>> }>>;
    };
    const fill = (path: string) =>
      path.replace(
        /\{(\w+)\}/g,
        (_w, name: string) =>
          (
            ({
              externalId: 'crm-1',
              visitorId: VISITOR,
              dataset: 'orders',
              tenantId: tenant.tenantId,
            }) as Record<string, string>
          )[name] ?? 'x',
      );
    const keyed = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => (op.security ?? []).some((s) => 'secretKey' in s))
        .map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
    );
    expect(keyed.length).toBeGreaterThan(20);
    const bodies: Record<string, unknown> = {
      'PUT /v1/subjects/{externalId}': {},
      'POST /v1/subjects/{externalId}/consents': { decisions: { analytics: true } },
      'POST /v1/subjects/{externalId}/records/{dataset}': [{ order: 'A-2' }],
      'POST /v1/subjects/{externalId}/links': { kind: 'preferences' },
      'POST /v1/requests': { subject: 'crm-1', type: 'erasure' },
      'DELETE /v1/tenant': undefined,
    };
    for (const { method, path } of keyed) {
      if (method !== 'GET' && !(`${method} ${path}` in bodies)) continue;
      const res = await t.call(
        method,
        `${fill(path)}${method === 'GET' ? '?purpose=newsletter&channel=email&subject=crm-1&format=json' : ''}`,
        { token: writeOnly.secretKey, body: bodies[`${method} ${path}`] },
      );
      const text = await res.text();
      for (const secret of secrets)
        expect(text, `${method} ${path} -> ${res.status}`).not.toContain(secret);
    }
    // Erasure and offboarding were refused: Anna and her records are all still there.
    const subject = await t.ctx.db
      .selectFrom('subjects')
      .selectAll()
      .where('external_id', '=', 'crm-1')
      .executeTakeFirstOrThrow();
    expect(subject.email_enc).not.toBeNull();
    expect(await t.ctx.db.selectFrom('requests').selectAll().execute()).toEqual([]);
    expect(
      (await t.ctx.db.selectFrom('tenants').select('status').executeTakeFirstOrThrow()).status,
    ).toBe('active');
  });

  it('GDPR-41: after an objection, a link session cannot turn marketing back on (that would lift the objection) until it steps up', async () => {
    const me = await linkSession();
    expect(
      (
        await me.call('PUT', '/v1/me/consents', {
          decisions: { newsletter: { email: true }, analytics: true },
        })
      ).status,
    ).toBe(200);
    expect((await me.call('POST', '/v1/me/objection')).status).toBe(200);
    await expectStepUp(
      await me.call('PUT', '/v1/me/consents', { decisions: { newsletter: { email: true } } }),
    );
    // Everything else stays the person's to change: refusing, and purposes that are not marketing.
    expect(
      (
        await me.call('PUT', '/v1/me/consents', {
          decisions: { newsletter: { sms: false }, analytics: false },
        })
      ).status,
    ).toBe(200);
    const newsletter = await t.ctx.db
      .selectFrom('consent_state')
      .select('status')
      .where('purpose', '=', 'newsletter')
      .where('channel', '=', 'email')
      .executeTakeFirstOrThrow();
    expect(newsletter.status).toBe('withdrawn');

    expect((await me.call('POST', '/v1/me/step-up')).status).toBe(202);
    const upgraded = await exchange(t, tokenOf(await mailer.waitFor('anna@example.com')));
    const confirmed = asSignedIn(t, cookieFrom(upgraded), (await upgraded.json()).csrfToken);
    expect(
      (
        await confirmed.call('PUT', '/v1/me/consents', {
          decisions: { newsletter: { email: true } },
        })
      ).status,
    ).toBe(200);
  });

  it('step-up: a link mailed to the address on file upgrades the session to read and erase', async () => {
    const me = await linkSession();
    const asked = await me.call('POST', '/v1/me/step-up');
    expect(asked.status).toBe(202);
    const mail = await mailer.waitFor('anna@example.com');
    expect(mail.subject).toContain('Shop BV');
    // The confirmation is followed in the same browser: the link session gives way to a confirmed one.
    const upgraded = await t.call('POST', '/v1/me/session', {
      body: { token: tokenOf(mail) },
      headers: { origin: PC_ORIGIN, cookie: me.cookie },
    });
    expect(upgraded.status).toBe(200);
    expect((await me.call('GET', '/v1/me')).status).toBe(401);
    const confirmed = asSignedIn(t, cookieFrom(upgraded), (await upgraded.json()).csrfToken);
    const view = await (await confirmed.call('GET', '/v1/me')).json();
    expect(view.session.assurance).toBe('high');
    expect(view.subject.email).toBe('anna@example.com');
    expect(view.subject.phone).toBe('+31612345678');
    expect(view.records).toEqual({ orders: 1 });
    const file = await confirmed.call('POST', '/v1/me/export', { format: 'json' });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toMatch(/attachment/);
    expect(await file.text()).toContain('anna@example.com');
    expect((await confirmed.call('POST', '/v1/me/erasure', { datasets: ['orders'] })).status).toBe(
      200,
    );
    const stepped = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'session.step_up_requested')
      .executeTakeFirstOrThrow();
    expect(stepped.actor).toContain(`key:${writeOnly.id}`);
    expect(stepped.details).not.toContain('anna@example.com');
  });

  it('step-up never mails an address the caller names, and says so when none is on file', async () => {
    await addPerson(t, tenant.tenantId, { externalId: 'crm-2' });
    const minted = await t.call('POST', '/v1/subjects/crm-2/links', {
      token: writeOnly.secretKey,
      body: { kind: 'preferences' },
    });
    const started = await exchange(t, tokenIn((await minted.json()).url));
    const me = asSignedIn(t, cookieFrom(started), (await started.json()).csrfToken);
    expect((await (await me.call('GET', '/v1/me')).json()).canStepUp).toBe(false);
    const res = await me.call('POST', '/v1/me/step-up', { email: 'mallory@example.com' });
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('NO_ADDRESS_ON_FILE');
    expect(mailer.sent).toEqual([]);
  });

  it("step-up needs the preference center's origin and the CSRF token", async () => {
    const me = await linkSession();
    expect(
      (await me.call('POST', '/v1/me/step-up', undefined, { origin: 'https://evil.example' }))
        .status,
    ).toBe(403);
    expect(
      (await me.call('POST', '/v1/me/step-up', undefined, { 'x-csrf-token': 'wrong' })).status,
    ).toBe(403);
    expect(mailer.sent).toEqual([]);
  });

  describe("the banner visitor's link", () => {
    beforeEach(async () => {
      // The tool has linked this browser's visitor to the known person.
      const linked = await t.call('PUT', '/v1/subjects/crm-1', {
        token: tenant.secretKey,
        body: { visitorIds: [VISITOR] },
      });
      expect(linked.status).toBeLessThan(300);
    });

    const ask = (headers: Record<string, string>) =>
      t.call('POST', '/v1/me/visitor-link', {
        body: { key: tenant.publicKey, visitorId: VISITOR },
        headers,
      });

    it("is refused without the preference center's own origin, also from the tenant's site", async () => {
      const refused: Array<Record<string, string>> = [
        {},
        { origin: 'https://shop.example' },
        { origin: 'https://evil.example' },
        { 'sec-fetch-site': 'cross-site' },
      ];
      for (const headers of refused) {
        const res = await ask(headers);
        expect(res.status).toBe(403);
        expect((await res.json()).error.code).toBe('CSRF_FAILED');
      }
      expect((await ask({ origin: PC_ORIGIN })).status).toBe(201);
      expect((await ask({ 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    });

    it('GDPR-52: opens a session that sees no personal field until the mailed step-up', async () => {
      const link = await ask({ origin: PC_ORIGIN });
      const started = await exchange(t, tokenIn((await link.json()).url));
      const me = asSignedIn(t, cookieFrom(started), (await started.json()).csrfToken);
      const text = await (await me.call('GET', '/v1/me')).text();
      for (const secret of ['anna@example.com', '+31612345678', 'Anna', 'crm-1'])
        expect(text).not.toContain(secret);
      expect(JSON.parse(text).session.assurance).toBe('low');
      await expectStepUp(await me.call('POST', '/v1/me/export', { format: 'json' }));
      await expectStepUp(await me.call('POST', '/v1/me/erasure', { all: true }));
      expect(
        (await me.call('PUT', '/v1/me/consents', { decisions: { newsletter: { email: false } } }))
          .status,
      ).toBe(200);
      const audit = await t.ctx.db
        .selectFrom('audit_log')
        .select('actor')
        .where('action', '=', 'consent.changed')
        .executeTakeFirstOrThrow();
      expect(audit.actor).toMatch(/^data_subject via:visitor link:lnk_/);

      expect((await me.call('POST', '/v1/me/step-up')).status).toBe(202);
      const upgraded = await exchange(t, tokenOf(await mailer.waitFor('anna@example.com')));
      const confirmed = asSignedIn(t, cookieFrom(upgraded), (await upgraded.json()).csrfToken);
      expect((await (await confirmed.call('GET', '/v1/me')).json()).subject.email).toBe(
        'anna@example.com',
      );
      expect((await confirmed.call('POST', '/v1/me/export', { format: 'csv' })).status).toBe(200);
    });

    it("GDPR-30, GDPR-32: an anonymous visitor (nothing on file but the banner's choices) may download and erase those, until a tool identifies it", async () => {
      const anonymous = 'v_fedcba9876543210fedcba9876543210';
      await t.ctx.db
        .transaction()
        .execute((trx) =>
          findOrCreateVisitorSubject(trx, tenant.tenantId, anonymous, new Date().toISOString()),
        );
      const link = await t.call('POST', '/v1/me/visitor-link', {
        body: { key: tenant.publicKey, visitorId: anonymous },
        headers: { origin: PC_ORIGIN },
      });
      const started = await exchange(t, tokenIn((await link.json()).url));
      const me = asSignedIn(t, cookieFrom(started), (await started.json()).csrfToken);
      expect((await (await me.call('GET', '/v1/me')).json()).session.assurance).toBe('high');
      expect((await me.call('POST', '/v1/me/export', { format: 'json' })).status).toBe(200);
      // A tool links the visitor to a known person: the same session no longer sees or erases anything personal.
      const subjectId = (
        await t.ctx.db.selectFrom('sessions').select('subject_id').executeTakeFirstOrThrow()
      ).subject_id;
      await t.ctx.db
        .updateTable('subjects')
        .set({ email_enc: t.ctx.keyring.encrypt('bert@example.com') })
        .where('id', '=', subjectId)
        .execute();
      const view = await (await me.call('GET', '/v1/me')).json();
      expect(view.session.assurance).toBe('low');
      expect(view.subject.email).toBeNull();
      await expectStepUp(await me.call('POST', '/v1/me/erasure', { all: true }));
    });
  });

  it('an e-mailed sign-in is high assurance from the start', async () => {
    const asked = await t.call('POST', '/v1/me/login', {
      body: { tenant: tenant.tenantId, email: 'anna@example.com' },
      headers: { origin: PC_ORIGIN },
    });
    expect(asked.status).toBe(202);
    const started = await exchange(t, tokenOf(await mailer.waitFor('anna@example.com')));
    const view = await (
      await t.call('GET', '/v1/me', { headers: { cookie: cookieFrom(started) } })
    ).json();
    expect(view.session.assurance).toBe('high');
    expect(view.subject.email).toBe('anna@example.com');
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'session.started')
      .execute();
    expect(audit).toEqual([]);
  });
});
