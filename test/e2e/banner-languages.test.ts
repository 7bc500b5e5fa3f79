// The banner speaks the tenant's languages: a German configuration shows German buttons, from
// the same table as Dutch, English and French.
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bannerTable } from '../../shared/i18n/banner.js';
import { banner, openShop } from '../helpers/banner-page.js';
import { useBannerBrowser } from '../helpers/banner-browser.js';
import { skipBrowserTests } from '../helpers/chromium.js';
import { germanConfig } from '../helpers/german-config.js';
import { serveDemoShop } from '../helpers/server.js';

describe.skipIf(skipBrowserTests)("the banner's language", () => {
  let shop: Awaited<ReturnType<typeof serveDemoShop>>;
  let context: BrowserContext;
  let page: Page;
  const browser = useBannerBrowser();

  beforeEach(async () => {
    shop = await serveDemoShop();
    context = await browser().newContext({ locale: 'nl-NL' });
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
    await shop?.close();
  });

  const publish = async (config: unknown) => {
    const response = await fetch(`${shop.url}/v1/config`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${shop.demo.secretKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(config),
    });
    expect(response.status, await response.clone().text()).toBe(201);
  };

  it('a German configuration shows German buttons and text, also on a Dutch page in a Dutch browser', async () => {
    await publish(germanConfig(shop.url));
    await openShop(page, shop.url);
    for (const key of ['acceptAll', 'rejectAll', 'choose'] as const) {
      await expect
        .poll(() => page.getByRole('button', { name: bannerTable[key].de, exact: true }).count())
        .toBe(1);
    }
    expect(await banner(page).locator('h2').textContent()).toBe(bannerTable.title.de);
    expect(await banner(page).locator('#ak-intro').textContent()).toContain(
      'Statistik und Werbung',
    );
    expect(await banner(page).getAttribute('lang')).toBeNull();
    expect(await page.locator('akkoord-consent .ak').getAttribute('lang')).toBe('de');
  });

  it('a French page of a Dutch/French tenant shows French buttons', async () => {
    const german = germanConfig(shop.url);
    await publish({
      ...german,
      defaultLocale: 'nl',
      locales: ['nl', 'fr'],
      privacyNoticeUrl: { nl: `${shop.url}/demo/privacy`, fr: `${shop.url}/demo/privacy` },
      purposes: german.purposes.map((p) => ({
        ...p,
        text: {
          nl: { name: `${p.key} nl`, description: 'nl', interest: 'nl' },
          fr: { name: `${p.key} fr`, description: 'fr', interest: 'fr' },
        },
      })),
    });
    await page.route(`${shop.url}/fr`, async (route) => {
      const html = (await (await fetch(shop.url)).text()).replace(
        '<html lang="nl">',
        '<html lang="fr">',
      );
      await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    });
    await openShop(page, `${shop.url}/fr`);
    await expect
      .poll(() => page.getByRole('button', { name: bannerTable.acceptAll.fr, exact: true }).count())
      .toBe(1);
  });
});
