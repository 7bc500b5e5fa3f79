// The breach register over real HTTP on both databases: the 72-hour clock and its
// lateness rule, the deadline warning written once and delivered to a webhook, the
// authority text in both languages, and the Art. 34 notice over real SMTP.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpMailer, type SmtpMailer } from '../../server/mail/smtp.js';
import { runBreachClock } from '../../server/services/registers/breach-clock.js';
import { runDueDeliveries } from '../../server/services/webhooks/webhook-delivery.js';
import {
  ADMIN_TOKEN,
  createTestTenant,
  fixedClock,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';
import { dialects } from '../helpers/db.js';
import { serveOverHttp, type HttpApp } from '../helpers/http.js';
import { seedSubject } from '../helpers/subject-fixtures.js';

const HOUR = 3_600_000;

async function startSmtp() {
  const inbox: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        inbox.push(mail);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    inbox,
    url: `smtp://127.0.0.1:${port}?from=privacy@shop.example`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function startReceiver() {
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const breach = (awareAt: string, extra: Record<string, unknown> = {}) => ({
  occurredAt: new Date(Date.parse(awareAt) - 2 * HOUR).toISOString(),
  awareAt,
  nature: 'A laptop with an export of the newsletter list was stolen from a car.',
  subjectCategories: ['newsletter subscribers'],
  dataCategories: ['e-mail address', 'first name'],
  approxSubjects: 1200,
  approxRecords: 1300,
  likelyConsequences: 'Phishing e-mails that appear to come from the shop.',
  measures: 'The laptop was wiped remotely; subscribers are warned about phishing.',
  ...extra,
});

describe.each(dialects)('GDPR-53/54 breach register on %s', (dialect) => {
  let t: TestApp;
  let h: HttpApp;
  let tenant: TestTenant;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let mailer: SmtpMailer;
  const clock = fixedClock('2026-12-01T08:00:00.000Z');

  beforeEach(async () => {
    clock.set('2026-12-01T08:00:00.000Z');
    smtp = await startSmtp();
    mailer = createSmtpMailer(smtp.url, 'http://127.0.0.1:8080');
    t = await startTestApp(dialect, { clock, mailer });
    h = await serveOverHttp(t);
    tenant = await createTestTenant(t);
  });
  afterEach(async () => {
    await h.close();
    mailer.close();
    await smtp.close();
    await t.close();
  });

  const create = (body: unknown, token = tenant.secretKey) =>
    h.call('POST', '/v1/breaches', { token, body });

  it('GDPR-53: breaches:manage or admin, nothing else, may read and write the register', async () => {
    const keyWith = async (scopes: string[]) =>
      (
        (await (
          await h.call('POST', '/v1/keys', { token: tenant.secretKey, body: { scopes } })
        ).json()) as { secretKey: string }
      ).secretKey;
    const manage = await keyWith(['breaches:manage']);
    const feed = await keyWith(['feed:read']);
    expect((await create(breach(clock.now().toISOString()), manage)).status).toBe(201);
    expect((await create(breach(clock.now().toISOString()), tenant.secretKey)).status).toBe(201);
    expect((await h.call('GET', '/v1/breaches', { token: feed })).status).toBe(403);
    expect((await h.call('GET', '/v1/breaches')).status).toBe(401);
    const list = (await (await h.call('GET', '/v1/breaches', { token: manage })).json()) as {
      breaches: unknown[];
    };
    expect(list.breaches).toHaveLength(2);
    // Another tenant sees none of them.
    const other = await createTestTenant(t);
    expect(
      (
        (await (await h.call('GET', '/v1/breaches', { token: other.secretKey })).json()) as {
          breaches: unknown[];
        }
      ).breaches,
    ).toHaveLength(0);
  });

  it('GDPR-53: a breach recorded 73 h after awareness shows overdue, and its late notification needs a reason', async () => {
    const awareAt = new Date(clock.now().getTime() - 73 * HOUR).toISOString();
    const res = await create(breach(awareAt));
    expect(res.status).toBe(201);
    const created = (await res.json()) as Record<string, any>;
    expect(created.dueAt).toBe(new Date(Date.parse(awareAt) + 72 * HOUR).toISOString());
    expect(created.overdue).toBe(true);
    expect(created.dpoContact).toEqual({
      name: 'Demowinkel BV',
      contact: 'privacy@demowinkel.example',
    });

    const list = (await (
      await h.call('GET', '/v1/breaches?overdue=true', { token: tenant.secretKey })
    ).json()) as Record<string, any>;
    expect(list.overdue).toBe(1);
    expect(list.breaches[0]).toMatchObject({ id: created.id, overdue: true });
    const metrics = await (await h.call('GET', '/metrics')).text();
    expect(metrics).toMatch(/^akkoord_breaches_overdue 1$/m);

    // Notified now, 73 h after awareness: refused without the reasons for the delay.
    const late = await h.call('PATCH', `/v1/breaches/${created.id}`, {
      token: tenant.secretKey,
      body: { apNotifiedAt: clock.now().toISOString(), apReference: 'AP-2026-1234' },
    });
    expect(late.status).toBe(400);
    const error = (await late.json()) as {
      error: { code: string; issues: Array<{ path: string }> };
    };
    expect(error.error.code).toBe('VALIDATION_FAILED');
    expect(error.error.issues.map((i) => i.path)).toContain('latenessReason');
    // The same on creation.
    expect(
      (await create(breach(awareAt, { apNotifiedAt: clock.now().toISOString() }))).status,
    ).toBe(400);

    const ok = await h.call('PATCH', `/v1/breaches/${created.id}`, {
      token: tenant.secretKey,
      body: {
        apNotifiedAt: clock.now().toISOString(),
        apReference: 'AP-2026-1234',
        latenessReason: 'The theft was reported to us over a weekend.',
      },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      overdue: false,
      notifiedLate: true,
      apReference: 'AP-2026-1234',
    });
    expect(await (await h.call('GET', '/metrics')).text()).toMatch(/^akkoord_breaches_overdue 0$/m);

    // A breach notified within 72 hours needs no reason.
    const fresh = await create(
      breach(new Date(clock.now().getTime() - 10 * HOUR).toISOString(), {
        apNotifiedAt: clock.now().toISOString(),
      }),
    );
    expect(fresh.status).toBe(201);
    expect(await fresh.json()).toMatchObject({ overdue: false, notifiedLate: false });

    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('action', 'like', 'breach.%')
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'breach.recorded',
      'breach.updated',
      'breach.recorded',
    ]);
    // The audit log names fields, never what they say.
    expect(audit.map((a) => a.details).join()).not.toContain('weekend');
  });

  it('GDPR-53: the deadline warning fires once, 12 h before dueAt, and only to a webhook that asks for it', async () => {
    const receiver = await startReceiver();
    const all = await startReceiver();
    try {
      const hook = await h.call('POST', '/v1/webhooks', {
        token: tenant.secretKey,
        body: { url: receiver.url, types: ['breach.deadline_near'] },
      });
      expect(hook.status).toBe(201);
      expect(
        (await h.call('POST', '/v1/webhooks', { token: tenant.secretKey, body: { url: all.url } }))
          .status,
      ).toBe(201);
      const created = (await (await create(breach(clock.now().toISOString()))).json()) as {
        id: string;
        dueAt: string;
      };

      clock.advance(59 * HOUR);
      expect(await runBreachClock(t.ctx)).toBe(0);
      clock.advance(61 * 60_000); // 60 h 1 min after awareness: under 12 h left
      expect(await runBreachClock(t.ctx)).toBe(1);
      clock.advance(HOUR);
      expect(await runBreachClock(t.ctx)).toBe(0);
      clock.advance(20 * HOUR);
      expect(await runBreachClock(t.ctx)).toBe(0);
      await runDueDeliveries(t.ctx);
      await runDueDeliveries(t.ctx);

      expect(receiver.received).toHaveLength(1);
      const body = JSON.parse(receiver.received[0]) as {
        type: string;
        data: { data: Record<string, unknown> };
      };
      expect(body.type).toBe('breach.deadline_near');
      expect(body.data.data).toMatchObject({ breachId: created.id, dueAt: created.dueAt });
      // A webhook registered for "everything" is a marketing tool's: it does not get breach warnings.
      expect(all.received).toHaveLength(0);
      const feed = (await (
        await h.call('GET', '/v1/feed', { token: tenant.secretKey })
      ).json()) as { events: unknown[] };
      expect(feed.events).toHaveLength(0);
      const asked = (await (
        await h.call('GET', '/v1/feed?types=breach.deadline_near', { token: tenant.secretKey })
      ).json()) as { events: unknown[] };
      expect(asked.events).toHaveLength(1);
      expect(
        (
          (await (
            await h.call('GET', `/v1/breaches/${created.id}`, { token: tenant.secretKey })
          ).json()) as { deadlineWarnedAt: string }
        ).deadlineWarnedAt,
      ).not.toBeNull();
    } finally {
      await receiver.close();
      await all.close();
    }
  });

  it('GDPR-53: a breach already notified, or not to be notified, gets no warning', async () => {
    await create(breach(clock.now().toISOString(), { apNotifiedAt: clock.now().toISOString() }));
    expect(
      (await create(breach(clock.now().toISOString(), { apNotificationRequired: false }))).status,
    ).toBe(400);
    await create(
      breach(clock.now().toISOString(), {
        apNotificationRequired: false,
        notificationNotRequiredReason: 'The lost file held only public business e-mail addresses.',
      }),
    );
    clock.advance(70 * HOUR);
    expect(await runBreachClock(t.ctx)).toBe(0);
    clock.advance(10 * HOUR);
    const list = (await (
      await h.call('GET', '/v1/breaches', { token: tenant.secretKey })
    ).json()) as { overdue: number };
    expect(list.overdue).toBe(0);
  });

  it('GDPR-53: the notification text holds every Art. 33(3) item, in English and Dutch, as Markdown and JSON', async () => {
    const created = (await (
      await create(
        breach(new Date(clock.now().getTime() - 80 * HOUR).toISOString(), {
          dpoContact: { name: 'P. de Vries', contact: 'dpo@shop.example' },
          peopleToBeTold: false,
          notTellingGround: 'unintelligible',
          notTellingReason: 'The disk was encrypted with a strong key that was not stolen.',
        }),
      )
    ).json()) as { id: string };
    const values = [
      'A laptop with an export of the newsletter list was stolen from a car.', // (a) nature
      'newsletter subscribers',
      'e-mail address, first name', // (a) categories
      'P. de Vries (dpo@shop.example)', // (b) contact point
      'Phishing e-mails that appear to come from the shop.', // (c) consequences
      'The laptop was wiped remotely; subscribers are warned about phishing.', // (d) measures
    ];
    const json = (await (
      await h.call('GET', `/v1/breaches/${created.id}/notification?format=json&lang=en`, {
        token: tenant.secretKey,
      })
    ).json()) as { sections: Array<{ key: string; answer: string }> };
    const keys = json.sections.map((s) => s.key);
    for (const key of [
      'nature',
      'subjects',
      'records',
      'contact',
      'consequences',
      'measures',
      'awareAt',
      'occurredAt',
      'lateness',
      'communication',
    ])
      expect(keys).toContain(key);
    const answers = json.sections.map((s) => s.answer).join('\n');
    for (const value of values) expect(answers).toContain(value);
    expect(answers).toContain('1,200'); // approximate number of people
    expect(answers).toContain('1,300'); // approximate number of records
    expect(answers).toContain('Art. 34(3)(a)');
    expect(json.sections[0]).toMatchObject({
      key: 'controller',
      answer: 'Demowinkel BV (privacy@demowinkel.example)',
    });

    const en = await h.call('GET', `/v1/breaches/${created.id}/notification?lang=en`, {
      token: tenant.secretKey,
    });
    expect(en.headers.get('content-type')).toContain('text/markdown');
    const enText = await en.text();
    expect(enText).toContain('# Notification of a personal data breach');
    expect(enText).toContain('## Reasons for notifying later than 72 hours');

    const nl = await (
      await h.call('GET', `/v1/breaches/${created.id}/notification?lang=nl`, {
        token: tenant.secretKey,
      })
    ).text();
    expect(nl).toContain('# Melding van een datalek');
    expect(nl).toContain('geschat aantal betrokkenen');
    expect(nl).toContain('1.200');
    expect(nl).toContain('artikel 34 lid 3 onder a');
    expect(nl).toContain('P. de Vries (dpo@shop.example)');
    // Taking the contact point away falls back to the register's: here the controller.
    const reset = await h.call('PATCH', `/v1/breaches/${created.id}`, {
      token: tenant.secretKey,
      body: { dpoContact: null },
    });
    expect(await reset.json()).toMatchObject({
      dpoContact: { name: 'Demowinkel BV', contact: 'privacy@demowinkel.example' },
    });
  });

  it('GDPR-54: the Art. 34 notice reaches the selected people over real SMTP, once, and nobody else', async () => {
    const db = t.ctx;
    const people = {
      a: await seedSubject(db, tenant.tenantId, {
        externalId: 'crm-a',
        email: 'a@example.com',
        records: { orders: [{ total: 10 }] },
      }),
      b: await seedSubject(db, tenant.tenantId, { externalId: 'crm-b', email: 'b@example.com' }),
      c: await seedSubject(db, tenant.tenantId, {
        externalId: 'crm-c',
        email: 'c@example.com',
        records: { returns: [{ sku: 'x' }] },
      }),
      d: await seedSubject(db, tenant.tenantId, { externalId: 'crm-d', email: 'd@example.com' }),
      e: await seedSubject(db, tenant.tenantId, { externalId: 'crm-e' }),
    };
    expect(people.a).toBeTruthy();
    // b granted the newsletter; d denied it.
    await h.call('POST', '/v1/subjects/crm-b/consents', {
      token: tenant.secretKey,
      body: { decisions: { newsletter: { email: true } } },
    });
    await h.call('POST', '/v1/subjects/crm-d/consents', {
      token: tenant.secretKey,
      body: { decisions: { newsletter: { email: false } } },
    });
    const created = (await (
      await create(breach(clock.now().toISOString(), { peopleToBeTold: true }))
    ).json()) as { id: string };

    expect(
      (
        await h.call('POST', `/v1/breaches/${created.id}/communications`, {
          token: tenant.secretKey,
          body: {},
        })
      ).status,
    ).toBe(400);
    const res = await h.call('POST', `/v1/breaches/${created.id}/communications`, {
      token: tenant.secretKey,
      body: {
        datasets: ['orders'],
        purposes: ['newsletter'],
        externalIds: ['crm-e', 'crm-a', 'nobody'],
        locale: 'nl',
      },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      sent: 2,
      alreadyTold: 0,
      withoutAddress: 1,
      peopleTold: 2,
    });
    await t.ctx.mailQueue.drain();
    const to = (m: ParsedMail) => (m.to && !Array.isArray(m.to) ? m.to.text : '');
    expect(smtp.inbox.map(to).sort()).toEqual(['a@example.com', 'b@example.com']);
    const mail = smtp.inbox[0];
    expect(mail.subject).toContain('datalek');
    expect(mail.text).toContain(
      'A laptop with an export of the newsletter list was stolen from a car.',
    );
    expect(mail.text).toContain('Phishing e-mails that appear to come from the shop.');
    expect(mail.text).toContain('Demowinkel BV');
    expect(mail.text).toContain('privacy@demowinkel.example');

    // Asked again with a wider selection: only the new person is told.
    const again = await h.call('POST', `/v1/breaches/${created.id}/communications`, {
      token: tenant.secretKey,
      body: { datasets: ['orders', 'returns'] },
    });
    expect(await again.json()).toMatchObject({ sent: 1, alreadyTold: 1, peopleTold: 3 });
    await t.ctx.mailQueue.drain();
    expect(smtp.inbox.map(to).sort()).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);

    // An uploaded list of 5,000 externalIds (over the 64 KiB default body limit) is accepted; only known people count.
    const list = Array.from(
      { length: 5000 },
      (_, i) => `crm-unknown-${String(i).padStart(20, '0')}`,
    ).concat('crm-d');
    const big = await h.call('POST', `/v1/breaches/${created.id}/communications`, {
      token: tenant.secretKey,
      body: { externalIds: list },
    });
    expect(big.status).toBe(200);
    expect(await big.json()).toMatchObject({ sent: 1, peopleTold: 4 });
    await t.ctx.mailQueue.drain();

    const view = (await (
      await h.call('GET', `/v1/breaches/${created.id}`, { token: tenant.secretKey })
    ).json()) as Record<string, unknown>;
    expect(view).toMatchObject({ peopleTold: 4, peopleToldAt: clock.now().toISOString() });
    // The register holds counts, no addresses or subject ids.
    const row = await t.ctx.db
      .selectFrom('breaches')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toMatch(/@example\.com|sub_/);
    const notices = await t.ctx.db
      .selectFrom('breach_notices')
      .select('subject_id')
      .where('breach_id', '=', created.id)
      .execute();
    expect(notices.map((n) => n.subject_id).sort()).toEqual(
      [people.a, people.b, people.c, people.d].map(String).sort(),
    );
    expect(smtp.inbox.map(to).sort()).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
      'd@example.com',
    ]);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'breach.people_told')
      .execute();
    expect(audit.map((a) => a.details).join()).not.toMatch(/@example\.com/);
  });

  it('GDPR-53: the register is in the tenant export and described in /openapi.json', async () => {
    await create(breach(clock.now().toISOString()));
    const exported = await (
      await h.call('GET', `/v1/admin/tenants/${tenant.tenantId}/export`, { token: ADMIN_TOKEN })
    ).text();
    expect(exported).toContain('"type":"breach"');
    const doc = (await (await h.call('GET', '/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths['/v1/breaches'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(doc.paths['/v1/breaches/{id}/communications']).toBeDefined();
  });
});
