// The pages behind links in e-mails speak the person's language and are always HTML: an
// unknown, used, expired or truncated link gets a page in the browser's language
// (Accept-Language), never English by default and never an error in JSON.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import en from '../../shared/i18n/en.json';
import nl from '../../shared/i18n/nl.json';
import { startDoubleOptIn } from '../../server/services/me/double-opt-in.js';
import { recordConsent } from '../../server/services/consent/consent-write.js';
import { escapeHtml } from '../../server/mail/templates.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { addPerson, capturingMailer, tokenOf, type CapturingMailer } from '../helpers/me.js';

describe.each(dialects)('link pages on %s', (dialect) => {
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
  });
  afterEach(async () => t.close());

  const get = (path: string, language: string) =>
    t.call('GET', path, { headers: { 'accept-language': language } });

  it("an unknown confirmation link, or a truncated link, answers a 404 page in the browser's language, never JSON", async () => {
    for (const path of [
      `/c/${'a'.repeat(43)}`,
      '/u/abc',
      '/c/abc-truncated',
      `/u/${'a'.repeat(42)}`,
    ]) {
      for (const [language, m, lang] of [
        ['nl-NL,nl;q=0.9,en;q=0.5', nl.preferenceCenter, 'nl'],
        ['en-GB,en;q=0.8', en.preferenceCenter, 'en'],
        ['de-DE', en.preferenceCenter, 'en'],
      ] as const) {
        const res = await get(path, language);
        expect(res.status, path).toBe(404);
        expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
        const html = await res.text();
        expect(html).toContain(`<html lang="${lang}">`);
        expect(html).toContain(escapeHtml(m.linkGone));
      }
      const posted = await t.app.request(path, {
        method: 'POST',
        headers: { 'accept-language': 'nl', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(posted.status).toBe(404);
      expect(await posted.text()).toContain(escapeHtml(nl.preferenceCenter.linkGone));
    }
  });

  it("MAIL-05: an unknown but whole unsubscribe link answers success in the browser's language and changes nothing", async () => {
    const path = `/u/${'a'.repeat(43)}`;
    for (const [language, m, lang] of [
      ['nl-NL,nl;q=0.9', nl.preferenceCenter, 'nl'],
      ['en-GB,en;q=0.8', en.preferenceCenter, 'en'],
    ] as const) {
      const res = await get(path, language);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(`<html lang="${lang}">`);
      expect(html).toContain(escapeHtml(m.linkNothingMore));
    }
  });

  it('a used confirmation link shows a Dutch browser the Dutch page; the question reads as Dutch ("aanmelden voor ‘Nieuwsbrief’")', async () => {
    await recordConsent(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      configVersion: 1,
      locale: 'nl',
      source: 'api',
      changes: [{ purpose: 'newsletter', channel: 'email', status: 'pending' }],
    });
    await startDoubleOptIn(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      purpose: 'newsletter',
      channel: 'email',
      locale: 'nl',
    });
    const path = `/c/${tokenOf(await mailer.waitFor('anna@example.com'))}`;
    expect(await (await get(path, 'nl')).text()).toContain(
      escapeHtml('Wil je je aanmelden voor ‘Nieuwsbrief’ van Shop BV, per e-mail?'),
    );
    expect((await t.app.request(path, { method: 'POST' })).status).toBe(200);
    const used = await get(path, 'nl-BE,nl;q=0.9');
    expect(used.status).toBe(404);
    const html = await used.text();
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain(escapeHtml(nl.preferenceCenter.linkGone));
  });
});
