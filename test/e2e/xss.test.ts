// Stored XSS (the XSS strings render inert in Chromium). A tenant
// publishes purpose names and descriptions, a controller name and a tenant name full of
// markup and script, and a tool stores a person whose profile and records are just as
// hostile. The banner on the demo shop, the preference center, the unsubscribe pages and
// the docs must show all of it as literal text; exports must not be HTML and their CSV
// cells must not start a spreadsheet formula. The browser runs with CSP bypassed, so
// what keeps the strings inert is the rendering itself, not the policy.
import { parse } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoConfig } from '../../server/services/config/demo.js';
import type { TenantConfig } from '../../shared/schemas/config.js';
import { ADMIN_TOKEN } from '../helpers/app.js';
import { banner, openShop, settingsDialog } from '../helpers/banner-page.js';
import { launchChromium, skipBrowserTests } from '../helpers/chromium.js';
import { mailedSignInUrl } from '../helpers/me.js';
import { ensurePreferenceCenterBuilt } from '../helpers/preference-center-build.js';
import { serveDemoShop } from '../helpers/server.js';
import { ensureWidgetBuilt } from '../helpers/widget-build.js';
import { humanize } from '../../preference-center/i18n.js';

/** Each would set window.__xss if it ever ran. */
const XSS = {
  img: '<img src=x onerror="window.__xss=1">',
  script: '<script>window.__xss=1</script>',
  svg: '"><svg onload=window.__xss=1>',
  frame: '\'><iframe srcdoc="<script>parent.__xss=1</script>">',
  endScript: '</script><script>window.__xss=1</script>',
  patterns: "$` $' $& {{constructor.constructor('window.__xss=1')()}}",
};
const ALL = Object.values(XSS).join(' ');
const TENANT_NAME = `Winkel ${XSS.script}`;
const CONTROLLER = `Shop ${XSS.img} BV`;

/** Cells a spreadsheet would evaluate: =, +, -, @ (and tab, CR, their full-width forms). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const FORMULAS = {
  eq: '=HYPERLINK("https://evil.example","x")',
  plus: '+1+1',
  minus: '-2+3',
  at: '@SUM(A1)',
  fullwidth: '＝1+1',
};

function hostileConfig(publicUrl: string): TenantConfig {
  const config = demoConfig(publicUrl);
  config.controller = { name: CONTROLLER, contact: `${XSS.svg}@x` };
  const rename: Record<string, [string, string]> = {
    necessary: [`Nodig ${XSS.endScript}`, `${FORMULAS.fullwidth} ${XSS.frame}`],
    analytics: [`Statistieken ${XSS.script}`, `${FORMULAS.eq} ${ALL}`],
    ads: [`${FORMULAS.at} Advertenties ${XSS.svg}`, `${FORMULAS.plus} ${XSS.img}`],
    newsletter: [`Nieuwsbrief ${XSS.img} ${XSS.patterns}`, ALL],
  };
  for (const purpose of config.purposes) {
    const [name, description] = rename[purpose.key];
    for (const locale of Object.keys(purpose.text))
      purpose.text[locale] = { name, description, interest: description };
    purpose.recipients = [`${FORMULAS.eq} ${XSS.img}`];
    purpose.dataCategories = [FORMULAS.minus, XSS.svg];
  }
  return config;
}

/** Fails when any payload ran or left an element that could run. Looks into open shadow roots too. */
async function expectInert(page: Page): Promise<void> {
  await page.waitForTimeout(300); // an image error or an svg load fires asynchronously
  const found = await page.evaluate(() => {
    const roots: Array<Document | ShadowRoot> = [document];
    for (const element of document.querySelectorAll('*'))
      if (element.shadowRoot) roots.push(element.shadowRoot);
    const handlers: string[] = [];
    let injected = 0;
    for (const root of roots) {
      for (const element of root.querySelectorAll('*')) {
        for (const attribute of element.attributes) {
          if (/^on/i.test(attribute.name) || /^\s*javascript:/i.test(attribute.value))
            handlers.push(`${element.tagName} ${attribute.name}`);
        }
      }
      injected += root.querySelectorAll('img[src="x"], iframe[srcdoc], svg[onload]').length;
    }
    return { xss: (window as unknown as { __xss?: unknown }).__xss, handlers, injected };
  });
  expect(found).toEqual({ xss: undefined, handlers: [], injected: 0 });
}

