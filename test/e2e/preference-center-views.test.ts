// Every view of the preference center and every link page in Dutch and English, in Chromium:
// axe-core and HTML_CodeSniffer (WCAG2AA, the engine pa11y runs) find nothing, the signed-in
// page does not shift while it loads, no /v1/me probe before sign-in, tab links point at real
// ids, and the layout holds from 320 to 1280 px. Screenshots of each view at 375 and 1280 px go
// to a temp folder (printed at the end) for a person to look at; they are not committed.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../shared/i18n/en.json';
import nl from '../../shared/i18n/nl.json';
import { createTestTenant, type TestTenant } from '../helpers/app.js';
import { launchChromium, skipBrowserTests } from '../helpers/chromium.js';
import { startDoubleOptIn } from '../../server/services/me/double-opt-in.js';
import { capturingMailer, mailedSignInUrl, tokenOf, type CapturingMailer } from '../helpers/me.js';
import { ensurePreferenceCenterBuilt } from '../helpers/preference-center-build.js';
import { serveTestApp, type ServedApp } from '../helpers/server.js';
import { pageAxeViolations } from '../helpers/axe.js';

const resolve = createRequire(import.meta.url).resolve;
const htmlcsSource = fs.readFileSync(resolve('html_codesniffer/build/HTMLCS.js'), 'utf8');
// Screenshots of every view at both widths, for a person to look at, when
// AKKOORD_SCREENSHOTS names a folder: encoding them was a quarter of this file's time, and no
// test reads them.
const SHOTS = process.env.AKKOORD_SCREENSHOTS;
const LANGS = { nl: nl.preferenceCenter, en: en.preferenceCenter } as const;
type Lang = keyof typeof LANGS;

/** HTML_CodeSniffer's WCAG2AA errors, as pa11y reports them (warnings and notices left out, as pa11y does by default). */
async function htmlcsErrors(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: htmlcsSource });
  return page.evaluate(
    () =>
      new Promise<string[]>((done) => {
        const htmlcs = (
          window as unknown as {
            HTMLCS: {
              process(standard: string, doc: Document, cb: () => void): void;
              getMessages(): Array<{ type: number; code: string; msg: string; element: Element }>;
            };
          }
        ).HTMLCS;
        htmlcs.process('WCAG2AA', document, () =>
          done(
            htmlcs
              .getMessages()
              .filter((msg) => msg.type === 1)
              .map((msg) => `${msg.code}: ${msg.msg} (${msg.element?.outerHTML?.slice(0, 80)})`),
          ),
        );
      }),
  );
}

