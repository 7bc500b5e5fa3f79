// The banner embedded on a site of another origin, as a shop does after trying the demo: without
// the origin in the tenant's list the page's console says why and `akkoord:error` fires; once
// the origin is added through the API, the queued choice is recorded without a reload.
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { choiceCookie, openShop, serverConsents } from '../helpers/banner-page.js';
import { useBannerBrowser } from '../helpers/banner-browser.js';
import { skipBrowserTests } from '../helpers/chromium.js';
import { serveOtherOrigin, type OtherOrigin } from '../helpers/other-origin.js';
import { allowShopOrigins, serveDemoShop } from '../helpers/server.js';

describe.skipIf(skipBrowserTests)('the banner on another origin', () => {
  let shop: Awaited<ReturnType<typeof serveDemoShop>>;
  let site: OtherOrigin;
  let context: BrowserContext;
  let page: Page;
  let warnings: string[];
  const browser = useBannerBrowser();

  beforeEach(async () => {
    shop = await serveDemoShop();
    site = await serveOtherOrigin(
      () => `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Shop</title>
<script>window.__errors = []; addEventListener('akkoord:error', (e) => __errors.push(e.detail));</script>
<script src="${shop.url}/widget.js?key=${shop.demo.publicKey}" async></script></head><body><h1>Shop</h1></body></html>`,
    );
    context = await browser().newContext();
    page = await context.newPage();
    warnings = [];
    page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
  });
  afterEach(async () => {
    await context?.close();
    await site?.close();
    await shop?.close();
  });

  const status = () => page.evaluate(() => window.akkoord!.ready());

  it('GDPR-04: warns once and fires akkoord:error; records once the origin is added through the API', async () => {
    await openShop(page, site.url);
    await page.getByRole('button', { name: 'Alles accepteren' }).click();

    await expect.poll(async () => (await status()).error?.code).toBe('ORIGIN_NOT_ALLOWED');
    expect((await status()).pending).toBe(1);
    expect(
      await page.evaluate(() =>
        (window as unknown as { __errors: Array<{ code: string }> }).__errors.map((e) => e.code),
      ),
    ).toEqual(['ORIGIN_NOT_ALLOWED']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      `akkoord tenant origins add ${site.url} --tenant ${shop.demo.tenantId}`,
    );

    const put = await allowShopOrigins(shop, [shop.url, site.url]);
    expect(put.status).toBe(200);

    // The queued choice goes out again with backoff (2 s first), on the same page.
    await expect.poll(async () => (await status()).pending, { timeout: 15_000 }).toBe(0);
    const after = await status();
    expect(after.error).toBeNull();
    expect(after.receipt).toMatch(/^ey/);
    const visitorId = (await choiceCookie(context))!.visitorId;
    expect((await serverConsents(shop.url, visitorId, shop.demo.publicKey)).state).toMatchObject({
      analytics: 'granted',
      ads: 'granted',
    });
    expect(warnings).toHaveLength(1);
  });

  it('the demo opened at localhost records too', async () => {
    const port = new URL(shop.url).port;
    await openShop(page, `http://localhost:${port}/`);
    await page.getByRole('button', { name: 'Alles accepteren' }).click();
    await expect.poll(async () => (await status()).receipt).toMatch(/^ey/);
    expect(warnings).toEqual([]);
  });
});
