// A gated inline script must run whole. With the choice already stored, the async widget can
// run while the page is still arriving; the parser then has the script element in the
// document before the rest of its text. Here the site sends its page in two parts, the cut
// inside a gated script, and the widget loads in the pause between them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gatedOrder, openShop } from '../helpers/banner-page.js';
import { useBannerBrowser } from '../helpers/banner-browser.js';
import { skipBrowserTests } from '../helpers/chromium.js';
import { allowShopOrigins, serveDemoShop } from '../helpers/server.js';

const PAUSE_MS = 1500;

describe.skipIf(skipBrowserTests)('a gated script cut in two by the network', () => {
  let shop: Awaited<ReturnType<typeof serveDemoShop>>;
  let site: http.Server;
  let siteUrl: string;
  let context: BrowserContext;
  let page: Page;
  const browser = useBannerBrowser();

  beforeEach(async () => {
    shop = await serveDemoShop();
    const widgetUrl = `${shop.url}/widget.js?key=${shop.demo.publicKey}`;
    site = http.createServer((req, res) => {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.write(
        `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Shop</title>` +
          `<script src="${widgetUrl}" async></script></head><body><h1>Shop</h1>\n` +
          `<script type="text/plain" data-consent="analytics">\n` +
          `(window.__gatedOrder = window.__gatedOrder || []).push('first');\n`,
      );
      setTimeout(() => {
        res.end(
          `window.__firstWhole = true;\n</script>\n` +
            `<script type="text/plain" data-consent="analytics">\n` +
            `(window.__gatedOrder = window.__gatedOrder || []).push('second');\n</script>\n` +
            `</body></html>`,
        );
      }, PAUSE_MS);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    await allowShopOrigins(shop, [shop.url, siteUrl]);
    context = await browser().newContext();
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
    await shop?.close();
  });

  it('runs with all of its text, in document order, when the widget applies a stored choice mid-page', async () => {
    await openShop(page, siteUrl);
    await page.evaluate(() => window.akkoord!.acceptAll());
    await expect.poll(() => gatedOrder(page)).toEqual(['first', 'second']);

    // The next page load: the choice is stored, and the widget applies it as soon as it runs.
    await openShop(page, siteUrl);
    // The widget had loaded before the page's last part arrived, so it ran during the pause.
    const widgetBeforePageEnd = await page.evaluate(() => {
      const widget = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find(
        (e) => e.name.includes('/widget.js'),
      );
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return widget !== undefined && widget.responseEnd < nav.responseEnd;
    });
    expect(widgetBeforePageEnd).toBe(true);
    await expect.poll(() => gatedOrder(page)).toEqual(['first', 'second']);
    expect(await page.evaluate(() => (window as { __firstWhole?: boolean }).__firstWhole)).toBe(
      true,
    );
  });
});
