// The preference center under its own Content-Security-Policy: the page gets
// a policy without 'unsafe-inline' and still works in Chromium with it enforced, with
// no violation reported on any screen. (The other preference-center e2e tests bypass
// CSP so they can inject axe-core; this one does not.)
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import nl from '../../shared/i18n/nl.json';
import { createTestTenant, type TestTenant } from '../helpers/app.js';
import { launchChromium, skipBrowserTests } from '../helpers/chromium.js';
import { mailedSignInUrl } from '../helpers/me.js';
import { ensurePreferenceCenterBuilt } from '../helpers/preference-center-build.js';
import { serveTestApp, type ServedApp } from '../helpers/server.js';

const m = nl.preferenceCenter;

/** The policy's directives as a map: "script-src" → ["'self'"]. */
function directives(policy: string | null | undefined): Map<string, string[]> {
  return new Map(
    (policy ?? '')
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name, values]),
  );
}

describe.skipIf(skipBrowserTests)('the preference center under a strict CSP', () => {
  let served: ServedApp;
  let tenant: TestTenant;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let refused: string[];

  beforeAll(async () => {
    await ensurePreferenceCenterBuilt();
    browser = await launchChromium();
    served = await serveTestApp();
    tenant = await createTestTenant(served.t);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ locale: 'nl-NL', acceptDownloads: true });
    page = await context.newPage();
    refused = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
    });
    // Init scripts come from the browser, outside the page's policy.
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) =>
        seen.push(`${event.violatedDirective} ${event.blockedURI}`),
      );
    });
  });
  afterEach(async () => context?.close());

  const violations = async () => [
    ...refused,
    ...(await page.evaluate(
      () => (window as unknown as { __cspViolations: string[] }).__cspViolations,
    )),
  ];

  it('sends a policy without unsafe-inline or unsafe-eval that allows only its own scripts and styles', async () => {
    const response = await fetch(`${served.url}/p/${tenant.tenantId}`);
    const policy = response.headers.get('content-security-policy');
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    const d = directives(policy);
    expect(d.get('script-src')).toEqual(["'self'"]);
    // The page's own stylesheet is inlined (nothing blocks the first paint) and allowed by its hash alone.
    expect(d.get('style-src')).toEqual([
      "'self'",
      expect.stringMatching(/^'sha256-[A-Za-z0-9+/]{43}='$/),
    ]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toBeDefined();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    // The page for an unknown tenant too.
    const missing = await fetch(`${served.url}/p/ten_unknown`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
  });

  it('the sign-in screen works with the policy enforced', async () => {
    await page.goto(`${served.url}/p/${tenant.tenantId}`);
    await page.getByLabel(m.emailLabel).fill('nobody@example.com');
    await page.getByRole('button', { name: m.sendLink }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('15 minuten');
    expect(await violations()).toEqual([]);
  });

  it('signed in by a signed link, every screen renders and consents can be changed; after the mailed link the download works; no violation', async () => {
    const put = await served.t.call('PUT', '/v1/subjects/csp-person', {
      token: tenant.secretKey,
      body: { email: 'csp@example.com', attributes: { firstName: 'Cas' } },
    });
    expect(put.status).toBeLessThan(300);
    const link = (await (
      await served.t.call('POST', '/v1/subjects/csp-person/links', {
        token: tenant.secretKey,
        body: { kind: 'preferences' },
      })
    ).json()) as { url: string };
    await page.goto(link.url);
    await page.getByRole('navigation', { name: m.nav }).waitFor();
    // The stylesheet applied: the policy did not block it.
    expect(await page.evaluate(() => document.styleSheets.length)).toBeGreaterThan(0);
    expect(
      await page.evaluate(() => getComputedStyle(document.querySelector('main')!).maxWidth),
    ).toBe('768px');

    await page.getByRole('checkbox', { name: 'Statistieken' }).check();
    await page.getByRole('button', { name: m.save }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe(m.saved);

    for (const name of [m.navProfile, m.navData, m.navRights, m.navRequests, m.navConsents]) {
      await page.getByRole('link', { name }).click();
      await page.getByRole('heading', { level: 2 }).first().waitFor();
    }
    // A link session sees the step-up panel; the mailed link opens the rest, downloads included.
    await page.getByRole('heading', { name: m.assuranceTitle }).waitFor();
    await page.goto(await mailedSignInUrl(served.t, tenant.tenantId, 'csp-person'));
    await page.getByRole('navigation', { name: m.nav }).waitFor();
    for (const name of [m.navProfile, m.navRequests]) {
      await page.getByRole('link', { name }).click();
      await page.getByRole('heading', { level: 2 }).first().waitFor();
    }
    await page.getByRole('link', { name: m.navData }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: m.downloadJson }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    expect(await violations()).toEqual([]);
  });

  it('the page for an unknown tenant keeps its inline style (allowed by hash) with no violation', async () => {
    await page.goto(`${served.url}/p/ten_unknown`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.evaluate(() => getComputedStyle(document.body).maxWidth)).toBe('576px');
    expect(await violations()).toEqual([]);
  });

  it('the docs page renders under its policy with no violation', async () => {
    const response = await page.goto(`${served.url}/docs`);
    expect(response?.headers()['content-security-policy']).not.toMatch(/unsafe-inline/);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.evaluate(() => getComputedStyle(document.body).maxWidth)).toBe('960px');
    expect(await violations()).toEqual([]);
  });
});
