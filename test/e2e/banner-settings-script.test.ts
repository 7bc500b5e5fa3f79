// The settings dialog is a script of its own (widget-settings.js) in Chromium: fetched only when a
// person is about to open the dialog, working from it by keyboard, loading under a site's nonce
// policy, and, when it cannot load, leaving the first layer's buttons working and telling the site.
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  banner,
  choiceCookie,
  openShop,
  reopenButton,
  serverConsents,
  settingsDialog,
} from '../helpers/banner-page.js';
import { useBannerBrowser } from '../helpers/banner-browser.js';
import { skipBrowserTests } from '../helpers/chromium.js';
import { serveDemoShop } from '../helpers/server.js';

const SETTINGS_PATH = '/widget-settings.js';

describe.skipIf(skipBrowserTests)('the settings dialog as a script of its own', () => {
  const browser = useBannerBrowser();
  let shop: Awaited<ReturnType<typeof serveDemoShop>>;
  let context: BrowserContext;
  let page: Page;
  /** Every request the page made, by path. */
  let requested: string[];
  let warnings: string[];

  beforeEach(async () => {
    shop = await serveDemoShop();
    context = await browser().newContext();
    page = await context.newPage();
    requested = [];
    warnings = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
    await page.addInitScript(() => {
      const errors: unknown[] = [];
      (window as unknown as { __errors: unknown[] }).__errors = errors;
      addEventListener('akkoord:error', (e) => errors.push((e as CustomEvent).detail));
    });
  });
  afterEach(async () => {
    await context?.close();
    await shop?.close();
  });

  const settingsLoads = () => requested.filter((p) => p === SETTINGS_PATH).length;
  const focusedText = () =>
    page.evaluate(
      () =>
        document.querySelector('akkoord-consent')?.shadowRoot?.activeElement?.textContent ?? null,
    );
  const errorCodes = () =>
    page.evaluate(() =>
      (window as unknown as { __errors: Array<{ code: string }> }).__errors.map((e) => e.code),
    );

  it('is not fetched with the banner nor for a choice on the first layer; hovering Choose fetches it once, before the click', async () => {
    await openShop(page, shop.url);
    await expect.poll(() => banner(page).isVisible()).toBe(true);
    await page.waitForTimeout(500);
    expect(settingsLoads()).toBe(0);
    await page.getByRole('button', { name: 'Alles accepteren' }).click();
    await expect.poll(() => banner(page).count()).toBe(0);
    await reopenButton(page).click();
    await expect.poll(() => banner(page).isVisible()).toBe(true);
    await page.waitForTimeout(300);
    expect(settingsLoads()).toBe(0);

    await page.getByRole('button', { name: 'Zelf kiezen' }).hover();
    await expect.poll(settingsLoads).toBe(1);
    expect(await settingsDialog(page).count()).toBe(0);
    await page.getByRole('button', { name: 'Zelf kiezen' }).click();
    await expect.poll(() => settingsDialog(page).isVisible()).toBe(true);
    // The choice made before shows in the dialog's switches.
    expect(await page.getByRole('switch', { name: 'Statistieken' }).isChecked()).toBe(true);
    expect(settingsLoads()).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('A11Y-02: by keyboard alone: Choose opens the dialog with focus in it, Tab stays inside, Space and Enter save the choice', async () => {
    await openShop(page, shop.url);
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    expect(await focusedText()).toBe('Zelf kiezen');
    await page.keyboard.press('Enter');
    await expect.poll(() => settingsDialog(page).isVisible()).toBe(true);
    await expect
      .poll(() =>
        page.evaluate(() =>
          document
            .querySelector('akkoord-consent')
            ?.shadowRoot?.activeElement?.getAttribute('aria-labelledby'),
        ),
      )
      .toBe('ak-settings-title');

    // The required switch is disabled, so Tab lands on the first optional one.
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(
        () =>
          (document.querySelector('akkoord-consent')?.shadowRoot?.activeElement as HTMLInputElement)
            .dataset.purpose,
      ),
    ).toBe('analytics');
    await page.keyboard.press('Space');
    // Shift+Tab from the first control wraps to the last, and Tab from there back to the first.
    await page.keyboard.press('Shift+Tab');
    expect(await focusedText()).toBe('Mijn gegevens beheren');
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(
        () =>
          (document.querySelector('akkoord-consent')?.shadowRoot?.activeElement as HTMLInputElement)
            .dataset.purpose,
      ),
    ).toBe('analytics');
    for (let i = 0; i < 5 && (await focusedText()) !== 'Keuze opslaan'; i++)
      await page.keyboard.press('Tab');
    expect(await focusedText()).toBe('Keuze opslaan');
    await page.keyboard.press('Enter');

    await expect.poll(() => settingsDialog(page).count()).toBe(0);
    expect((await choiceCookie(context))?.decisions).toEqual({ analytics: true, ads: false });
    // Focus goes to the way back to the choice, not to the top of the page.
    expect(await focusedText()).toContain('Cookie-instellingen');
  });

  it('GDPR-04: when it cannot load, Choose opens nothing, the site is told once, and Accept all still records; Choose tries again later', async () => {
    let blocked = true;
    await page.route(`**${SETTINGS_PATH}`, (route) => (blocked ? route.abort() : route.continue()));
    await openShop(page, shop.url);
    await page.getByRole('button', { name: 'Zelf kiezen' }).click();
    await expect.poll(errorCodes).toEqual(['SETTINGS_UNAVAILABLE']);
    await page.getByRole('button', { name: 'Zelf kiezen' }).click();
    await page.waitForTimeout(300);
    expect(await errorCodes()).toEqual(['SETTINGS_UNAVAILABLE']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('akkoord: settings dialog not loaded (SETTINGS_UNAVAILABLE)');
    expect(warnings[0]).toContain(`${shop.url}${SETTINGS_PATH}`);
    expect(await settingsDialog(page).count()).toBe(0);
    expect(await banner(page).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Alles accepteren' }).click();
    await expect.poll(() => banner(page).count()).toBe(0);
    const status = await page.evaluate(() => window.akkoord!.ready());
    expect(status).toMatchObject({
      pending: 0,
      error: null,
      consent: { analytics: true, ads: true },
    });
    const visitorId = (await choiceCookie(context))!.visitorId;
    expect((await serverConsents(shop.url, visitorId, shop.demo.publicKey)).state).toMatchObject({
      analytics: 'granted',
      ads: 'granted',
    });

    blocked = false;
    await reopenButton(page).click();
    await page.getByRole('button', { name: 'Zelf kiezen' }).click();
    await expect.poll(() => settingsDialog(page).isVisible()).toBe(true);
  });

  it("loads under a site policy that allows scripts by nonce only, taking widget.js's nonce", async () => {
    const html = `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Strict shop</title>
<script nonce="n0nce-1" src="/widget.js?key=${encodeURIComponent(shop.demo.publicKey)}" async></script></head>
<body><h1>Strict shop</h1></body></html>`;
    await page.route(`${shop.url}/strict`, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: html,
        headers: {
          'content-security-policy':
            "script-src 'nonce-n0nce-1'; object-src 'none'; base-uri 'none'",
        },
      }),
    );
    const violations: string[] = [];
    page.on('console', (message) => message.type() === 'error' && violations.push(message.text()));
    await openShop(page, `${shop.url}/strict`);
    await page.getByRole('button', { name: 'Zelf kiezen' }).click();
    await expect.poll(() => settingsDialog(page).isVisible()).toBe(true);
    expect(await errorCodes()).toEqual([]);
    expect(violations.filter((v) => v.includes('Content Security Policy'))).toEqual([]);
  });
});
