// The demo shop at / that `npm start` shows on an empty database: the banner on a
// page with a gated analytics script (inline and external) and a gated video iframe, all local,
// so a newcomer sees the whole flow working. Served only while a demo tenant exists.

import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { findDemoTenant } from '../services/config/demo.js';
import { FAVICON_LINK } from './favicon.js';

const page = (description: string) => ({ 200: { description, contentType: 'text/html' } });

const HTML = 'text/html; charset=utf-8';

export function demoRoutes(ctx: AppContext) {
  let publicKey: string | null | undefined;
  const demoKey = async () => (publicKey ??= (await findDemoTenant(ctx))?.publicKey ?? null);

  return new Hono()
    .get(
      '/',
      describe({
        tag: 'Demo',
        auth: 'none',
        summary: 'The demo shop page (only with a demo tenant)',
        responses: { ...page('HTML page'), 404: 'no demo tenant' },
      }),
      async (c) => {
        const key = await demoKey();
        if (!key) return c.notFound();
        const lang = c.req.query('lang') === 'en' ? 'en' : 'nl';
        return c.body(shopPage(key, lang), 200, {
          'content-type': HTML,
          'cache-control': 'no-store',
        });
      },
    )
    .get(
      '/demo/analytics.js',
      describe({
        tag: 'Demo',
        auth: 'none',
        summary: "The demo shop's gated analytics script",
        responses: { 200: { description: 'A script', contentType: 'text/javascript' } },
      }),
      async (c) => {
        // Slower than the inline scripts around it, so the page shows that order is kept anyway.
        await new Promise((resolve) => setTimeout(resolve, 150));
        return c.body(ANALYTICS_JS, 200, {
          'content-type': 'text/javascript; charset=utf-8',
          'cache-control': 'no-store',
        });
      },
    )
    .get(
      '/demo/video',
      describe({
        tag: 'Demo',
        auth: 'none',
        summary: "The demo shop's gated video frame",
        responses: page('HTML page'),
      }),
      (c) => c.body(VIDEO_PAGE, 200, { 'content-type': HTML }),
    )
    .get(
      '/demo/privacy',
      describe({
        tag: 'Demo',
        auth: 'none',
        summary: "The demo shop's privacy notice",
        responses: page('HTML page'),
      }),
      (c) => c.body(PRIVACY_PAGE, 200, { 'content-type': HTML }),
    );
}

const ANALYTICS_JS = `(window.__gatedOrder = window.__gatedOrder || []).push('external-analytics');
window.__externalAnalyticsRuns = (window.__externalAnalyticsRuns || 0) + 1;
document.getElementById('analytics-status').textContent = 'Statistieken: actief';
`;

function shopPage(publicKey: string, lang: 'nl' | 'en'): string {
  const t =
    lang === 'nl'
      ? {
          title: 'Demowinkel',
          intro: 'Een voorbeeldwinkel met de Akkoord-banner.',
          video: 'Productvideo (laadt pas na toestemming voor Advertenties)',
          settings: 'Cookie-instellingen',
          other: 'English',
          otherHref: '/?lang=en',
          off: 'Statistieken: uit',
          buy: 'In winkelmand',
        }
      : {
          title: 'Demo shop',
          intro: 'An example shop with the Akkoord banner.',
          video: 'Product video (loads only with consent for Advertising)',
          settings: 'Cookie settings',
          other: 'Nederlands',
          otherHref: '/?lang=nl',
          off: 'Analytics: off',
          buy: 'Add to basket',
        };
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.title}</title>
${FAVICON_LINK}
<script src="/widget.js?key=${encodeURIComponent(publicKey)}" async></script>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a}
header,main,footer{max-width:48rem;margin:0 auto;padding:1rem}
.products{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:1rem}
.product{border:1px solid #767676;border-radius:8px;padding:1rem}
iframe{width:100%;aspect-ratio:16/9;border:1px solid #767676}
button{font:inherit;min-height:44px}
</style>
</head>
<body>
<header><h1>${t.title}</h1><p>${t.intro} <a href="${t.otherHref}">${t.other}</a></p></header>
<main>
<section class="products" aria-label="${t.title}">
<article class="product"><h2>Koffiebeker</h2><p>€ 12,50</p><button type="button">${t.buy}</button></article>
<article class="product"><h2>Theepot</h2><p>€ 29,95</p><button type="button">${t.buy}</button></article>
<article class="product"><h2>Schort</h2><p>€ 19,00</p><button type="button">${t.buy}</button></article>
</section>
<h2>${t.video}</h2>
<iframe data-consent="ads" data-src="/demo/video" title="${t.video}"></iframe>
<p id="analytics-status">${t.off}</p>
</main>
<footer><button type="button" id="cookie-settings">${t.settings}</button></footer>
<script>
document.getElementById('cookie-settings').addEventListener('click', function () { window.akkoord && window.akkoord.show(); });
</script>
<script type="text/plain" data-consent="analytics">
(window.__gatedOrder = window.__gatedOrder || []).push('inline-analytics');
window.__analyticsRan = (window.__analyticsRan || 0) + 1;
</script>
<script type="text/plain" data-consent="analytics" src="/demo/analytics.js"></script>
<script type="text/plain" data-consent="analytics">
(window.__gatedOrder = window.__gatedOrder || []).push('inline-after-external');
</script>
<script type="text/plain" data-consent="ads">
(window.__gatedOrder = window.__gatedOrder || []).push('ads');
</script>
</body>
</html>
`;
}

const VIDEO_PAGE = `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Video</title></head>
<body style="margin:0;display:grid;place-items:center;height:100vh;background:#111;color:#fff;font:16px system-ui">
<p id="video">▶ Demovideo</p><script>parent.postMessage('akkoord-demo-video-loaded', '*');</script></body></html>`;

const PRIVACY_PAGE = `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Privacyverklaring</title></head>
<body style="font:16px/1.5 system-ui;max-width:40rem;margin:2rem auto;padding:0 1rem"><h1>Privacyverklaring Demowinkel BV</h1>
<p>Dit is een voorbeeld. Demowinkel BV vraagt toestemming voor statistieken en advertenties en bewaart je keuze als bewijs.</p></body></html>`;
