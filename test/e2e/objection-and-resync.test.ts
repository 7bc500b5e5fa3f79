// In Chromium: a visitor objects to a purpose on legitimate interest in the settings dialog, and
// a withdrawal made in the preference center reaches another browser of the same person at its
// next page load once the daily re-sync is due.
import type { BrowserContext } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bannerWords, settingsWords } from '../../shared/i18n/banner.js';
import nl from '../../shared/i18n/nl.json';
import {
  choiceCookie,
  gatedOrder,
  openShop,
  serverConsents,
  settingsDialog,
} from '../helpers/banner-page.js';
import { useBannerBrowser } from '../helpers/banner-browser.js';
import { skipBrowserTests } from '../helpers/chromium.js';
import { ensurePreferenceCenterBuilt } from '../helpers/preference-center-build.js';
import { serveDemoShop } from '../helpers/server.js';
import { liConfig } from '../helpers/li-config.js';

const words = { ...bannerWords('nl'), ...settingsWords('nl') };

describe.skipIf(skipBrowserTests)('objection and re-sync in Chromium', () => {
  const browser = useBannerBrowser();
  let shop: Awaited<ReturnType<typeof serveDemoShop>>;
  const contexts: BrowserContext[] = [];
  beforeEach(async () => {
    await ensurePreferenceCenterBuilt();
    shop = await serveDemoShop();
  }, 120_000);
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
    await shop?.close();
  });
  const api = (method: string, path: string, body?: unknown) =>
    shop.t.call(method, path, { token: shop.demo.secretKey, body });
  const newPage = async () => {
    const context = await browser().newContext({ locale: 'nl-NL' });
    contexts.push(context);
    return { context, page: await context.newPage() };
  };

  it('GDPR-40 GDPR-03: the settings dialog shows the interest and an object control; the objection reaches the ledger and check', async () => {
    const config = liConfig();
    for (const key of ['nl', 'en']) config.privacyNoticeUrl[key] = `${shop.url}/demo/privacy`;
    expect((await api('PUT', '/v1/config', config)).status).toBe(201);
    const { context, page } = await newPage();
    await openShop(page, shop.url);
    // The intro asks consent only: not for the contract purpose, not for the legitimate interest.
    const intro = await page.locator('akkoord-consent #ak-intro').textContent();
    expect(intro).toContain('Statistieken en Advertenties');
    expect(intro).not.toContain('Bestellingen');
    expect(intro).not.toContain('Fraudepreventie');
    await page.getByRole('button', { name: words.choose }).click();
    const dialog = settingsDialog(page);
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Ons en jou beschermen tegen fraude.');
    expect(await dialog.textContent()).not.toContain('Bestellingen');
    // The Art. 13 details arrive one click away.
    await expect.poll(() => dialog.textContent()).toContain('Google Ireland Ltd');
    const object = page.getByRole('checkbox', { name: `Fraudepreventie: ${words.object}` });
    expect(await object.isChecked()).toBe(false);
    await object.check();
    await page.getByRole('button', { name: words.save }).click();

    const visitorId = (await choiceCookie(context))!.visitorId;
    await expect
      .poll(
        async () =>
          (await serverConsents(shop.url, visitorId, shop.demo.publicKey).catch(() => null))?.state
            .fraud,
      )
      .toBe('objected');
    expect(
      (await api('PUT', '/v1/subjects/e2e-obj', { visitorIds: [visitorId] })).status,
    ).toBeLessThan(300);
    expect(await (await api('GET', '/v1/check?subject=e2e-obj&purpose=fraud')).json()).toEqual({
      allowed: false,
      reason: 'objected',
    });
    expect(await (await api('GET', '/v1/check?subject=e2e-obj&purpose=orders')).json()).toEqual({
      allowed: true,
      reason: 'granted',
    });
  });

  it('GDPR-41 GDPR-09: a withdrawal in the preference center stops the gated script in another browser of the person at its next page load', async () => {
    const a = await newPage();
    const b = await newPage();
    for (const { page } of [a, b]) {
      await openShop(page, shop.url);
      await page.getByRole('button', { name: words.acceptAll }).click();
      await expect.poll(() => gatedOrder(page)).toContain('inline-analytics');
    }
    const ids = [
      (await choiceCookie(a.context))!.visitorId,
      (await choiceCookie(b.context))!.visitorId,
    ];
    for (const id of ids)
      await expect
        .poll(
          async () =>
            (await serverConsents(shop.url, id, shop.demo.publicKey).catch(() => null))?.state
              .analytics,
        )
        .toBe('granted');
    expect((await api('PUT', '/v1/subjects/e2e-two', { visitorIds: ids })).status).toBeLessThan(
      300,
    );

    // Browser A: the person withdraws analytics in the preference center.
    const { url } = (await (
      await api('POST', '/v1/subjects/e2e-two/links', { kind: 'preferences' })
    ).json()) as { url: string };
    await a.page.goto(url);
    await a.page.getByRole('checkbox', { name: 'Statistieken' }).uncheck();
    await a.page.getByRole('button', { name: nl.preferenceCenter.save }).click();
    await expect
      .poll(
        async () => (await serverConsents(shop.url, ids[1], shop.demo.publicKey)).state.analytics,
      )
      .toBe('withdrawn');

    // Browser B, on its next load: within a day nothing is asked (one GET per day at most) ...
    let syncs = 0;
    b.page.on('request', (r) => r.url().includes(`/v1/consents/${ids[1]}`) && syncs++);
    await openShop(b.page, shop.url);
    await expect.poll(() => gatedOrder(b.page)).toContain('inline-analytics');
    expect(syncs).toBe(0);
    // ... and once the last sync is a day old, the stored choice is read again before anything runs.
    await b.page.evaluate(() =>
      localStorage.setItem('akkoord.sync', String(Date.now() - 25 * 36e5)),
    );
    await openShop(b.page, shop.url);
    await expect.poll(() => syncs).toBe(1);
    await expect.poll(async () => (await choiceCookie(b.context))?.decisions.analytics).toBe(false);
    expect(await gatedOrder(b.page)).not.toContain('inline-analytics');
    expect(await gatedOrder(b.page)).toContain('ads');
    await openShop(b.page, shop.url);
    expect(await gatedOrder(b.page)).not.toContain('inline-analytics');
    expect(syncs).toBe(1);
  });
});
