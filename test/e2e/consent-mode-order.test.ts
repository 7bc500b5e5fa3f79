// Consent Mode with an async banner (GCM-01): the inline stub puts the all-denied default in the
// dataLayer before the Google tag's `config` (gtag.js, advanced mode: loaded ungated) and before
// Tag Manager's `gtm.js`, where the async widget alone arrives too late. The fake tag library
// records the commands in the order a real one would process them.
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONSENT_MODE_STUB,
  CONSENT_MODE_STUB_CSP_HASH,
} from '../../widget/integrations/consent-mode-stub.js';
import { openShop } from '../helpers/banner-page.js';
import { useBannerBrowser } from '../helpers/banner-browser.js';
import { skipBrowserTests } from '../helpers/chromium.js';
import { serveOtherOrigin, type OtherOrigin } from '../helpers/other-origin.js';
import { allowShopOrigins, serveDemoShop } from '../helpers/server.js';

/** A gtag.js / gtm.js stand-in: reads the queue and every later push, as the real library does. */
const TAG_LIBRARY = `(function () {
  var saw = window.__tagSaw = [];
  function take(e) {
    if (e && typeof e === 'object' && 'length' in e) saw.push(e[0] === 'consent' ? 'consent ' + e[1] : String(e[0]));
    else saw.push(e && e.event ? 'event ' + e.event : '?');
  }
  var dl = window.dataLayer = window.dataLayer || [];
  dl.forEach(take);
  var push = dl.push;
  dl.push = function () { for (var i = 0; i < arguments.length; i++) take(arguments[i]); return push.apply(dl, arguments); };
})();`;

/** Google's gtag snippet, in a file so that the CSP test page needs no other inline script. */
const GTAG_SNIPPET =
  "window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date()); gtag('config', 'G-TEST');";

const GTM_SNIPPET =
  "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;j.src='/gtm.js?id='+i;f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer','GTM-TEST');";

describe.skipIf(skipBrowserTests)('Consent Mode order with an async banner', () => {
  let shop: Awaited<ReturnType<typeof serveDemoShop>>;
  let site: OtherOrigin;
  let context: BrowserContext;
  let page: Page;
  const browser = useBannerBrowser();

  beforeEach(async () => {
    shop = await serveDemoShop();
    const widget = `<script src="${shop.url}/widget.js?key=${shop.demo.publicKey}" async></script>`;
    site = await serveOtherOrigin((url, path) => {
      if (path === '/gtag.js' || path === '/gtm.js') return TAG_LIBRARY;
      if (path === '/gtag-snippet.js') return GTAG_SNIPPET;
      const head = (stub: string, tags: string) =>
        `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Shop</title>${stub}${tags}${widget}</head><body><h1>Shop</h1></body></html>`;
      const inlineStub = `<script>${CONSENT_MODE_STUB}</script>`;
      const gtag = '<script async src="/gtag.js"></script><script src="/gtag-snippet.js"></script>';
      if (path === '/gtag') {
        // The strictest policy a shop may have: only the stub's hash is allowed inline.
        return {
          body: head(inlineStub, gtag),
          headers: {
            'content-security-policy': `script-src '${CONSENT_MODE_STUB_CSP_HASH}' ${url} ${shop.url}`,
          },
        };
      }
      if (path === '/gtag-without-stub') return head('', gtag);
      if (path === '/gtm') return head(inlineStub, `<script>${GTM_SNIPPET}</script>`);
      if (path === '/served-stub')
        return head(`<script src="${shop.url}/widget-stub.js"></script>`, gtag);
      return 'not found';
    });
    await allowShopOrigins(shop, [shop.url, site.url]);
    context = await browser().newContext();
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
    await site?.close();
    await shop?.close();
  });

  const tagSaw = async () => {
    await page.waitForFunction(
      () => (window as unknown as { __tagSaw?: string[] }).__tagSaw !== undefined,
    );
    return page.evaluate(() => (window as unknown as { __tagSaw: string[] }).__tagSaw);
  };
  const defaults = () =>
    page.evaluate(
      () =>
        (window as unknown as { dataLayer: ArrayLike<unknown>[] }).dataLayer.filter(
          (e) => e[0] === 'consent' && e[1] === 'default',
        ).length,
    );

  it("GCM-01: gtag.js loaded ungated (advanced mode): the inline stub's default precedes js and config, under a hash-only CSP", async () => {
    const blocked: string[] = [];
    page.on('console', (m) => /Content Security Policy/.test(m.text()) && blocked.push(m.text()));
    await openShop(page, `${site.url}/gtag`);
    const saw = await tagSaw();
    expect(saw[0]).toBe('consent default');
    expect(saw.indexOf('consent default')).toBeLessThan(saw.indexOf('config'));
    // The widget saw the stub's default and sent none of its own.
    expect(await defaults()).toBe(1);
    expect(blocked).toEqual([]);
  });

  it("GCM-01: Tag Manager: the stub's default precedes the gtm.js event", async () => {
    await openShop(page, `${site.url}/gtm`);
    const saw = await tagSaw();
    expect(saw.slice(0, 2)).toEqual(['consent default', 'event gtm.js']);
    expect(await defaults()).toBe(1);
  });

  it('the stub served at /widget-stub.js works the same', async () => {
    await openShop(page, `${site.url}/served-stub`);
    const saw = await tagSaw();
    expect(saw.indexOf('consent default')).toBeLessThan(saw.indexOf('config'));
  });

  it("without the stub the async widget's default comes after config: why the stub exists", async () => {
    await openShop(page, `${site.url}/gtag-without-stub`);
    const order = await page.evaluate(() =>
      (window as unknown as { dataLayer: ArrayLike<unknown>[] }).dataLayer.map((e) =>
        e[0] === 'consent' ? `consent ${String(e[1])}` : String(e[0]),
      ),
    );
    expect(order.indexOf('config')).toBeLessThan(order.indexOf('consent default'));
  });
});
