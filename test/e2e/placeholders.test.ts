// Placeholders for gated content in Chromium: before consent a gated iframe (and an element marked
// data-consent-placeholder) shows the purpose, why, and a button that grants that one purpose;
// the choice is recorded like any other (source "placeholder") and the iframe loads.
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bannerTable } from '../../shared/i18n/banner.js';
import { axeViolations } from '../helpers/axe.js';
import { banner, choiceCookie, openShop, serverConsents } from '../helpers/banner-page.js';
import { useBannerBrowser } from '../helpers/banner-browser.js';
import { skipBrowserTests } from '../helpers/chromium.js';
import { serveDemoShop } from '../helpers/server.js';

describe.skipIf(skipBrowserTests)('placeholders for gated content', () => {
  let shop: Awaited<ReturnType<typeof serveDemoShop>>;
  let context: BrowserContext;
  let page: Page;
  const browser = useBannerBrowser();

  beforeEach(async () => {
    shop = await serveDemoShop();
    context = await browser().newContext();
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
    await shop?.close();
  });

  const placeholder = () => page.locator('akkoord-placeholder');
  const allowAds = () => page.getByRole('button', { name: 'Advertenties toestaan' });

  it("GDPR-04: the iframe's placeholder names the purpose and why; its button grants that purpose alone, recorded, and the video loads", async () => {
    await openShop(page, shop.url);
    const loaded = page.evaluate(
      () =>
        new Promise<boolean>((resolve) =>
          addEventListener(
            'message',
            (e) => e.data === 'akkoord-demo-video-loaded' && resolve(true),
          ),
        ),
    );
    await expect.poll(() => placeholder().count()).toBe(1);
    expect(await page.locator('iframe[data-consent]').isHidden()).toBe(true);
    const text = await placeholder().locator('p').textContent();
    expect(text).toContain('Advertenties');
    expect(text).toContain('afgestemd op je interesses');
    // A named group (the iframe's title) around the text and the button.
    expect(await placeholder().locator('[role=group]').getAttribute('aria-label')).toContain(
      'Productvideo',
    );
    expect(await axeViolations(page, 'akkoord-placeholder')).toEqual([]);

    await allowAds().click();
    expect(await loaded).toBe(true);
    await expect.poll(() => placeholder().count()).toBe(0);
    expect(await page.locator('iframe[data-consent]').isVisible()).toBe(true);
    // A choice like any other: the banner closes; only Advertising is granted.
    await expect.poll(() => banner(page).count()).toBe(0);
    const cookie = await choiceCookie(context);
    expect(cookie?.decisions).toEqual({ analytics: false, ads: true });
    await expect
      .poll(async () => (await page.evaluate(() => window.akkoord!.ready())).pending)
      .toBe(0);
    const server = await serverConsents(shop.url, cookie!.visitorId, shop.demo.publicKey);
    expect(server.state).toMatchObject({ ads: 'granted', analytics: 'denied' });
    expect(server.history.find((h) => h.purpose === 'ads')).toMatchObject({
      source: 'placeholder',
    });
  });

  it('is reached and used by keyboard; focus lands on the content it unlocked', async () => {
    await openShop(page, shop.url);
    await expect.poll(() => placeholder().count()).toBe(1);
    await allowAds().focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('IFRAME');
  });

  it('an element marked data-consent-placeholder shows one until its purpose is granted', async () => {
    await openShop(page, shop.url);
    await page.evaluate(() => {
      const map = document.createElement('div');
      map.id = 'map';
      map.setAttribute('data-consent-placeholder', 'analytics');
      document.querySelector('main')!.append(map);
    });
    const inMap = page.locator('#map akkoord-placeholder');
    await expect.poll(() => inMap.count()).toBe(1);
    await page.getByRole('button', { name: 'Statistieken toestaan' }).click();
    await expect.poll(() => inMap.count()).toBe(0);
    expect((await choiceCookie(context))?.decisions).toEqual({ analytics: true, ads: false });
  });

  it('the banner and every placeholder share one stylesheet, parsed once, not a copy per shadow root', async () => {
    await openShop(page, shop.url);
    await page.evaluate(() => {
      const map = document.createElement('div');
      map.setAttribute('data-consent-placeholder', 'analytics');
      document.querySelector('main')!.append(map);
    });
    await expect.poll(() => placeholder().count()).toBe(2);
    const styling = await page.evaluate(() => {
      const roots = [...document.querySelectorAll('akkoord-consent, akkoord-placeholder')].map(
        (host) => host.shadowRoot!,
      );
      const first = roots[0].adoptedStyleSheets[0];
      return {
        roots: roots.length,
        shared: roots.every(
          (root) => root.adoptedStyleSheets.length === 1 && root.adoptedStyleSheets[0] === first,
        ),
        copies: roots.reduce((sum, root) => sum + root.querySelectorAll('style').length, 0),
        // The placeholder's own rules come with it: a block with the box's border.
        placeholder: getComputedStyle(document.querySelector('akkoord-placeholder')!).display,
        box: getComputedStyle(
          document.querySelector('akkoord-placeholder')!.shadowRoot!.querySelector('.ph')!,
        ).borderTopStyle,
      };
    });
    expect(styling).toEqual({
      roots: 3,
      shared: true,
      copies: 0,
      placeholder: 'block',
      box: 'solid',
    });
  });

  it("follows the banner's language and goes away after Accept all", async () => {
    await openShop(page, `${shop.url}/?lang=en`);
    await expect
      .poll(() =>
        page
          .getByRole('button', {
            name: bannerTable.placeholderButton.en.replace('{purpose}', 'Advertising'),
          })
          .count(),
      )
      .toBe(1);
    await page.getByRole('button', { name: bannerTable.acceptAll.en }).click();
    await expect.poll(() => placeholder().count()).toBe(0);
  });
});
