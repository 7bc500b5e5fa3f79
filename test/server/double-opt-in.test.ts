// Double opt-in (MAIL-08): a pending consent becomes granted only when the person
// confirms from the e-mail; following the link alone confirms nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { doubleOptInMail } from '../../server/mail/templates.js';
import { startDoubleOptIn } from '../../server/services/me/double-opt-in.js';
import { recordConsent } from '../../server/services/consent/consent-write.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { addPerson, capturingMailer, tokenOf, type CapturingMailer } from '../helpers/me.js';

describe.each(dialects)('double opt-in on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let mailer: CapturingMailer;
  let subjectId: string;

  beforeEach(async () => {
    mailer = capturingMailer();
    t = await startTestApp(dialect, { mailer });
    tenant = await createTestTenant(t);
    subjectId = await addPerson(t, tenant.tenantId, {
      externalId: 'crm-1',
      email: 'anna@example.com',
    });
    await recordConsent(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      configVersion: 1,
      locale: 'nl',
      source: 'api',
      changes: [{ purpose: 'newsletter', channel: 'email', status: 'pending' }],
    });
  });
  afterEach(async () => t.close());

  const status = async () =>
    await t.ctx.db
      .selectFrom('consent_state')
      .select(['status', 'source'])
      .where('subject_id', '=', subjectId)
      .where('purpose', '=', 'newsletter')
      .executeTakeFirstOrThrow();

  it("MAIL-08: e-mails a confirmation link in the person's language, as text and HTML", async () => {
    await startDoubleOptIn(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      purpose: 'newsletter',
      channel: 'email',
      locale: 'nl',
    });
    const mail = await mailer.waitFor('anna@example.com');
    expect(mail.subject).toContain('Nieuwsbrief');
    expect(mail.text).toMatch(/http:\/\/127\.0\.0\.1:8080\/c\/[A-Za-z0-9_-]{43}/);
    expect(mail.html).toContain('<html lang="nl">');
    expect(mail.subjectId).toBe(subjectId);
  });

  it('MAIL-08: GET shows a button and leaves the consent pending; POST grants it; the link then stops working', async () => {
    await startDoubleOptIn(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      purpose: 'newsletter',
      channel: 'email',
      locale: 'en',
    });
    const path = `/c/${tokenOf(await mailer.waitFor('anna@example.com'))}`;
    const page = await t.call('GET', path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`<form method="post" action="${path}">`);
    expect((await status()).status).toBe('pending');
    const confirmed = await t.app.request(path, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('role="status"');
    // Granted on the pending consent's own source: the ledger shows both steps.
    expect(await status()).toEqual({ status: 'granted', source: 'api' });
    const events = await t.ctx.db
      .selectFrom('consent_events')
      .select('status')
      .where('subject_id', '=', subjectId)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.status)).toEqual(['pending', 'granted']);
    expect((await t.app.request(path, { method: 'POST' })).status).toBe(404);
  });

  it('a consent withdrawn before the confirmation stays withdrawn', async () => {
    await startDoubleOptIn(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      purpose: 'newsletter',
      channel: 'email',
    });
    const path = `/c/${tokenOf(await mailer.waitFor('anna@example.com'))}`;
    await recordConsent(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      configVersion: 1,
      locale: 'nl',
      source: 'preference_center',
      changes: [{ purpose: 'newsletter', channel: 'email', status: 'withdrawn' }],
    });
    expect((await t.app.request(path, { method: 'POST' })).status).toBe(200);
    expect((await status()).status).toBe('withdrawn');
  });

  it('needs an e-mail address', async () => {
    const nobody = await addPerson(t, tenant.tenantId, { externalId: 'crm-2' });
    await expect(
      startDoubleOptIn(t.ctx, {
        tenantId: tenant.tenantId,
        subjectId: nobody,
        purpose: 'newsletter',
        channel: 'email',
      }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it('escapes names from configuration in the HTML mail', () => {
    const mail = doubleOptInMail('en', {
      tenant: { name: 'Shop <b>BV</b>', contact: 'a@b' },
      purposeName: '<script>x</script>',
      channel: 'email',
      url: 'https://x/c/t?a=1&b=2',
    });
    expect(mail.html).not.toContain('<script>x');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.html).toContain('Shop &lt;b&gt;BV&lt;/b&gt;');
    expect(mail.html).toContain('a=1&amp;b=2');
    expect(mail.text).toContain('<script>x</script>');
  });
});
