// The banner tells the server which control made each choice: its two first-layer buttons,
// the settings dialog's save, a gated element's button, or a site's script through
// window.akkoord (recorded as `script`, never as a click). Read from the requests the real
// widget sends in Chromium, and from the ledger rows they left.
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openShop } from '../helpers/banner-page.js';
import { useBannerBrowser } from '../helpers/banner-browser.js';
import { skipBrowserTests } from '../helpers/chromium.js';
import { serveDemoShop } from '../helpers/server.js';

describe.skipIf(skipBrowserTests)('the banner names the control that made a choice', () => {
  let shop: Awaited<ReturnType<typeof serveDemoShop>>;
  let context: BrowserContext;
  let page: Page;
  let sent: Array<{ source?: string; interaction?: string }>;
  const browser = useBannerBrowser();

  beforeEach(async () => {
    shop = await serveDemoShop();
    context = await browser().newContext();
    page = await context.newPage();
    sent = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/v1/consents')
        sent.push(JSON.parse(request.postData() ?? '{}'));
    });
  });
  afterEach(async () => {
    await context?.close();
    await shop?.close();
  });

  const recorded = async () => {
    await expect
      .poll(async () => (await page.evaluate(() => window.akkoord!.ready())).pending)
      .toBe(0);
    return sent.map((body) => [body.source, body.interaction]);
  };

  it('GDPR-04: Accept all, Reject all and Save choice are sent as accept_all, reject_all and save_choices', async () => {
    await openShop(page, shop.url);
    await page.getByRole('button', { name: 'Alles accepteren' }).click();
    expect(await recorded()).toEqual([['banner', 'accept_all']]);
    await page.evaluate(() => window.akkoord!.show());
    await page.getByRole('button', { name: 'Alles weigeren' }).click();
    await page.evaluate(() => window.akkoord!.show());
    await page.getByRole('button', { name: 'Zelf kiezen' }).click();
    await page.getByRole('button', { name: 'Keuze opslaan' }).click();
    expect(await recorded()).toEqual([
      ['banner', 'accept_all'],
      ['banner', 'reject_all'],
      ['banner', 'save_choices'],
    ]);
  });

  it('GDPR-02: acceptAll(), rejectAll() and set() through window.akkoord are sent as script, not as a click', async () => {
    await openShop(page, shop.url);
    await page.evaluate(() => window.akkoord!.acceptAll());
    await page.evaluate(() => window.akkoord!.rejectAll());
    await page.evaluate(() => window.akkoord!.set({ analytics: true }));
    expect(await recorded()).toEqual([
      ['banner', 'script'],
      ['banner', 'script'],
      ['banner', 'script'],
    ]);
    const stored = await shop.t.ctx.db
      .selectFrom('consent_events')
      .select('interaction')
      .distinct()
      .execute();
    expect(stored.map((r) => r.interaction)).toEqual(['script']);
  });

  it("GDPR-04: a gated element's button is sent as placeholder", async () => {
    await openShop(page, shop.url);
    await page.getByRole('button', { name: 'Advertenties toestaan' }).click();
    expect(await recorded()).toEqual([['placeholder', 'placeholder']]);
  });
});
