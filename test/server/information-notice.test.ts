// People supplied by a tool (Art. 14): a person who arrives through the API with an
// e-mail address, without the tool saying it informed them, gets a notice request due
// one month out; the notice job mails it through the mail queue to a real SMTP server,
// in the person's language, naming the source. informedAt records that the tool did it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpMailer, type SmtpMailer } from '../../server/mail/smtp.js';
import { addCalendarMonths } from '../../server/services/rights/requests.js';
import { sendInformationNotices } from '../../server/services/rights/information-notice.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { dialects } from '../helpers/db.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

interface Request {
  id: string;
  type: string;
  status: string;
  receivedAt: string;
  dueAt: string;
  outcome: Record<string, unknown> | null;
  subject: { externalId: string | null };
}

describe.each(dialects)('the Art. 14 notice on %s', (dialect) => {
  let smtp: TestSmtp;
  let transport: SmtpMailer;
  let t: TestApp;
  let tenant: TestTenant;

  beforeEach(async () => {
    smtp = await startSmtp();
    transport = createSmtpMailer(smtp.url, 'http://127.0.0.1:8080');
    t = await startTestApp(dialect, { mailer: transport });
    tenant = await createTestTenant(t);
    await t.call('PUT', '/v1/tenant/settings', {
      token: tenant.secretKey,
      body: { ropa: { dpo: { name: 'J. de Vries', contact: 'fg@shop.example' } } },
    });
  });
  afterEach(async () => {
    await t.close();
    transport.close();
    await smtp.close();
  });

  const call = (method: string, path: string, body?: unknown) =>
    t.call(method, path, { token: tenant.secretKey, body });
  const notices = async () =>
    (
      (await (await call('GET', '/v1/requests?type=information_notice')).json()) as {
        requests: Request[];
      }
    ).requests;

  it('GDPR-25: a person supplied with an e-mail gets the Art. 14 notice, tracked as a request due within a month, in their language, naming the source', async () => {
    // Anna's last choice was made in English; Bram has none, so the tenant's Dutch applies.
    expect(
      (
        await call('POST', '/v1/subjects/crm-anna/consents', {
          decisions: { analytics: true },
          locale: 'en',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call('PUT', '/v1/subjects/crm-anna', {
          email: 'anna@example.com',
          dataSource: 'the Fietsbeurs 2026 visitor list',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('PUT', '/v1/subjects/crm-bram', {
          email: 'bram@example.com',
          dataSource: 'Partner BV',
        })
      ).status,
    ).toBe(201);
    // A person without an address cannot be mailed; a later address opens the notice then.
    expect(
      (await call('PUT', '/v1/subjects/crm-cas', { attributes: { city: 'Delft' } })).status,
    ).toBe(201);

    const open = await notices();
    expect(open.map((r) => [r.subject.externalId, r.status]).sort()).toEqual([
      ['crm-anna', 'received'],
      ['crm-bram', 'received'],
    ]);
    for (const r of open) expect(r.dueAt).toBe(addCalendarMonths(r.receivedAt, 1));
    expect(smtp.inbox).toHaveLength(0);

    expect(await sendInformationNotices(t.ctx, { tenantId: tenant.tenantId })).toBe(2);
    const anna = await smtp.mailTo('anna@example.com');
    expect(anna.subject).toBe('Demowinkel BV has received your details');
    expect(anna.text).toContain(
      'received personal data about you from the Fietsbeurs 2026 visitor list, not from you',
    );
    expect(anna.text).toContain('Analytics (your consent)');
    expect(anna.text).toContain('J. de Vries, fg@shop.example');
    expect(anna.text).toContain('Autoriteit Persoonsgegevens');
    expect(anna.text).toContain(`http://127.0.0.1:8080/p/${tenant.tenantId}`);
    const bram = await smtp.mailTo('bram@example.com');
    expect(bram.subject).toBe('Demowinkel BV heeft je gegevens ontvangen');
    expect(bram.text).toContain('van Partner BV, niet van jou zelf');

    const done = await notices();
    expect(done.every((r) => r.status === 'completed' && r.outcome?.via === 'email')).toBe(true);
    // Another update does not send it again.
    await call('PUT', '/v1/subjects/crm-anna', { email: 'anna@example.com' });
    expect(await sendInformationNotices(t.ctx, { tenantId: tenant.tenantId })).toBe(0);
  });

  it('GDPR-25: a tool that already informed the person says so with informedAt; no notice is mailed', async () => {
    expect(
      (
        await call('PUT', '/v1/subjects/crm-dirk', {
          email: 'dirk@example.com',
          informedAt: '2026-11-30T09:00:00.000Z',
        })
      ).status,
    ).toBe(201);
    // Or says it after the arrival, before the job ran.
    await call('PUT', '/v1/subjects/crm-eva', { email: 'eva@example.com' });
    await call('PUT', '/v1/subjects/crm-eva', { informedAt: '2026-12-01T09:00:00+01:00' });
    expect(await sendInformationNotices(t.ctx, { tenantId: tenant.tenantId })).toBe(0);
    const done = await notices();
    expect(done.map((r) => [r.subject.externalId, r.status, r.outcome]).sort()).toEqual([
      ['crm-dirk', 'completed', { via: 'tool', informedAt: '2026-11-30T09:00:00.000Z' }],
      ['crm-eva', 'completed', { via: 'tool', informedAt: '2026-12-01T08:00:00.000Z' }],
    ]);
    await t.ctx.mailQueue.drain();
    expect(smtp.inbox).toHaveLength(0);
    expect(
      (
        await call('PUT', '/v1/subjects/crm-fay', {
          email: 'fay@example.com',
          informedAt: 'yesterday',
        })
      ).status,
    ).toBe(400);
  });
});
