// The banner in Chromium against the real server and the demo shop: every screen a visitor sees.
import { compactVerify, createRemoteJWKSet } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoConfig } from '../../server/services/config/demo.js';
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
import { serveDemoShop } from '../helpers/server.js';
import { ensureWidgetBuilt } from '../helpers/widget-build.js';

describe.skipIf(skipBrowserTests)('the banner in Chromium', () => {
  let shop: Awaited<ReturnType<typeof serveDemoShop>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every request the page made, by path. */
  let requested: string[];

  beforeAll(async () => {
    await ensureWidgetBuilt();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    // A fresh server and a clean profile per test: no shared state between tests.
    shop = await serveDemoShop();
    context = await browser.newContext();
    page = await context.newPage();
    requested = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  });
  afterEach(async () => {
    await context?.close();
    await shop?.close();
  });

  const visitorId = async () => (await choiceCookie(context))?.visitorId ?? '';

  it('EP-01: before a choice nothing optional runs and nothing is stored', async () => {
    await openShop(page, shop.url);
    await expect.poll(() => banner(page).isVisible()).toBe(true);
    // Give a wrongly unblocked script every chance to run.
    await page.waitForTimeout(300);
    expect(await gatedOrder(page)).toEqual([]);
    expect(await page.locator('iframe[data-consent]').getAttribute('src')).toBeNull();
    expect(requested.filter((p) => p.startsWith('/demo/'))).toEqual([]);
    expect(await context.cookies()).toEqual([]);
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
  });

  it('GCM-01, GCM-06: Consent Mode gets its all-denied default as an Arguments object first', async () => {
    await openShop(page, shop.url);
    const [first] = await consentModeCalls(page);
    expect(first.type).toBe('[object Arguments]');
    expect(first.args[0]).toBe('consent');
    expect(first.args[1]).toBe('default');
    expect(first.args[2]).toMatchObject({
      ad_storage: 'denied',
      analytics_storage: 'denied',
      security_storage: 'granted',
      wait_for_update: 500,
    });
  });

  it('BAN-01, A11Y-03: Reject all is reached by keyboard within two Tabs and records a refusal', async () => {
    await openShop(page, shop.url);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(
      () => document.querySelector('akkoord-consent')?.shadowRoot?.activeElement?.textContent,
    );
    expect(focused).toBe('Alles weigeren');
    await page.keyboard.press('Enter');

    await expect.poll(() => banner(page).count()).toBe(0);
    expect((await choiceCookie(context))?.decisions).toEqual({ analytics: false, ads: false });
    expect(await gatedOrder(page)).toEqual([]);
    await expect
      .poll(
        async () => (await serverConsents(shop.url, await visitorId(), shop.demo.publicKey)).state,
      )
      .toMatchObject({ analytics: 'denied', ads: 'denied' });
  });

  it('Accept all runs the gated scripts once, in document order, loads the iframe, and stores a verifiable receipt', async () => {
    await openShop(page, shop.url);
    await page.getByRole('button', { name: 'Alles accepteren' }).click();

    await expect
      .poll(() => gatedOrder(page))
      .toEqual(['inline-analytics', 'external-analytics', 'inline-after-external', 'ads']);
    expect(
      await page.evaluate(() => (window as unknown as { __analyticsRan: number }).__analyticsRan),
    ).toBe(1);
    await expect.poll(() => page.frames().some((f) => f.url().endsWith('/demo/video'))).toBe(true);

    // Consent Mode hears the choice exactly once (GCM-05).
    const updates = (await consentModeCalls(page)).filter((c) => c.args[1] === 'update');
    expect(updates).toHaveLength(1);
    expect(updates[0].args[2]).toMatchObject({
      analytics_storage: 'granted',
      ad_storage: 'granted',
      ad_user_data: 'granted',
      functionality_storage: 'denied',
    });

    await expect
      .poll(
        async () => (await serverConsents(shop.url, await visitorId(), shop.demo.publicKey)).state,
      )
      .toMatchObject({ necessary: 'granted', analytics: 'granted', ads: 'granted' });
    const receipt = await page
      .waitForFunction(() => window.akkoord?.receipt())
      .then((h) => h.jsonValue() as Promise<string>);
    const jwks = createRemoteJWKSet(new URL(`${shop.url}/.well-known/jwks.json`));
    const verified = await compactVerify(receipt, jwks);
    expect(JSON.parse(new TextDecoder().decode(verified.payload))).toMatchObject({
      tenant: shop.demo.tenantId,
      decisions: { analytics: true, ads: true },
      source: 'banner',
      gpc: false,
      configVersion: 1,
      locale: 'nl',
    });

    // Running once means once: a later identical update runs nothing again.
    await page.evaluate(() => window.akkoord?.acceptAll());
    await page.waitForTimeout(200);
    expect(await gatedOrder(page)).toHaveLength(4);
  });

  it('elements the page adds later stay inert until granted, then run once (MutationObserver)', async () => {
    await openShop(page, shop.url);
    const addGatedScript = (label: string) =>
      page.evaluate((text) => {
        const script = document.createElement('script');
        script.type = 'text/plain';
        script.dataset.consent = 'analytics';
        script.text = `(window.__gatedOrder = window.__gatedOrder || []).push(${JSON.stringify(text)});`;
        document.body.append(script);
      }, label);
    await addGatedScript('added-before-choice');
    await page.waitForTimeout(200);
    expect(await gatedOrder(page)).toEqual([]);

    await page.getByRole('button', { name: 'Alles accepteren' }).click();
    await expect.poll(() => gatedOrder(page)).toContain('added-before-choice');
    await addGatedScript('added-after-choice');
    await expect.poll(() => gatedOrder(page)).toContain('added-after-choice');
    const order = await gatedOrder(page);
    expect(order.filter((label) => label === 'added-before-choice')).toHaveLength(1);
    expect(order.indexOf('added-before-choice')).toBeGreaterThan(order.indexOf('ads'));
  });

  it('a returning visitor sees no banner, and gets the Consent Mode update and the scripts at once', async () => {
    await openShop(page, shop.url);
    await page.getByRole('button', { name: 'Alles accepteren' }).click();
    await expect.poll(() => gatedOrder(page)).toHaveLength(4);

    await openShop(page, shop.url);
    await expect.poll(() => reopenButton(page).isVisible()).toBe(true);
    expect(await banner(page).count()).toBe(0);
    const calls = await consentModeCalls(page);
    expect(calls.map((c) => c.args[1])).toEqual(['default', 'update']);
    expect(calls[1].args[2]).toMatchObject({ analytics_storage: 'granted', ad_storage: 'granted' });
    await expect
      .poll(() => gatedOrder(page))
      .toEqual(['inline-analytics', 'external-analytics', 'inline-after-external', 'ads']);
  });

  it('GDPR-12: a material config change asks again', async () => {
    await openShop(page, shop.url);
    await page.getByRole('button', { name: 'Alles weigeren' }).click();
    await openShop(page, shop.url);
    expect(await banner(page).count()).toBe(0);

    const changed = demoConfig(shop.url);
    changed.purposes[1].text.nl.description =
      'Meten hoe de winkel wordt gebruikt, ook met een nieuwe partner.';
    const published = await shop.t.call('PUT', '/v1/config', {
      token: shop.demo.secretKey,
      body: changed,
    });
    expect(published.status).toBe(201);

    // widget.js may be cached for max-age=300 s; this stands for a visit after that.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await openShop(page, shop.url);
    await expect.poll(() => banner(page).isVisible()).toBe(true);
    // And nothing of the old choice applies to the new notice.
    expect(await page.evaluate(() => window.akkoord?.get())).toEqual({
      necessary: true,
      analytics: false,
      ads: false,
    });
  });

  it('A11Y-02, BAN-11: Esc closes the settings dialog without accepting anything and returns focus', async () => {
    await openShop(page, shop.url);
    await page.getByRole('button', { name: 'Zelf kiezen' }).click();
    await expect.poll(() => settingsDialog(page).isVisible()).toBe(true);
    // BAN-02: every optional switch starts off.
    expect(await page.getByRole('switch', { name: 'Statistieken' }).isChecked()).toBe(false);
    expect(await page.getByRole('switch', { name: 'Advertenties' }).isChecked()).toBe(false);
    await page.getByRole('switch', { name: 'Statistieken' }).check();
    await page.keyboard.press('Escape');

    await expect.poll(() => settingsDialog(page).count()).toBe(0);
    const focused = await page.evaluate(
      () => document.querySelector('akkoord-consent')?.shadowRoot?.activeElement?.textContent,
    );
    expect(focused).toBe('Zelf kiezen');
    // Esc on the first layer is no answer either: the banner stays and nothing is granted.
    await page.keyboard.press('Escape');
    expect(await banner(page).isVisible()).toBe(true);
    await page.waitForTimeout(200);
    expect(await context.cookies()).toEqual([]);
    expect(await gatedOrder(page)).toEqual([]);
    expect(await page.evaluate(() => window.akkoord?.get())).toEqual({
      necessary: true,
      analytics: false,
      ads: false,
    });
  });

  it('the settings dialog saves exactly the switches turned on', async () => {
    await openShop(page, shop.url);
    await page.getByRole('button', { name: 'Zelf kiezen' }).click();
    await page.getByRole('switch', { name: 'Statistieken' }).check();
    await page.getByRole('button', { name: 'Keuze opslaan' }).click();

    await expect
      .poll(() => gatedOrder(page))
      .toEqual(['inline-analytics', 'external-analytics', 'inline-after-external']);
    expect((await choiceCookie(context))?.decisions).toEqual({ analytics: true, ads: false });
    // A11Y-10: announced in a status region, without stealing focus from the page.
    await expect
      .poll(() => page.locator('akkoord-consent [role=status]').textContent())
      .toBe('Voorkeuren opgeslagen');
  });

  it('GDPR-06, BAN-08: akkoord.show() reopens the choice and a withdrawal is recorded', async () => {
    await openShop(page, shop.url);
    await page.getByRole('button', { name: 'Alles accepteren' }).click();
    await expect.poll(() => page.frames().some((f) => f.url().endsWith('/demo/video'))).toBe(true);
    const changes: unknown[] = [];
    await page.exposeFunction('recordChange', (detail: unknown) => changes.push(detail));
    await page.evaluate(() =>
      window.addEventListener('akkoord:change', (e) =>
        (window as unknown as { recordChange(d: unknown): void }).recordChange(
          (e as CustomEvent).detail,
        ),
      ),
    );

    // The shop's own "Cookie-instellingen" button calls akkoord.show().
    await page.getByRole('button', { name: 'Cookie-instellingen' }).first().click();
    await expect.poll(() => banner(page).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Alles weigeren' }).click();

    await expect.poll(() => changes).toEqual([{ necessary: true, analytics: false, ads: false }]);
    expect((await choiceCookie(context))?.decisions).toEqual({ analytics: false, ads: false });
    // The embedded player stops at once (GDPR-09).
    await expect
      .poll(() => page.locator('iframe[data-consent]').getAttribute('src'))
      .toBe('about:blank');
    await expect
      .poll(
        async () => (await serverConsents(shop.url, await visitorId(), shop.demo.publicKey)).state,
      )
      .toMatchObject({ analytics: 'withdrawn', ads: 'withdrawn' });
  });

  it('GPC-04: with Global Privacy Control, Accept all keeps ad purposes denied, says so, and records the signal', async () => {
    await context.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }),
    );
    await openShop(page, shop.url);
    await expect.poll(() => banner(page).textContent()).toContain('Global Privacy Control');
    await page.getByRole('button', { name: 'Alles accepteren' }).click();

    await expect
      .poll(() => gatedOrder(page))
      .toEqual(['inline-analytics', 'external-analytics', 'inline-after-external']);
    expect(await page.locator('iframe[data-consent]').getAttribute('src')).toBeNull();
    const cookie = await choiceCookie(context);
    expect(cookie).toMatchObject({ decisions: { analytics: true, ads: false }, gpc: true });
    await expect
      .poll(
        async () => (await serverConsents(shop.url, await visitorId(), shop.demo.publicKey)).state,
      )
      .toMatchObject({ analytics: 'granted', ads: 'denied' });
    const { history } = await serverConsents(shop.url, await visitorId(), shop.demo.publicKey);
    expect(history.some((event) => event.gpc === true)).toBe(true);

    // Only the person's own switch turns an ad purpose on.
    await page.evaluate(() => window.akkoord?.show());
    await page.getByRole('button', { name: 'Zelf kiezen' }).click();
    await page.getByRole('switch', { name: 'Advertenties' }).check();
    await page.getByRole('button', { name: 'Keuze opslaan' }).click();
    await expect.poll(() => gatedOrder(page)).toContain('ads');
  });

  it('a choice made offline applies at once and is recorded once when back online', async () => {
    await openShop(page, shop.url);
    await context.setOffline(true);
    await page.getByRole('button', { name: 'Alles weigeren' }).click();
    expect(await page.evaluate(() => window.akkoord?.get())).toEqual({
      necessary: true,
      analytics: false,
      ads: false,
    });
    expect(await page.evaluate(() => localStorage.getItem('akkoord.pending'))).toContain(
      'clientEventId',
    );

    await context.setOffline(false);
    await expect
      .poll(
        async () =>
          (await serverConsents(shop.url, await visitorId(), shop.demo.publicKey).catch(() => null))
            ?.state,
      )
      .toMatchObject({ analytics: 'denied', ads: 'denied' });
    // A reload must not send it again.
    await openShop(page, shop.url);
    await page.waitForTimeout(300);
    const { history } = await serverConsents(shop.url, await visitorId(), shop.demo.publicKey);
    expect(history.filter((event) => event.purpose === 'analytics')).toHaveLength(1);
  });

  it('BAN-04: Accept all, Reject all and Choose look the same', async () => {
    await openShop(page, shop.url);
    const styles = await page
      .locator('akkoord-consent .banner .actions button')
      .evaluateAll((buttons) =>
        buttons.map((b) => {
          const s = getComputedStyle(b);
          const r = b.getBoundingClientRect();
          return {
            w: Math.round(r.width),
            h: Math.round(r.height),
            font: s.fontSize + s.fontWeight,
            colors: s.color + s.backgroundColor + s.borderColor,
          };
        }),
      );
    expect(styles).toHaveLength(3);
    expect(new Set(styles.map((s) => JSON.stringify(s))).size).toBe(1);
  });

  it('A11Y-08: at 320 px wide all three choices stay on screen', async () => {
    await page.setViewportSize({ width: 320, height: 640 });
    await openShop(page, shop.url);
    for (const name of ['Alles accepteren', 'Alles weigeren', 'Zelf kiezen']) {
      const box = await page.getByRole('button', { name }).boundingBox();
      expect(box, name).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(320);
      expect(box!.height).toBeGreaterThanOrEqual(24);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      320,
    );
  });
});