describe.skipIf(skipBrowserTests)("the preference center's views and link pages, nl and en", () => {
  let served: ServedApp;
  let tenant: TestTenant;
  let browser: Browser;
  let mailer: CapturingMailer;

  const api = (method: string, p: string, body?: unknown) =>
    served.t.call(method, p, { token: tenant.secretKey, body });

  beforeAll(async () => {
    await ensurePreferenceCenterBuilt();
    browser = await launchChromium();
    mailer = capturingMailer();
    served = await serveTestApp({ mailer });
    tenant = await createTestTenant(served.t);
    expect(
      (
        await api('PUT', '/v1/subjects/view-person', {
          email: 'view@example.com',
          attributes: { firstName: 'Vera' },
        })
      ).status,
    ).toBeLessThan(300);
    expect(
      (
        await api('POST', '/v1/subjects/view-person/records/newsletter_clicks', [
          { at: '2026-01-01' },
        ])
      ).status,
    ).toBeLessThan(300);
    await api('POST', '/v1/subjects/view-person/consents', {
      decisions: { analytics: true, newsletter: { email: true } },
    });
    await api('POST', '/v1/subjects/view-person/consents', { decisions: { analytics: false } });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    if (SHOTS) console.info(`preference-center screenshots: ${SHOTS}`);
  });

  /** A browser context in a language and width; bypassCSP only so the checkers can be injected. */
  async function open(
    lang: Lang,
    width: number,
  ): Promise<{ context: BrowserContext; page: Page; errors: string[]; meCalls: string[] }> {
    const context = await browser.newContext({
      locale: lang === 'nl' ? 'nl-NL' : 'en-GB',
      bypassCSP: true,
      viewport: { width, height: 800 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    const meCalls: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${message.text()} ${message.location().url}`);
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/v1/me') meCalls.push(request.method());
    });
    await context.addInitScript(() => {
      const shifts: number[] = [];
      (window as unknown as { __shifts: number[] }).__shifts = shifts;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as Array<
          PerformanceEntry & { value: number; hadRecentInput: boolean }
        >)
          if (!entry.hadRecentInput) shifts.push(entry.value);
      }).observe({ type: 'layout-shift', buffered: true });
    });
    return { context, page, errors, meCalls };
  }

  /** `long`: a page too long to picture whole (a full-page screenshot of /docs takes tens of seconds under load). */
  async function check(page: Page, name: string, reflow = true, long = false) {
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      // Nothing scrolls sideways, at any width.
      if (reflow)
        expect(
          await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth),
          `${name} at ${width}px`,
        ).toBe(true);
      if (SHOTS)
        await page.screenshot({
          path: path.join(SHOTS, `${name}-${width}.png`),
          fullPage: !long,
        });
    }
    expect(await pageAxeViolations(page), name).toEqual([]);
    expect(await htmlcsErrors(page), name).toEqual([]);
    expect(await page.locator('h1').count(), name).toBe(1);
  }

  async function signedIn(lang: Lang, width = 1280) {
    const opened = await open(lang, width);
    await opened.page.goto(await mailedSignInUrl(served.t, tenant.tenantId, 'view-person'));
    await opened.page.getByRole('checkbox').first().waitFor();
    return opened;
  }

  // The API docs page is not the person's: it is checked by both engines, but its reflow at 375 px is its own business.
  // /docs lists every operation: both checkers read a long page (about 25 s on one quiet core).
  it('/docs passes both checkers too', async () => {
    const { context, page, errors } = await open('en', 1280);
    await page.goto(`${served.url}/docs`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await check(page, 'docs', false, true);
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it('a session without an address: ticking e-mail asks for one and mails a confirmation; SMS says whom to ask', async () => {
    const m = LANGS.nl;
    expect(
      (await api('PUT', '/v1/subjects/no-address', { attributes: { note: 'x' } })).status,
    ).toBeLessThan(300);
    const { url: link } = (await (
      await api('POST', '/v1/subjects/no-address/links', { kind: 'preferences' })
    ).json()) as { url: string };
    const { context, page, errors } = await open('nl', 375);
    await page.goto(link);
    const newsletter = page.getByRole('group', { name: 'Nieuwsbrief' });
    expect(await newsletter.getByLabel('sms').isDisabled()).toBe(true);
    expect(await newsletter.innerText()).toContain('geen telefoonnummer');
    await newsletter.getByLabel('e-mail').check();
    await page.getByLabel(m.channelEmailLabel).fill('zonder@example.com');
    await check(page, 'nl-consents-address');
    await page.getByRole('button', { name: m.save }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe(m.confirmationSent);
    expect((await mailer.waitFor('zonder@example.com')).subject).toContain('Nieuwsbrief');
    expect(
      (await (await api('GET', '/v1/subjects/no-address')).json()).consents.newsletter.email,
    ).toBe('pending');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('GDPR-30, GDPR-52: the mailed download link of a completed access request: sign in first, then download once', async () => {
    const m = LANGS.nl;
    const before = mailer.sent.filter((x) => x.to === 'view@example.com').length;
    expect(
      (await api('POST', '/v1/requests', { subject: 'view-person', type: 'access' })).status,
    ).toBeLessThan(300);
    const mail = await mailer.waitFor('view@example.com', before + 1);
    const link = /http:\/\/\S+#export=[A-Za-z0-9_-]{43}/.exec(mail.text)![0];
    const { context, page, errors } = await open('nl', 375);
    await page.goto(link);
    // Not signed in: the sign-in form, and the token has left the address bar.
    await page.getByLabel(m.emailLabel).waitFor();
    expect(await page.evaluate(() => location.hash)).toBe('');
    await page.goto(await mailedSignInUrl(served.t, tenant.tenantId, 'view-person'));
    await page.getByRole('heading', { name: m.exportReadyTitle }).waitFor();
    await check(page, 'nl-export-ready');
    context.setDefaultTimeout(10_000);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: m.exportReadyButton }).click(),
    ]);
    expect(fs.readFileSync(await download.path(), 'utf8')).toContain('Vera');
    await expect.poll(() => page.getByRole('status').textContent()).toBe(m.exportDone);
    expect(await page.getByRole('heading', { name: m.exportReadyTitle }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  for (const lang of ['nl', 'en'] as const) {
    const m = LANGS[lang];

    it(`link pages (${lang}): unsubscribe, its answer, double opt-in, its answer, and a truncated link pass both checkers`, async () => {
      const { context, page, errors } = await open(lang, 1280);
      const { url: unsubscribe } = (await (
        await api('POST', '/v1/subjects/view-person/links', {
          kind: 'unsubscribe',
          purpose: 'newsletter',
          channel: 'sms',
          locale: lang,
        })
      ).json()) as { url: string };
      await page.goto(unsubscribe);
      await check(page, `${lang}-unsubscribe`);
      await page.getByRole('button', { name: m.unsubscribeButton }).click();
      await page.getByRole('status').waitFor();
      await check(page, `${lang}-unsubscribed`);

      const subject = (await (await api('GET', '/v1/subjects/view-person')).json()) as {
        id: string;
      };
      await api('POST', '/v1/subjects/view-person/consents', {
        decisions: { newsletter: { email: false } },
      });
      await api('POST', '/v1/subjects/view-person/consents', {
        decisions: { newsletter: { email: true } },
        doubleOptIn: true,
        locale: lang,
      });
      const before = mailer.sent.filter((x) => x.to === 'view@example.com').length;
      await startDoubleOptIn(served.t.ctx, {
        tenantId: tenant.tenantId,
        subjectId: subject.id,
        purpose: 'newsletter',
        channel: 'email',
        locale: lang,
      });
      await page.goto(
        `${served.url}/c/${tokenOf(await mailer.waitFor('view@example.com', before + 1))}`,
      );
      await check(page, `${lang}-confirm`);
      await page.getByRole('button', { name: m.confirmButton }).click();
      await page.getByRole('status').waitFor();
      await check(page, `${lang}-confirmed`);

      await page.goto(`${served.url}/u/truncated-link`);
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      await check(page, `${lang}-link-gone`);
      expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
      await context.close();
    });

    it(`sign-in (${lang}): no /v1/me probe, no console error, a meta description, label, field and button stacked`, async () => {
      const { context, page, errors, meCalls } = await open(lang, 1280);
      await page.goto(`${served.url}/p/${tenant.tenantId}`);
      await page.getByLabel(m.emailLabel).waitFor();
      expect(await page.locator('meta[name="description"]').getAttribute('content')).toContain(
        'Shop BV',
      );
      expect(await page.title()).toBe(m.title.replace('{tenant}', 'Shop BV'));
      const label = (await page.locator('label[for="email"]').boundingBox())!;
      const field = (await page.getByLabel(m.emailLabel).boundingBox())!;
      const button = (await page.getByRole('button', { name: m.sendLink }).boundingBox())!;
      expect(field.y).toBeGreaterThanOrEqual(label.y + label.height - 1);
      expect(button.y).toBeGreaterThanOrEqual(field.y + field.height - 1);
      await check(page, `${lang}-sign-in`);
      expect(meCalls).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    });

    it(`signed in (${lang}): the page does not shift while it loads, at 375 and 1280 px`, async () => {
      for (const width of [375, 1280]) {
        const { context, page, errors } = await signedIn(lang, width);
        // A fresh load of the page with the session cookie: the case Lighthouse measures.
        await page.goto(`${served.url}/p/${tenant.tenantId}`);
        await page.getByRole('checkbox').first().waitFor();
        await page.waitForTimeout(300);
        const shifts = await page.evaluate(
          () => (window as unknown as { __shifts: number[] }).__shifts,
        );
        expect(
          shifts.reduce((a, b) => a + b, 0),
          `CLS at ${width}px`,
        ).toBe(0);
        expect(errors).toEqual([]);
        await context.close();
      }
    });

    it(`signed in (${lang}): every tab links to a real section, messages do not follow to the next tab, every view passes both checkers`, async () => {
      const { context, page, errors } = await signedIn(lang);
      for (const href of await page
        .getByRole('navigation')
        .locator('a')
        .evaluateAll((links) => links.map((a) => a.getAttribute('href')))) {
        expect(await page.locator(href!).count(), href!).toBe(1);
      }
      await page
        .getByRole('checkbox', { name: lang === 'nl' ? 'Statistieken' : 'Analytics' })
        .click();
      await page.getByRole('button', { name: m.save }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toBe(m.saved);
      // The history becomes a stack of cards on a phone.
      await page.setViewportSize({ width: 375, height: 800 });
      expect(
        await page
          .locator('table tr')
          .first()
          .evaluate((row) => getComputedStyle(row).display),
      ).toBe('block');
      await page.setViewportSize({ width: 1280, height: 800 });
      expect(await page.locator('table').textContent()).toMatch(
        lang === 'en'
          ? /\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2}/
          : /\d{1,2} [a-z]+ \d{4} om \d{2}:\d{2}/,
      );
      await check(page, `${lang}-consents`);

      for (const [name, view] of [
        [m.navProfile, 'profile'],
        [m.navData, 'data'],
        [m.navRights, 'rights'],
        [m.navRequests, 'requests'],
      ] as const) {
        await page.getByRole('link', { name }).click();
        await page.locator(`#${view}-title`).waitFor();
        expect(
          await page.getByRole('status').textContent(),
          `${view}: the message was cleared`,
        ).toBe('');
        if (view === 'profile') expect(await page.getByLabel('First name').count()).toBe(1);
        if (view === 'data')
          expect(await page.locator('main').innerText()).toContain('Newsletter clicks: 1 item');
        if (view === 'rights') {
          for (const width of [320, 1280]) {
            await page.setViewportSize({ width, height: 800 });
            const box = (await page.locator('#reason-unlawful_processing').boundingBox())!;
            const label = (await page
              .locator('label[for="reason-unlawful_processing"]')
              .boundingBox())!;
            // Beside the button, starting on its line, however many lines it takes.
            expect(label.x, `label beside its radio at ${width}px`).toBeGreaterThan(
              box.x + box.width,
            );
            expect(
              Math.abs(label.y - box.y),
              `label on the radio's line at ${width}px`,
            ).toBeLessThan(box.height);
          }
          await page.setViewportSize({ width: 1280, height: 800 });
        }
        await check(page, `${lang}-${view}`);
      }
      // Focus is visible on a link reached by keyboard.
      await page.keyboard.press('Tab');
      expect(
        await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle),
      ).not.toBe('none');
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
