// Reading the banner and the demo shop from a Playwright page: what ran, what is stored, what
// the server recorded. Playwright's CSS locators pierce the banner's open shadow root.
import type { BrowserContext, Page } from 'playwright-core';
import { parseChoiceCookie, type StoredChoice } from '../../widget/consent/cookie.js';

export const banner = (page: Page) => page.locator('akkoord-consent .banner');
export const settingsDialog = (page: Page) => page.locator('akkoord-consent .dialog');
export const reopenButton = (page: Page) => page.locator('akkoord-consent .reopen');

/** Opens the page and waits for the banner: built (in the task after the script's), and focused once painted. */
export async function openShop(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => {
    const root = document.querySelector('akkoord-consent')?.shadowRoot;
    return (
      window.akkoord !== undefined &&
      !!root &&
      (!root.querySelector('.banner') || root.activeElement !== null)
    );
  });
}

/** The gated scripts that ran, in the order they ran. */
export const gatedOrder = (page: Page) =>
  page.evaluate(() => (window as unknown as { __gatedOrder?: string[] }).__gatedOrder ?? []);

export async function choiceCookie(context: BrowserContext): Promise<StoredChoice | null> {
  const cookie = (await context.cookies()).find((c) => /^akkoord_[0-9a-f]{8}$/.test(c.name));
  return parseChoiceCookie(cookie?.value);
}

/** dataLayer entries as [command, action, state] arrays, with their exact JS type. */
export const consentModeCalls = (page: Page) =>
  page.evaluate(() =>
    ((window as unknown as { dataLayer?: IArguments[] }).dataLayer ?? []).map((entry) => ({
      type: Object.prototype.toString.call(entry),
      args: Array.from(entry) as [string, string, Record<string, string | number>],
    })),
  );

/** What the server holds for a visitor (the visitor may read its own consents). */
export async function serverConsents(baseUrl: string, visitorId: string, publicKey: string) {
  const response = await fetch(`${baseUrl}/v1/consents/${visitorId}?key=${publicKey}`);
  if (!response.ok)
    throw new Error(`GET /v1/consents: ${response.status} ${await response.text()}`);
  return (await response.json()) as {
    state: Record<string, string>;
    history: Array<Record<string, unknown>>;
  };
}

/**
 * Serves a long page with many links and buttons, and the banner, at `${shopUrl}/long-page` for
 * this Playwright page only (same origin as the shop, so the tenant's allowed origins hold).
 * `appShell`: the document never scrolls; <main> is the scroll container, as in many web apps.
 */
export async function openLongPage(
  page: Page,
  shopUrl: string,
  publicKey: string,
  options: { appShell?: boolean } = {},
): Promise<void> {
  const sections = Array.from(
    { length: 24 },
    (_, i) =>
      `<section><h2>Part ${i + 1}</h2><p>${'Some text of the shop that a person reads. '.repeat(6)}</p>` +
      `<p><a href="#part-${i + 1}">Link ${i + 1}</a> <button type="button">Button ${i + 1}</button></p></section>`,
  ).join('\n');
  const footer =
    '<footer><a href="#a">Footer one</a> <a href="#b">Footer two</a> <a href="#c">Footer three</a></footer>';
  const shell =
    '<style>html{overflow:hidden}body{margin:0;height:100vh;overflow:hidden}main{height:100vh;overflow:auto}</style>';
  const html = `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Long page</title>
<meta name="viewport" content="width=device-width, initial-scale=1">${options.appShell ? shell : ''}
<script src="/widget.js?key=${encodeURIComponent(publicKey)}" async></script></head>
<body><main><h1 id="top">A long page</h1>${sections}${options.appShell ? `${footer}<p>${'The end of the page. '.repeat(40)}</p></main>` : `</main>${footer}`}</body></html>`;
  await page.route(`${shopUrl}/long-page`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
  );
  await openShop(page, `${shopUrl}/long-page`);
}

export interface FocusCoverage {
  /** What has focus: tag and text. */
  label: string;
  /** Focus is inside the banner itself. */
  inBanner: boolean;
  /** The focused element's rect lies entirely inside the banner's rect. */
  covered: boolean;
  /** What elementFromPoint finds at the middle of the element's part above the banner. */
  hitsElement: boolean;
}

/** WCAG 2.4.11 (A11Y-01): is the focused page element entirely hidden by the first layer? */
export const focusCoverage = (page: Page) =>
  page.evaluate((): FocusCoverage => {
    const host = document.querySelector('akkoord-consent')!;
    const active = document.activeElement!;
    const label = `${active.tagName} ${active.textContent?.trim().slice(0, 30) ?? ''}`;
    if (active === host) return { label, inBanner: true, covered: false, hitsElement: true };
    const r = active.getBoundingClientRect();
    const b = host.shadowRoot!.querySelector('.banner')!.getBoundingClientRect();
    const covered =
      r.top >= b.top && r.bottom <= b.bottom && r.left >= b.left && r.right <= b.right;
    // The visible part: inside the viewport and above the banner.
    const top = Math.max(r.top, 0);
    const bottom = Math.min(r.bottom, b.top, innerHeight);
    const hit =
      bottom > top ? document.elementFromPoint((r.left + r.right) / 2, (top + bottom) / 2) : null;
    return {
      label,
      inBanner: false,
      covered,
      hitsElement: hit !== null && (hit === active || active.contains(hit)),
    };
  });