describe.skipIf(skipBrowserTests)('stored XSS renders inert in Chromium', () => {
  let shop: Awaited<ReturnType<typeof serveDemoShop>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** A second tenant with a hostile name, made through the admin API. */
  let other: { tenantId: string; secretKey: string };

  const api = (method: string, path: string, body?: unknown, token = other.secretKey) =>
    shop.t.call(method, path, { token, body });

  beforeAll(async () => {
    await Promise.all([ensureWidgetBuilt(), ensurePreferenceCenterBuilt()]);
    browser = await launchChromium();
    shop = await serveDemoShop();
    const config = hostileConfig(shop.url);
    expect((await api('PUT', '/v1/config', config, shop.demo.secretKey)).status).toBe(201);

    const created = await shop.t.call('POST', '/v1/admin/tenants', {
      token: ADMIN_TOKEN,
      body: { name: TENANT_NAME, allowedOrigins: [shop.url] },
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { tenant: { id: string }; secretKey: string };
    other = { tenantId: body.tenant.id, secretKey: body.secretKey };
    expect((await api('PUT', '/v1/config', config)).status).toBe(201);
    const person = await api('PUT', '/v1/subjects/xss-person', {
      email: 'xss.person@example.com',
      phone: '+31 6 12345678',
      attributes: {
        [XSS.img]: XSS.svg,
        note: XSS.script,
        endScript: XSS.endScript,
        patterns: XSS.patterns,
        ...FORMULAS,
      },
    });
    expect(person.status).toBeLessThan(300);
    const records = await api('POST', '/v1/subjects/xss-person/records/orders', [
      { item: XSS.img, [XSS.svg]: FORMULAS.eq, note: FORMULAS.at },
    ]);
    expect(records.status).toBe(201);
    expect(
      (
        await api('POST', '/v1/subjects/xss-person/consents', {
          decisions: { newsletter: { email: true } },
        })
      ).status,
    ).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true, acceptDownloads: true });
    page = await context.newPage();
  });
  afterEach(async () => context?.close());

  it('refuses a privacy-notice URL that is not http(s): javascript:, data: and vbscript: never become links', async () => {
    for (const url of [
      'javascript:window.__xss=1',
      'JavaScript:alert(1)//https://x',
      'data:text/html,<script>window.__xss=1</script>',
      'vbscript:msgbox(1)',
    ]) {
      const config = hostileConfig(shop.url);
      config.privacyNoticeUrl = { nl: url, en: `${shop.url}/demo/privacy` };
      const res = await api('PUT', '/v1/config', config);
      expect(res.status, url).toBe(400);
      expect((await res.json()).error.issues[0].path).toBe('privacyNoticeUrl.nl');
    }
  });

  it('the banner on the demo shop shows the controller, purpose names and descriptions as text', async () => {
    await openShop(page, shop.url);
    await expect.poll(() => banner(page).isVisible()).toBe(true);
    const intro = await banner(page).innerText();
    expect(intro).toContain(CONTROLLER);
    expect(intro).toContain(`Statistieken ${XSS.script}`);
    await expectInert(page);

    await banner(page).getByRole('button', { name: 'Zelf kiezen' }).click();
    await expect.poll(() => settingsDialog(page).isVisible()).toBe(true);
    const dialog = await settingsDialog(page).innerText();
    expect(dialog).toContain(`Statistieken ${XSS.script}`);
    expect(dialog).toContain(`${FORMULAS.at} Advertenties ${XSS.svg}`);
    for (const payload of Object.values(XSS)) expect(dialog).toContain(payload);
    await expectInert(page);

    await settingsDialog(page).locator('[data-purpose="analytics"]').click();
    await settingsDialog(page).getByRole('button', { name: 'Keuze opslaan' }).click();
    await expect.poll(() => settingsDialog(page).count()).toBe(0);
    await expectInert(page);
  });

  it('the preference center, signed in by the mailed link, shows tenant, purposes and profile as text on every screen', async () => {
    await page.goto(await mailedSignInUrl(shop.t, other.tenantId, 'xss-person'));
    await page.getByRole('navigation').waitFor();
    const text = () => page.locator('body').innerText();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain(TENANT_NAME);
    expect(await page.title()).toContain(TENANT_NAME);
    expect(await text()).toContain(CONTROLLER);
    // The purposes come with the person's consents, a moment after the page ("Bezig met laden").
    await expect.poll(text).toContain(`Nieuwsbrief ${XSS.img} ${XSS.patterns}`);
    await expectInert(page);

    for (const section of ['profile', 'data', 'rights', 'requests', 'consents']) {
      await page.evaluate((hash) => (location.hash = hash), section);
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await expectInert(page);
    }
    await page.evaluate(() => (location.hash = 'profile'));
    await page.getByRole('heading', { level: 2 }).first().waitFor();
    // Attribute names are labels, their values sit in inputs: both exactly as stored.
    // Field names are shown as words (humanize), still as text.
    expect(await page.getByLabel(humanize(XSS.img), { exact: true }).inputValue()).toBe(XSS.svg);
    expect(await page.getByLabel('Note', { exact: true }).inputValue()).toBe(XSS.script);
    expect(await page.getByLabel('Patterns', { exact: true }).inputValue()).toBe(XSS.patterns);
    await page.evaluate(() => (location.hash = 'data'));
    await page.getByRole('heading', { level: 2 }).first().waitFor();
    expect(await text()).toContain(XSS.img);
    await expectInert(page);
  });

  it("exports are downloads, never HTML; the person's JSON keeps the strings and the CSV neutralises formulas", async () => {
    await page.goto(await mailedSignInUrl(shop.t, other.tenantId, 'xss-person'));
    await page.getByRole('navigation').waitFor();
    const fetched = await page.evaluate(async () =>
      Promise.all(
        ['json', 'csv'].map(async (format) => {
          const { csrfToken } = (await (await fetch('/v1/me')).json()) as { csrfToken: string };
          const res = await fetch('/v1/me/export', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
            body: JSON.stringify({ format }),
          });
          return {
            format,
            type: res.headers.get('content-type'),
            disposition: res.headers.get('content-disposition'),
            nosniff: res.headers.get('x-content-type-options'),
            body: await res.text(),
          };
        }),
      ),
    );
    for (const file of fetched) {
      expect(file.type).not.toMatch(/html/);
      expect(file.disposition).toMatch(/^attachment/);
      expect(file.nosniff).toBe('nosniff');
    }
    const json = JSON.parse(fetched[0].body) as {
      subject: { attributes: Record<string, unknown> };
    };
    expect(json.subject.attributes[XSS.img]).toBe(XSS.svg);
    expectCsvInert(fetched[1].body, [XSS.img, XSS.script]);

    // The same through a tool's access request.
    const request = await (
      await api('POST', '/v1/requests', { subject: 'xss-person', type: 'access' })
    ).json();
    expect(request.status).toBe('completed');
    const viaRequest = await api('GET', `/v1/requests/${request.id}/export?format=csv`);
    expect(viaRequest.headers.get('content-type')).toMatch(/^text\/csv/);
    expectCsvInert(await viaRequest.text(), [XSS.img]);
  });

  it('the register of processing (ROPA) neutralises formulas in CSV and is not HTML in any format', async () => {
    const csv = await api('GET', '/v1/ropa?format=csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expectCsvInert(await csv.text(), [XSS.img, CONTROLLER]);
    const md = await api('GET', '/v1/ropa?format=md');
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(md.headers.get('x-content-type-options')).toBe('nosniff');
    const markdown = await md.text();
    // Markdown renders `\\<img` as text; an unescaped `<` would be raw HTML in most renderers.
    expect(markdown).not.toMatch(/(^|[^\\])<(img|script|svg|iframe)\b/im);
    const json = await api('GET', '/v1/ropa?format=json');
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('the unsubscribe page and its answer show tenant and purpose names as text', async () => {
    const link = await (
      await api('POST', '/v1/subjects/xss-person/links', {
        kind: 'unsubscribe',
        purpose: 'newsletter',
        channel: 'email',
      })
    ).json();
    await page.goto(link.url);
    expect(await page.locator('main').innerText()).toContain(
      `Nieuwsbrief ${XSS.img} ${XSS.patterns}`,
    );
    expect(await page.locator('main').innerText()).toContain(TENANT_NAME);
    await expectInert(page);
    await page.getByRole('button').click();
    await page.getByRole('status').waitFor();
    expect(await page.locator('main').innerText()).toContain(
      `Nieuwsbrief ${XSS.img} ${XSS.patterns}`,
    );
    await expectInert(page);
  });

  it('the docs page runs no script of anyone', async () => {
    const res = await page.goto(`${shop.url}/docs`);
    expect(res?.headers()['content-security-policy']).not.toContain('unsafe-inline');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await expectInert(page);
  });
});

/** Every cell of the CSV is formula-free, and the markup is there as plain text. */
function expectCsvInert(csv: string, literally: string[]): void {
  const rows = parse(csv, { relax_column_count: true }) as string[][];
  const formulas = rows.flat().filter((cell) => FORMULA_START.test(cell));
  expect(formulas).toEqual([]);
  for (const text of literally) expect(csv).toContain(text.replace(/"/g, '""'));
  // Every formula we stored is there, quoted.
  const cells = new Set(rows.flat());
  expect(
    [...cells].some(
      (cell) =>
        cell.startsWith("'=") ||
        cell.includes(`'${FORMULAS.eq}`) ||
        cell.startsWith("'@") ||
        cell.startsWith("'-") ||
        cell.startsWith("'+"),
    ),
  ).toBe(true);
}
