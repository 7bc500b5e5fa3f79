// The preference center end to end: the real server on a temp SQLite file,
// a real SMTP server receiving Akkoord's mails through the SMTP transport, and
// Chromium clicking through every screen, with axe-core on each of them.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { ParsedMail } from 'mailparser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpMailer, type SmtpMailer } from '../../server/mail/smtp.js';
import en from '../../shared/i18n/en.json';
import nl from '../../shared/i18n/nl.json';
import { demoConfig } from '../../server/services/config/demo.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { launchChromium, skipBrowserTests } from '../helpers/chromium.js';
import { ensurePreferenceCenterBuilt } from '../helpers/preference-center-build.js';
import { pageAxeViolations } from '../helpers/axe.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const m = nl.preferenceCenter;

describe.skipIf(skipBrowserTests)('the preference center in Chromium', () => {
  let smtp: TestSmtp;
  let mailer: SmtpMailer;
  let t: TestApp;
  let url: string;
  let closeServer: () => Promise<void>;
  let tenant: TestTenant;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    await ensurePreferenceCenterBuilt();
    smtp = await startSmtp('privacy@shop.example');
    // Listen first: PUBLIC_URL (the base of the links in the mails) must name the port.
    const ready: { app?: TestApp['app'] } = {};
    const server = serve({
      fetch: (request) =>
        ready.app ? ready.app.fetch(request) : new Response('starting', { status: 503 }),
      port: 0,
      hostname: '127.0.0.1',
    });
    await new Promise<void>((resolve) =>
      server.listening ? resolve() : server.once('listening', () => resolve()),
    );
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    mailer = createSmtpMailer(smtp.url, url);
    t = await startTestApp('sqlite', { mailer, env: { PUBLIC_URL: url } });
    ready.app = t.app;
    closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
    tenant = await createTestTenant(t);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await closeServer?.();
    mailer?.close();
    await smtp?.close();
    await t?.close();
  });
  beforeEach(async () => {
    // bypassCSP only lets the test inject axe-core; the page itself runs under its strict policy.
    context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true, acceptDownloads: true });
    page = await context.newPage();
  });
  afterEach(async () => context?.close());

  const api = (method: string, path: string, body?: unknown) =>
    t.call(method, path, { token: tenant.secretKey, body });

  async function addPerson(
    externalId: string,
    email: string,
    records: Record<string, unknown[]> = {},
  ) {
    expect(
      (
        await api('PUT', `/v1/subjects/${externalId}`, {
          email,
          attributes: { firstName: externalId },
        })
      ).status,
    ).toBeLessThan(300);
    for (const [dataset, rows] of Object.entries(records)) {
      expect(
        (await api('POST', `/v1/subjects/${externalId}/records/${dataset}`, rows)).status,
      ).toBeLessThan(300);
    }
  }

  async function mailTo(address: string, count = 1): Promise<ParsedMail> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const mails = smtp.inbox.filter(
        (mail) => (mail.to && !Array.isArray(mail.to) ? mail.to.text : '') === address,
      );
      if (mails.length >= count) return mails[count - 1];
      if (Date.now() > deadline) throw new Error(`no mail #${count} for ${address}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  const linkIn = (mail: ParsedMail, pattern: RegExp) => {
    const found = pattern.exec(mail.text ?? '');
    if (!found) throw new Error(`no link in: ${mail.text}`);
    return found[0];
  };
  const signInLink = (mail: ParsedMail) =>
    linkIn(mail, new RegExp(`${url}/p/ten_[A-Za-z0-9_-]+#token=[A-Za-z0-9_-]{43}`));

  async function askForLink(email: string) {
    await page.goto(`${url}/p/${tenant.tenantId}`);
    await page.getByLabel(m.emailLabel).fill(email);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/me/login')),
      page.getByRole('button', { name: m.sendLink }).click(),
    ]);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('15 minuten');
    return { status: answer.status(), body: await answer.text() };
  }

  async function signIn(email: string, count = 1) {
    await askForLink(email);
    await page.goto(signInLink(await mailTo(email, count)));
    await page.getByRole('navigation', { name: m.nav }).waitFor();
  }

  async function openSection(name: string) {
    await page.getByRole('link', { name }).click();
    await page.getByRole('heading', { level: 2 }).waitFor();
  }

  async function expectStatus(text: string) {
    await expect.poll(() => page.getByRole('status').textContent()).toBe(text);
  }

  it('signs in from the e-mailed link, refuses the link a second time, and answers an unknown address the same (A11Y-11)', async () => {
    await addPerson('e2e-anna', 'anna@example.com');
    const known = await askForLink('anna@example.com');
    expect(await pageAxeViolations(page)).toEqual([]);
    const unknown = await askForLink('nobody@example.com');
    expect(unknown).toEqual(known);
    expect(known.status).toBe(202);

    const mail = await mailTo('anna@example.com');
    expect(mail.subject).toContain('Shop BV');
    expect(mail.html).toContain('#token=');
    const link = signInLink(mail);
    await page.goto(link);
    await page.getByRole('navigation', { name: m.nav }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Jouw gegevens bij Shop BV',
    );
    expect(await page.evaluate(() => location.hash)).toBe('');
    expect(
      await page.getByRole('link', { name: 'Privacyverklaring van Shop BV' }).getAttribute('href'),
    ).toBe('https://shop.example/demo/privacy');

    const again = await context.newPage();
    await again.goto(link);
    await expect.poll(() => again.getByRole('alert').textContent()).toBe(m.linkInvalid);
    expect(await again.getByRole('navigation', { name: m.nav }).count()).toBe(0);
    expect(await pageAxeViolations(again)).toEqual([]);

    // The unknown address got no mail: only Anna's arrived.
    expect(
      smtp.inbox.some(
        (x) => (x.to && !Array.isArray(x.to) ? x.to.text : '') === 'nobody@example.com',
      ),
    ).toBe(false);
  });

  it('shows and changes consents, which appear in the feed; axe finds nothing on any screen, in Dutch and English', async () => {
    await addPerson('e2e-bram', 'bram@example.com', { orders: [{ order: 'B-1' }] });
    await signIn('bram@example.com');
    expect(await pageAxeViolations(page)).toEqual([]);
    await page.getByRole('group', { name: 'Nieuwsbrief' }).getByLabel('e-mail').check();
    await page.getByRole('checkbox', { name: 'Statistieken' }).check();
    await page.getByRole('button', { name: m.save }).click();
    await expectStatus(m.saved);
    expect(await page.getByRole('checkbox', { name: 'Statistieken' }).isChecked()).toBe(true);
    await expect.poll(() => page.getByRole('table').textContent()).toContain('deze pagina');

    const feed = (await (await api('GET', '/v1/feed?limit=1000')).json()) as {
      events: Array<{
        type: string;
        subject: { externalId: string };
        data: { source: string; state: Record<string, unknown> };
      }>;
    };
    const mine = feed.events.filter(
      (e) => e.type === 'consent.updated' && e.subject.externalId === 'e2e-bram',
    );
    expect(mine).toHaveLength(1);
    expect(mine[0].data).toMatchObject({
      source: 'preference_center',
      state: { analytics: 'granted', newsletter: { email: 'granted' } },
    });

    for (const name of [m.navProfile, m.navData, m.navRights, m.navRequests]) {
      await openSection(name);
      expect(await pageAxeViolations(page), name).toEqual([]);
    }
    await page.getByRole('link', { name: 'English' }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await openSection(en.preferenceCenter.navConsents);
    expect(await pageAxeViolations(page)).toEqual([]);
  });

  it("corrects the profile and downloads JSON and CSV with the person's data and nothing of another person", async () => {
    await addPerson('e2e-cees', 'cees@example.com', { orders: [{ order: 'C-7' }] });
    await addPerson('e2e-dora', 'dora@example.com', { orders: [{ order: 'D-3' }] });
    await signIn('cees@example.com');
    await openSection(m.navProfile);
    await page.getByLabel('First name').fill('Cornelis');
    await page.getByRole('button', { name: m.profileSave }).click();
    await expectStatus(m.profileSaved);

    await openSection(m.navData);
    for (const [name, extension] of [
      [m.downloadJson, 'json'],
      [m.downloadCsv, 'csv'],
    ] as const) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`\\.${extension}$`));
      const text = fs.readFileSync(await download.path(), 'utf8');
      expect(text).toContain('cees@example.com');
      expect(text).toContain('C-7');
      expect(text).toContain('Cornelis');
      expect(text).not.toContain('dora@example.com');
      expect(text).not.toContain('D-3');
    }
  });

  it('restricts then lifts, objects to marketing, and lists the requests with their due dates', async () => {
    await addPerson('e2e-eva', 'eva@example.com');
    await api('POST', '/v1/subjects/e2e-eva/consents', {
      decisions: { newsletter: { email: true } },
    });
    await signIn('eva@example.com');
    await openSection(m.navRights);
    await page.getByLabel(m.reason_accuracy_contested).check();
    await page.getByRole('button', { name: m.restrict }).click();
    await expectStatus(m.restricted);
    expect(await pageAxeViolations(page)).toEqual([]);
    expect((await (await api('GET', '/v1/subjects/e2e-eva')).json()).restriction).toMatchObject({
      restricted: true,
    });

    await page.getByRole('button', { name: m.lift }).click();
    await expectStatus(
      'De beperking is opgeheven. Shop BV mag je gegevens weer verwerken zoals beschreven.',
    );
    expect((await (await api('GET', '/v1/subjects/e2e-eva')).json()).restriction).toMatchObject({
      restricted: false,
    });
    // Art. 18(3): she was told before the lift, by e-mail.
    await mailTo('eva@example.com', 2);

    await page.getByLabel(m.objectReason).fill('Te veel folders.');
    await page.getByRole('button', { name: m.object }).click();
    await expectStatus(m.objectDone);
    const subject = await (await api('GET', '/v1/subjects/e2e-eva')).json();
    expect(subject.consents.newsletter.email).toBe('withdrawn');
    // Her reason reaches the staff's view of the request.
    const objections = (await (await api('GET', '/v1/requests?type=objection')).json()) as {
      requests: Array<{ id: string }>;
    };
    expect(
      await (await api('GET', `/v1/requests/${objections.requests[0].id}`)).json(),
    ).toMatchObject({ reason: 'Te veel folders.' });

    await openSection(m.navRequests);
    const table = await page.getByRole('table').textContent();
    expect(table).toContain(m.type_restriction);
    expect(table).toContain(m.type_lift_restriction);
    expect(table).toContain(m.type_objection);
    const requests = (await (await page.request.get(`${url}/v1/me/requests`)).json()) as {
      requests: Array<{ receivedAt: string; dueAt: string }>;
    };
    for (const r of requests.requests)
      expect(new Date(r.dueAt).getUTCMonth()).toBe((new Date(r.receivedAt).getUTCMonth() + 1) % 12);
  });

  it('erases one data set after a confirmation, then everything: the address is gone from the database files and the API says 404', async () => {
    await addPerson('e2e-fenna', 'fenna.erase@example.com', {
      orders: [{ order: 'F-1' }],
      newsletters: [{ list: 'weekly' }],
    });
    await signIn('fenna.erase@example.com');
    await openSection(m.navData);
    await page.getByRole('checkbox', { name: 'Orders' }).check();
    await page.getByRole('button', { name: m.eraseContinue }).click();
    await page.getByRole('heading', { name: m.eraseConfirmTitle }).waitFor();
    expect(await pageAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: m.eraseConfirm }).click();
    await expectStatus(m.erasedSome);
    const partly = await (await api('GET', '/v1/subjects/e2e-fenna')).json();
    expect(partly.records).toEqual({ newsletters: 1 });

    expect((await api('GET', '/v1/subjects/e2e-fenna')).status).toBe(200);
    await page.getByLabel(m.eraseAll).check();
    await page.getByRole('button', { name: m.eraseContinue }).click();
    await page.getByRole('button', { name: m.eraseConfirm }).click();
    await expectStatus(m.erasedAll);
    await page.getByLabel(m.emailLabel).waitFor();
    expect(await pageAxeViolations(page)).toEqual([]);

    expect((await api('GET', '/v1/subjects/e2e-fenna')).status).toBe(404);
    // The tool's own externalId stays on the feed by design (Art. 19: tools find their copy by it); the address must not.
    const file = t.testStore.file!;
    for (const path of [file, `${file}-wal`].filter((p) => fs.existsSync(p))) {
      const bytes = fs.readFileSync(path);
      expect(bytes.includes(Buffer.from('fenna.erase@example.com')), path).toBe(false);
    }
    // The session went with her: the page's API no longer knows her.
    expect((await page.request.get(`${url}/v1/me`)).status()).toBe(401);
  });

  it("GDPR-30, GDPR-52: arrives by a tool's link, changes a consent, asks for a download, confirms by the mailed step-up and downloads", async () => {
    await addPerson('e2e-ilse', 'ilse@example.com', { orders: [{ order: 'I-1' }] });
    const { url: link } = (await (
      await api('POST', '/v1/subjects/e2e-ilse/links', { kind: 'preferences' })
    ).json()) as { url: string };
    await page.goto(link);
    await page.getByRole('navigation', { name: m.nav }).waitFor();
    // A link session: consents, and a plain explanation why the rest needs a confirmation.
    await page.getByRole('heading', { name: m.assuranceTitle }).waitFor();
    expect(await page.locator('body').innerText()).not.toContain('ilse@example.com');
    expect(await pageAxeViolations(page)).toEqual([]);
    await page.getByRole('checkbox', { name: 'Statistieken' }).check();
    await page.getByRole('button', { name: m.save }).click();
    await expectStatus(m.saved);
    expect((await (await api('GET', '/v1/subjects/e2e-ilse')).json()).consents.analytics).toBe(
      'granted',
    );

    // The download is not offered yet; the page offers the step-up instead.
    await openSection(m.navData);
    expect(await page.getByRole('button', { name: m.downloadJson }).count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain('I-1');
    await page.getByRole('button', { name: m.stepUp }).click();
    await expectStatus(m.stepUpSent);
    expect(await pageAxeViolations(page)).toEqual([]);

    // The confirmation arrives over SMTP at the address on file; following it in the same browser upgrades the session.
    const mail = await mailTo('ilse@example.com');
    expect(mail.subject).toBe(nl.email.stepUpSubject.replace('{tenant}', 'Shop BV'));
    await page.goto(signInLink(mail));
    await expect.poll(() => page.getByRole('heading', { name: m.assuranceTitle }).count()).toBe(0);
    await page.getByRole('navigation', { name: m.nav }).waitFor();
    await openSection(m.navData);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: m.downloadJson }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const text = fs.readFileSync(await download.path(), 'utf8');
    expect(text).toContain('ilse@example.com');
    expect(text).toContain('I-1');

    // The audit names the link and the key behind the consent change; the download was filed by the confirmed person.
    const { entries } = (await (await api('GET', '/v1/audit?limit=1000')).json()) as {
      entries: Array<{ actor: string; action: string; target: string | null }>;
    };
    const ilse = (await (await api('GET', '/v1/subjects/e2e-ilse')).json()).id as string;
    const inLinkSession = entries.filter((e) => e.actor.includes(' via:'));
    expect(inLinkSession.map((e) => [e.action, e.target])).toEqual([
      ['session.started', ilse],
      ['consent.changed', ilse],
      ['session.step_up_requested', ilse],
    ]);
    for (const entry of inLinkSession)
      expect(entry.actor).toMatch(/^data_subject via:preferences link:lnk_\S+ key:key_\S+$/);
  });

  it('GDPR-41: after an objection, turning marketing back on first warns that this lifts the objection for that purpose', async () => {
    await addPerson('e2e-joost', 'joost@example.com');
    await api('POST', '/v1/subjects/e2e-joost/consents', {
      decisions: { newsletter: { email: true } },
    });
    await signIn('joost@example.com');
    await openSection(m.navRights);
    await page.getByRole('button', { name: m.object }).click();
    await expectStatus(m.objectDone);
    await openSection(m.navConsents);
    const newsletterByMail = page.getByRole('group', { name: 'Nieuwsbrief' }).getByLabel('e-mail');
    await newsletterByMail.check();
    await page.getByRole('button', { name: m.save }).click();
    await page.getByRole('heading', { name: m.objectionLiftTitle }).waitFor();
    expect(await page.getByRole('group', { name: m.objectionLiftTitle }).innerText()).toContain(
      'Nieuwsbrief (e-mail)',
    );
    expect(await pageAxeViolations(page)).toEqual([]);
    // Nothing is stored before the person confirms; cancelling stores nothing either.
    const newsletter = async () =>
      (await (await api('GET', '/v1/subjects/e2e-joost')).json()).consents.newsletter.email;
    expect(await newsletter()).toBe('withdrawn');
    await page.getByRole('button', { name: m.cancel }).click();
    expect(await newsletter()).toBe('withdrawn');
    await page.getByRole('button', { name: m.save }).click();
    await page.getByRole('button', { name: m.objectionLiftConfirm }).click();
    await expectStatus(m.saved);
    expect(await newsletter()).not.toBe('withdrawn');
  });

  it('MAIL-08: double opt-in stays pending until the e-mailed confirmation is clicked', async () => {
    await addPerson('e2e-gijs', 'gijs@example.com');
    const captured = await api('POST', '/v1/subjects/e2e-gijs/consents', {
      decisions: { newsletter: { email: true } },
      doubleOptIn: true,
      locale: 'nl',
    });
    expect(captured.status).toBeLessThan(300);
    const state = async () =>
      (await (await api('GET', '/v1/subjects/e2e-gijs')).json()).consents.newsletter.email;
    expect(await state()).toBe('pending');
    const mail = await mailTo('gijs@example.com');
    const link = linkIn(mail, new RegExp(`${url}/c/[A-Za-z0-9_-]{43}`));
    await page.goto(link);
    expect(await pageAxeViolations(page)).toEqual([]);
    expect(await state()).toBe('pending');
    await page.getByRole('button', { name: m.confirmButton }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('bevestigd');
    expect(await pageAxeViolations(page)).toEqual([]);
    expect(await state()).toBe('granted');
  });

  it('MAIL-03: one-click unsubscribe by POST; opening the link (GET) changes nothing', async () => {
    await addPerson('e2e-hana', 'hana@example.com');
    await api('POST', '/v1/subjects/e2e-hana/consents', {
      decisions: { newsletter: { email: true, sms: true } },
    });
    const { url: unsubscribe } = await (
      await api('POST', '/v1/subjects/e2e-hana/links', {
        kind: 'unsubscribe',
        purpose: 'newsletter',
        channel: 'email',
      })
    ).json();
    const state = async () =>
      (await (await api('GET', '/v1/subjects/e2e-hana')).json()).consents.newsletter;

    await page.goto(unsubscribe);
    expect(await page.getByRole('button', { name: m.unsubscribeButton }).count()).toBe(1);
    expect(await pageAxeViolations(page)).toEqual([]);
    expect(await state()).toEqual({ email: 'granted', sms: 'granted' });

    // What a mailbox provider does (RFC 8058): a POST with no cookie, and no redirect followed.
    const posted = await fetch(unsubscribe, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(posted.status).toBe(200);
    expect(await state()).toEqual({ email: 'withdrawn', sms: 'granted' });
    const again = await fetch(unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(again.status).toBe(200);

    // The button on the page does the same, and the answer page is accessible too.
    await page.getByRole('button', { name: m.unsubscribeButton }).click();
    await page.getByRole('status').waitFor();
    expect(await pageAxeViolations(page)).toEqual([]);
  });
  it('GDPR-32: data kept by law is explained with its basis and date instead of offered for erasure, and an erasure that names it says it was kept', async () => {
    // A tenant of its own: its configuration keeps invoices for seven years.
    const basis = 'art. 52 AWR (belastingwet): 7 jaar';
    const saved = tenant;
    tenant = await createTestTenant(t, {
      ...demoConfig('https://shop.example'),
      retention: { keptByLaw: { invoices: { days: 2557, basis } } },
    });
    try {
      await addPerson('e2e-kees', 'kees@example.com', {
        invoices: [{ invoice: 'F-1' }],
        orders: [{ order: 'O-1' }],
      });
      await signIn('kees@example.com');
      await openSection(m.navData);
      await page.getByRole('heading', { name: m.keptByLawTitle }).waitFor();
      expect(await page.getByRole('listitem').filter({ hasText: basis }).count()).toBe(1);
      expect(await page.getByRole('checkbox', { name: 'Invoices' }).count()).toBe(0);
      expect(await pageAxeViolations(page)).toEqual([]);

      await page.getByRole('checkbox', { name: 'Orders' }).check();
      await page.getByRole('button', { name: m.eraseContinue }).click();
      await page.getByRole('button', { name: m.eraseConfirm }).click();
      await expectStatus(m.erasedSome);
      // A request by letter, registered by staff, that names the invoices too: the law keeps them, and her requests say so.
      expect(
        (
          await api('POST', '/v1/requests', {
            subject: 'e2e-kees',
            type: 'erasure',
            scope: { datasets: ['invoices'] },
          })
        ).status,
      ).toBe(201);
      await openSection(m.navRequests);
      await expect.poll(() => page.getByRole('table').textContent()).toContain(basis);
      expect(await pageAxeViolations(page)).toEqual([]);
    } finally {
      tenant = saved;
    }
  });
});
