// Accessibility of the banner and its dialog in Chromium (WCAG 2.2 AA): axe-core
// finds nothing in either language, and keyboard focus behaves as a modal dialog should.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import {
  banner,
  focusCoverage,
  openLongPage,
  openShop,
  settingsDialog,
} from '../helpers/banner-page.js';
import { launchChromium, skipBrowserTests } from '../helpers/chromium.js';
import { serveDemoShop } from '../helpers/server.js';
import { ensureWidgetBuilt } from '../helpers/widget-build.js';

const activeText = (page: Page) =>
  page.evaluate(() => {
    const active = document.querySelector('akkoord-consent')?.shadowRoot?.activeElement;
    return active?.getAttribute('aria-label') ?? active?.textContent ?? null;
  });

describe.skipIf(skipBrowserTests)('banner accessibility in Chromium', () => {
  let shop: Awaited<ReturnType<typeof serveDemoShop>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    await ensureWidgetBuilt();
    browser = await launchChromium();
    shop = await serveDemoShop();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
  });
  afterEach(async () => context?.close());

  for (const [lang, choose] of [
    ['nl', 'Zelf kiezen'],
    ['en', 'Choose'],
  ] as const) {
    it(`axe-core finds no violations on the first layer (${lang})`, async () => {
      await openShop(page, `${shop.url}/?lang=${lang}`);
      await expect.poll(() => banner(page).isVisible()).toBe(true);
      expect(await page.locator('akkoord-consent .ak').getAttribute('lang')).toBe(lang);
      expect(await axeViolations(page)).toEqual([]);
    });

    it(`axe-core finds no violations in the settings dialog (${lang})`, async () => {
      await openShop(page, `${shop.url}/?lang=${lang}`);
      await page.getByRole('button', { name: choose }).click();
      await expect.poll(() => settingsDialog(page).isVisible()).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
    });
  }

  it('axe-core finds no violations on the floating re-open button', async () => {
    await openShop(page, shop.url);
    await page.getByRole('button', { name: 'Alles weigeren' }).click();
    await expect.poll(() => page.locator('akkoord-consent .reopen').isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('A11Y-02: the dialog is a labelled modal that keeps Tab inside it', async () => {
    await openShop(page, shop.url);
    await page.getByRole('button', { name: 'Zelf kiezen' }).click();
    const dialog = page.getByRole('dialog', { name: 'Kies waarvoor je toestemming geeft' });
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    // Two switches, Save, Close and "manage my data": Tab from the last wraps to the first,
    // Shift+Tab back.
    const seen: Array<string | null> = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      seen.push(await activeText(page));
    }
    expect(seen.slice(2, 5)).toEqual([
      'Keuze opslaan',
      'Sluiten zonder op te slaan',
      'Mijn gegevens beheren',
    ]);
    expect(seen[5]).toBe(seen[0]);
    await page.keyboard.press('Shift+Tab');
    expect(await activeText(page)).toBe('Mijn gegevens beheren');
  });

  it('A11Y-01: while the first layer is open, Tab never leaves it for the page it covers', async () => {
    await openShop(page, shop.url);
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('AKKOORD-CONSENT');
    }
  });

  for (const [viewport, appShell] of [
    [{ width: 1280, height: 720 }, false],
    [{ width: 375, height: 667 }, false],
    [{ width: 375, height: 667 }, true],
  ] as const) {
    it(`A11Y-01: after a click into the page, nothing focused by Tab is hidden behind the open banner (${viewport.width} px${appShell ? ', app shell' : ''})`, async () => {
      await page.setViewportSize(viewport);
      await openLongPage(page, shop.url, shop.demo.publicKey, { appShell });
      await expect.poll(() => banner(page).isVisible()).toBe(true);
      // GDPR-08: no cookie wall, so a person may click into the page while the banner is open.
      await page.getByRole('heading', { name: 'A long page' }).click();
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BODY');

      const seen: string[] = [];
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const focus = await focusCoverage(page);
        // Past the footer, focus enters the banner at the end of the page, where its trap holds it.
        if (focus.inBanner) break;
        seen.push(focus.label);
        expect(focus.covered, focus.label).toBe(false);
        expect(focus.hitsElement, focus.label).toBe(true);
      }
      // Every link and button of the page, down to the last one under the banner's spot.
      expect(seen).toHaveLength(24 * 2 + 3);
      expect(seen.at(-1)).toBe('A Footer three');
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('AKKOORD-CONSENT');

      // After the choice the page is as it was: no reserved room, the site's own scroll padding.
      await page.getByRole('button', { name: 'Alles weigeren' }).click();
      await expect.poll(() => banner(page).count()).toBe(0);
      expect(
        await page.evaluate(() => [
          document.documentElement.style.scrollPaddingBottom,
          document.querySelector('akkoord-consent')?.getAttribute('style') ?? '',
        ]),
      ).toEqual(['', '']);
    });
  }

  it('A11Y-01: the room reserved for the banner follows its height when the window narrows', async () => {
    await openLongPage(page, shop.url, shop.demo.publicKey);
    const reserved = () =>
      page.evaluate(() => [
        document.documentElement.style.scrollPaddingBottom,
        `${document.querySelector('akkoord-consent')!.shadowRoot!.querySelector<HTMLElement>('.banner')!.offsetHeight}px`,
      ]);
    await expect.poll(async () => new Set(await reserved()).size).toBe(1);
    const wide = (await reserved())[0];
    await page.setViewportSize({ width: 320, height: 640 });
    await expect.poll(async () => new Set(await reserved()).size).toBe(1);
    // The banner's height changes with the width (on a phone the text folds to two lines behind
    // "more", so it can even be lower): what matters is that the reserved room moved with it.
    expect(parseFloat((await reserved())[0])).not.toBe(parseFloat(wide));
  });

  it('a banner shown before the page is parsed shifts nothing: the room for it is made at the end of the page (CLS 0)', async () => {
    // A blocking script in <head> runs before <body> exists: the host first lands outside it.
    await page.addInitScript(() => {
      const w = window as unknown as { __shift: number };
      w.__shift = 0;
      new PerformanceObserver((list) =>
        list.getEntries().forEach((e) => (w.__shift += (e as unknown as { value: number }).value)),
      ).observe({ type: 'layout-shift', buffered: true });
    });
    const sections = Array.from(
      { length: 12 },
      (_, i) =>
        `<section><h2>Part ${i + 1}</h2><p>${'Text of the shop. '.repeat(30)}</p></section>`,
    ).join('');
    const html = `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Early</title>
<script src="/widget.js?key=${encodeURIComponent(shop.demo.publicKey)}"></script></head><body><main>${sections}</main></body></html>`;
    await page.route(`${shop.url}/early`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
    await openShop(page, `${shop.url}/early`);
    await page.waitForLoadState('load');
    await page.waitForTimeout(200);
    const after = await page.evaluate(() => {
      const host = document.querySelector('akkoord-consent') as HTMLElement;
      const panel = host.shadowRoot!.querySelector('.banner') as HTMLElement;
      return {
        lastInBody: document.body.lastElementChild === host,
        spacer: host.getBoundingClientRect().height,
        banner: panel.getBoundingClientRect().height,
        focusInBanner: host.shadowRoot!.activeElement !== null,
        shift: (window as unknown as { __shift: number }).__shift,
      };
    });
    expect(after.lastInBody).toBe(true);
    expect(after.spacer).toBeCloseTo(after.banner, 0);
    expect(after.focusInBanner).toBe(true);
    expect(after.shift).toBe(0);
  });

  it('A11Y-02: after a choice made with the floating button, focus returns to it', async () => {
    await openShop(page, shop.url);
    await page.getByRole('button', { name: 'Alles weigeren' }).click();
    await page.getByRole('button', { name: 'Cookie-instellingen' }).first().waitFor();
    await page.locator('akkoord-consent .reopen').click();
    await expect.poll(() => banner(page).isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => banner(page).count()).toBe(0);
    expect(await activeText(page)).toBe('Cookie-instellingen');
  });

  it('A11Y-07: the floating button is at least 24 by 24 px and named by its visible label, which the banner text names', async () => {
    await openShop(page, shop.url);
    expect(await banner(page).textContent()).toContain(
      'met de knop Cookie-instellingen linksonder',
    );
    await page.getByRole('button', { name: 'Alles weigeren' }).click();
    const box = await page.locator('akkoord-consent .reopen').boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(24);
    expect(box!.height).toBeGreaterThanOrEqual(24);
    expect(await page.locator('akkoord-consent .reopen').innerText()).toBe('Cookie-instellingen');
    expect(
      await page
        .locator('akkoord-consent')
        .getByRole('button', { name: 'Cookie-instellingen', exact: true })
        .count(),
    ).toBe(1);
    // At the bottom left, as the text says.
    const viewport = page.viewportSize()!;
    expect(box!.x).toBeLessThan(viewport.width / 2);
    expect(box!.y).toBeGreaterThan(viewport.height / 2);
  });
});
