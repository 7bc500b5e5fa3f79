// The banner's "manage my data" in Chromium: an anonymous visitor
// who made a choice lands in the preference center signed in as that visitor, sees what the
// banner stored and can erase it (nobody has identified the visitor, so there is nothing more to
// protect); without a choice, or when the exchange fails, the plain link (sign-in by e-mail) is followed.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bannerWords } from '../../shared/i18n/banner.js';
import nl from '../../shared/i18n/nl.json';
import {
  banner,
  choiceCookie,
  consentModeCalls,
  gatedOrder,
  openShop,
  reopenButton,
  serverConsents,
  settingsDialog,
} from '../helpers/banner-page.js';
import { launchChromium, skipBrowserTests } from '../helpers/chromium.js';
import { ensurePreferenceCenterBuilt } from '../helpers/preference-center-build.js';
import { serveDemoShop } from '../helpers/server.js';
import { ensureWidgetBuilt } from '../helpers/widget-build.js';

const m = nl.preferenceCenter;
const words = bannerWords('nl');
const manageData = words.manageData;

describe.skipIf(skipBrowserTests)('"manage my data" from the banner in Chromium', () => {
  let shop: Awaited<ReturnType<typeof serveDemoShop>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every POST to /v1/me/visitor-link the page made. */
  let linkRequests: number;

  beforeAll(async () => {
    await Promise.all([ensureWidgetBuilt(), ensurePreferenceCenterBuilt()]);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    shop = await serveDemoShop();
    context = await browser.newContext({ locale: 'nl-NL' });
    page = await context.newPage();
    linkRequests = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/v1/me/visitor-link')) linkRequests++;
    });
  });
  afterEach(async () => {
    await context?.close();
    await shop?.close();
  });

  const visitorId = async () => (await choiceCookie(context))?.visitorId ?? '';
  const preferenceCenter = () => `${shop.url}/p/${shop.demo.tenantId}`;
  const signedIn = (p: Page) => p.getByRole('navigation', { name: m.nav });

  async function acceptAllAndWaitForServer() {
    await openShop(page, shop.url);
    await page.getByRole('button', { name: words.acceptAll }).click();
    await expect
      .poll(
        async () =>
          (await serverConsents(shop.url, await visitorId(), shop.demo.publicKey).catch(() => null))
            ?.state,
      )
      .toMatchObject({ analytics: 'granted', ads: 'granted' });
  }

  it("GDPR-30, GDPR-32: after Accept all, the link signs the visitor in, shows the banner's consents, and erasing there works", async () => {
    await acceptAllAndWaitForServer();
    const id = await visitorId();
    await reopenButton(page).click();
    await expect.poll(() => banner(page).isVisible()).toBe(true);
    const link = banner(page).getByRole('link', { name: manageData });
    // A real link: keyboard users reach it with Tab and follow it with Enter (A11Y-04).
    expect(await link.getAttribute('href')).toBe(preferenceCenter());
    expect(await link.getAttribute('target')).toBeNull();
    await link.focus();
    await page.keyboard.press('Enter');

    await signedIn(page).waitFor();
    await expect.poll(() => linkRequests).toBe(1);
    expect(page.url()).toBe(preferenceCenter());
    // The visitor id came in the fragment only (never sent to a server) and left the address bar at once, as did the token.
    expect(await page.evaluate(() => location.href)).not.toContain('token');
    expect(await page.evaluate(() => location.href)).not.toContain(id);
    expect(await page.getByRole('checkbox', { name: 'Statistieken' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Advertenties' }).isChecked()).toBe(true);
    await expect.poll(() => page.getByRole('table').textContent()).toContain(m.source_banner);

    await page.getByRole('link', { name: m.navData }).click();
    await page.getByRole('heading', { level: 2 }).waitFor();
    await page.getByLabel(m.eraseAll).check();
    await page.getByRole('button', { name: m.eraseContinue }).click();
    await page.getByRole('button', { name: m.eraseConfirm }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe(m.erasedAll);

    // The server no longer knows this visitor.
    const response = await fetch(`${shop.url}/v1/consents/${id}?key=${shop.demo.publicKey}`);
    if (response.status !== 404) {
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        state: Record<string, unknown>;
        history: unknown[];
      };
      expect(body.history).toEqual([]);
      expect(Object.values(body.state).filter((s) => s === 'granted' || s === 'denied')).toEqual(
        [],
      );
    }

    // Back on the site, the erased choice is gone from the browser too, and the banner asks again.
    await openShop(page, shop.url);
    await expect.poll(() => banner(page).isVisible()).toBe(true);
    expect(await choiceCookie(context)).toBeNull();
    expect(
      await page.evaluate(() => [
        localStorage.getItem('akkoord.receipt'),
        localStorage.getItem('akkoord.pending'),
        localStorage.getItem('akkoord.sync'),
      ]),
    ).toEqual([null, null, null]);
    await page.waitForTimeout(300);
    expect(await gatedOrder(page)).toEqual([]);
    // A new choice starts a new pseudonymous visitor, unconnected to the erased one.
    await page.getByRole('button', { name: words.rejectAll }).click();
    await expect.poll(visitorId).toMatch(/^v_/);
    expect(await visitorId()).not.toBe(id);
  });

  it('GDPR-09: a purpose withdrawn in the preference center stops on the site at the next page load', async () => {
    await acceptAllAndWaitForServer();
    await reopenButton(page).click();
    await banner(page).getByRole('link', { name: manageData }).click();
    await signedIn(page).waitFor();
    await page.getByRole('checkbox', { name: 'Statistieken' }).uncheck();
    await page.getByRole('button', { name: m.save }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe(m.saved);

    await openShop(page, shop.url);
    await expect
      .poll(async () => (await choiceCookie(context))?.decisions)
      .toEqual({ analytics: false, ads: true });
    expect(await page.evaluate(() => window.akkoord?.get())).toEqual({
      necessary: true,
      analytics: false,
      ads: true,
    });
    await page.waitForTimeout(300);
    // Nothing ran on the stale cookie first: only the ad script, and one Consent Mode update.
    expect(await gatedOrder(page)).toEqual(['ads']);
    const updates = (await consentModeCalls(page)).filter((c) => c.args[1] === 'update');
    expect(updates).toHaveLength(1);
    expect(updates[0].args[2]).toMatchObject({
      analytics_storage: 'denied',
      ad_storage: 'granted',
    });
    expect(await banner(page).count()).toBe(0);
    // The flag became the time of this sync: the next re-read is due a day later.
    expect(Number(await page.evaluate(() => localStorage.getItem('akkoord.sync')))).toBeGreaterThan(
      Date.now() - 60_000,
    );
    // Taken over, not recorded again: the withdrawal came from the preference center only.
    const { history } = await serverConsents(shop.url, await visitorId(), shop.demo.publicKey);
    expect(
      history.filter((event) => event.purpose === 'analytics').map((event) => event.source),
    ).toEqual(['banner', 'preference_center']);

    // The next load needs no server round trip: the stored choice applies at once.
    await openShop(page, shop.url);
    await expect.poll(() => gatedOrder(page)).toEqual(['ads']);
  });

  it('the settings dialog offers the same link', async () => {
    await acceptAllAndWaitForServer();
    await page.evaluate(() => window.akkoord?.show());
    await page.getByRole('button', { name: words.choose }).click();
    await expect.poll(() => settingsDialog(page).isVisible()).toBe(true);
    await settingsDialog(page).getByRole('link', { name: manageData }).click();
    await signedIn(page).waitFor();
    expect(await page.getByRole('checkbox', { name: 'Statistieken' }).isChecked()).toBe(true);
  });

  it('without a choice the link is the plain sign-in by e-mail, and no visitor link is asked for', async () => {
    await openShop(page, shop.url);
    await banner(page).getByRole('link', { name: manageData }).click();
    await page.getByLabel(m.emailLabel).waitFor();
    expect(page.url()).toBe(preferenceCenter());
    expect(linkRequests).toBe(0);
  });

  it('when the server cannot give a link, the visitor still reaches the sign-in page', async () => {
    await acceptAllAndWaitForServer();
    await page.route('**/v1/me/visitor-link', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 503, body: '{}' })
        : route.continue(),
    );
    await reopenButton(page).click();
    await banner(page).getByRole('link', { name: manageData }).click();
    await page.getByLabel(m.emailLabel).waitFor();
    expect(page.url()).toBe(preferenceCenter());
    await expect.poll(() => linkRequests).toBe(1);
    expect(await signedIn(page).count()).toBe(0);
  });
});
