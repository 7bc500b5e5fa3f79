// The banner's look from the configuration in Chromium: colours (held to WCAG AA by the lint,
// checked here by axe), logo, position, the tenant's own title and intro, a compact first layer
// on a phone, the floating button's label, and the optional reload after a withdrawal.
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoConfig } from '../../server/services/config/demo.js';
import type { TenantConfig } from '../../shared/schemas/config.js';
import { axeViolations } from '../helpers/axe.js';
import { banner, openShop, reopenButton } from '../helpers/banner-page.js';
import { useBannerBrowser } from '../helpers/banner-browser.js';
import { skipBrowserTests } from '../helpers/chromium.js';
import { serveDemoShop } from '../helpers/server.js';

const LOGO = 'https://shop.example/logo.svg';
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32"><rect width="120" height="32" fill="#b45309"/></svg>';

describe.skipIf(skipBrowserTests)('the themed banner', () => {
  let shop: Awaited<ReturnType<typeof serveDemoShop>>;
  let context: BrowserContext;
  let page: Page;
  const browser = useBannerBrowser();

  beforeEach(async () => {
    shop = await serveDemoShop();
  });
  afterEach(async () => {
    await context?.close();
    await shop?.close();
  });

  const publish = async (extra: Partial<TenantConfig>) => {
    const response = await fetch(`${shop.url}/v1/config`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${shop.demo.secretKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ ...demoConfig(shop.url), ...extra }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
  };
  const open = async (viewport = { width: 1280, height: 720 }) => {
    context = await browser().newContext({ viewport });
    page = await context.newPage();
    await page.route(LOGO, (route) =>
      route.fulfill({ status: 200, contentType: 'image/svg+xml', body: LOGO_SVG }),
    );
    await openShop(page, shop.url);
    await expect.poll(() => banner(page).isVisible()).toBe(true);
  };

  it('A11Y-05: colours, logo, corner position and own texts apply, and axe finds no contrast problem', async () => {
    await publish({
      theme: {
        colors: {
          background: '#1f2937',
          text: '#f9fafb',
          buttonBackground: '#fbbf24',
          buttonText: '#111827',
          link: '#93c5fd',
        },
        logoUrl: LOGO,
        position: 'corner',
        text: {
          nl: {
            title: 'Koekjes bij Demowinkel',
            intro: 'Wij van {controller} vragen je toestemming voor: {purposes}.',
          },
        },
      },
    });
    await open();
    const look = await banner(page).evaluate((panel) => {
      const button = panel.querySelector('button')!;
      const rect = panel.getBoundingClientRect();
      return {
        bg: getComputedStyle(panel).backgroundColor,
        button: getComputedStyle(button).backgroundColor,
        right: innerWidth - rect.right,
        width: rect.width,
      };
    });
    expect(look).toMatchObject({ bg: 'rgb(31, 41, 55)', button: 'rgb(251, 191, 36)' });
    expect(look.right).toBeLessThan(20);
    expect(look.width).toBeLessThanOrEqual(26 * 16);
    expect(await banner(page).locator('h2').textContent()).toBe('Koekjes bij Demowinkel');
    expect(await banner(page).locator('#ak-intro').textContent()).toBe(
      'Wij van Demowinkel BV vragen je toestemming voor: Statistieken en Advertenties.',
    );
    expect(await banner(page).locator('img.logo').getAttribute('alt')).toBe('Demowinkel BV');
    expect(
      await banner(page)
        .locator('img.logo')
        .evaluate((img) => (img as HTMLImageElement).naturalWidth),
    ).toBe(120);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('a centred box', async () => {
    await publish({ theme: { position: 'box' } });
    await open();
    const rect = await banner(page).boundingBox();
    expect(Math.abs(rect!.x + rect!.width / 2 - 640)).toBeLessThan(2);
    expect(Math.abs(rect!.y + rect!.height / 2 - 360)).toBeLessThan(2);
  });

  it('on a 375 × 667 phone the first layer stays compact: two lines of text behind "more", unbroken buttons', async () => {
    await open({ width: 375, height: 667 });
    const rect = await banner(page).boundingBox();
    expect(rect!.height / 667).toBeLessThan(0.45);
    const buttons = banner(page).locator('.actions button');
    for (const name of ['Alles accepteren', 'Alles weigeren', 'Zelf kiezen']) {
      const box = await buttons.filter({ hasText: name }).boundingBox();
      expect(box!.height, name).toBeLessThanOrEqual(48);
    }
    const fold = banner(page).locator('.fold');
    const folded = (await fold.boundingBox())!.height;
    expect(folded).toBeLessThan(3 * 24);
    await banner(page).locator('.more').click();
    expect((await fold.boundingBox())!.height).toBeGreaterThan(folded * 2);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('still reflows at 320 px', async () => {
    await open({ width: 320, height: 568 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(320);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('an icon-only floating button when the theme asks, and the text describes it', async () => {
    await publish({ theme: { floatingLabel: false } });
    await open();
    expect(await banner(page).textContent()).toContain('met de ronde cookieknop linksonder');
    await page.getByRole('button', { name: 'Alles weigeren' }).click();
    expect(await reopenButton(page).innerText()).toBe('');
    expect(await reopenButton(page).getAttribute('aria-label')).toBe('Cookie-instellingen');
  });

  it('reloads the page after a withdrawal when the tenant asks, so scripts that ran stop', async () => {
    await publish({ reloadOnWithdrawal: true });
    await open();
    await page.getByRole('button', { name: 'Alles accepteren' }).click();
    await expect
      .poll(() =>
        page.evaluate(() => (window as unknown as { __analyticsRan?: number }).__analyticsRan),
      )
      .toBe(1);
    const reloaded = page.waitForEvent('load');
    await page.evaluate(() => window.akkoord!.set({ analytics: false }));
    await reloaded;
    await page.waitForFunction(() => window.akkoord !== undefined);
    expect(
      await page.evaluate(() => (window as unknown as { __analyticsRan?: number }).__analyticsRan),
    ).toBeUndefined();
  });

  it('does not reload by default', async () => {
    await open();
    await page.getByRole('button', { name: 'Alles accepteren' }).click();
    await page.evaluate(() => ((window as unknown as { __marker: boolean }).__marker = true));
    await page.evaluate(() => window.akkoord!.set({ analytics: false }));
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { __marker?: boolean }).__marker)).toBe(
      true,
    );
  });
});
