// The banner studio end to end on the demo shop: a returning visitor has chosen; a marketer
// edits a purpose's name in both languages, sees the lint refuse a pre-ticked optional purpose
// beside that field, sees the real banner change in the preview at both widths, in both
// languages and both layers (toggled by keyboard), publishes, and the visitor is asked again.
// The history shows the diff and publishes the old version again. The preview records nothing.
// axe-core on the studio in nl and en, and axe-core's own run inside the preview.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../console/messages/en.json';
import nl from '../../console/messages/nl.json';
import sen from '../../console/messages/studio-en.json';
import snl from '../../console/messages/studio-nl.json';
import { ADMIN_TOKEN } from '../helpers/app.js';
import { launchChromium, skipBrowserTests } from '../helpers/chromium.js';
import { ensureConsoleBuilt } from '../helpers/console-build.js';
import { serveDemoShop } from '../helpers/server.js';
import { studioFieldPatterns } from '../helpers/studio-fields.js';
import { ensureWidgetBuilt } from '../helpers/widget-build.js';
import { pageAxeViolations } from '../helpers/axe.js';

describe.skipIf(skipBrowserTests)('the banner studio in Chromium', () => {
  let shop: Awaited<ReturnType<typeof serveDemoShop>>;
  let browser: Browser;

  beforeAll(async () => {
    await Promise.all([ensureConsoleBuilt(), ensureWidgetBuilt()]);
    shop = await serveDemoShop();
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
  });

  const ledgerRows = async () =>
    Number(
      (
        await shop.t.ctx.db
          .selectFrom('consent_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const mailText = async (to: string) => {
    for (let i = 0; i < 100; i++) {
      const response = await fetch(`${shop.url}/dev/outbox`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const { mails } = (await response.json()) as { mails: Array<{ to: string; text: string }> };
      const found = mails.find((m) => m.to === to);
      if (found) return found.text;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no mail to ${to}`);
  };

  it('GDPR-12, GDPR-50, A11Y-04: a marketer edits, is refused a pre-ticked purpose, previews, publishes; the visitor is asked again; history and republish work', async () => {
    // A returning visitor chose on the demo shop.
    const visitorContext = await browser.newContext({ locale: 'nl-NL' });
    const visitor = await visitorContext.newPage();
    // Routing turns the HTTP cache off, so the next visit gets the banner as now published.
    await visitor.route('**/widget.js*', (route) => route.continue());
    await visitor.goto(`${shop.url}/`);
    await visitor.getByRole('button', { name: 'Alles accepteren' }).click();
    await expect
      .poll(
        () =>
          visitor.evaluate(
            async () =>
              (
                await (
                  window.akkoord as unknown as { ready(): Promise<{ pending: number }> }
                ).ready()
              ).pending,
          ),
        { timeout: 10_000 },
      )
      .toBe(0);
    await visitor.reload();
    await visitor.waitForFunction(() => window.akkoord !== undefined);
    expect(await visitor.getByRole('button', { name: 'Alles accepteren' }).isVisible()).toBe(false);

    // The marketer signs in from the invitation.
    expect(
      (
        await shop.t.call('POST', `/v1/admin/tenants/${shop.demo.tenantId}/staff`, {
          token: ADMIN_TOKEN,
          body: { email: 'mara@shop.example', role: 'marketer', name: 'Mara' },
        })
      ).status,
    ).toBe(201);
    const link = /http:\/\/[^\s]+\/console\/#token=[A-Za-z0-9_-]{43}/.exec(
      await mailText('mara@shop.example'),
    )![0];
    const context = await browser.newContext({
      locale: 'nl-NL',
      bypassCSP: true,
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    await page.goto(link);
    await page
      .getByRole('navigation', { name: nl.mainNav })
      .getByRole('link', { name: nl.navStudio })
      .click();
    await page.getByRole('heading', { level: 2, name: snl.editor }).waitFor();
    const axeStatus = page.locator('.axe-clean');
    await axeStatus.waitFor({ timeout: 30_000 });
    expect(await pageAxeViolations(page, { iframes: false }), 'studio (nl)').toEqual([]);

    const ledgerBefore = await ledgerRows();
    const analytics = page.getByRole('group', { name: 'Doel analytics' });
    await analytics.getByLabel('Naam (nl)').fill('Bezoekersstatistieken');
    await analytics.getByLabel('Naam (en)').fill('Visitor statistics');

    // The lint refuses a pre-ticked optional purpose, beside that field, with the rule and why.
    const preTicked = analytics.getByLabel(snl.default);
    await preTicked.check();
    const problem = page.locator('#f-purposes-1-default-lint');
    await expect.poll(() => problem.textContent()).toContain('OPTIONAL_PURPOSE_ON_BY_DEFAULT');
    expect(await problem.textContent()).toContain('vooraf aangevinkt vakje');
    expect(await preTicked.getAttribute('aria-invalid')).toBe('true');
    expect(await preTicked.getAttribute('aria-describedby')).toBe('f-purposes-1-default-lint');
    await page.getByLabel(snl.confirm).check();
    expect(await page.getByRole('button', { name: /Versie 2 publiceren/ }).isDisabled()).toBe(true);
    await preTicked.uncheck();
    await expect.poll(() => problem.count()).toBe(0);

    // A field the draft keeps parsed (one data set per line) keeps what is typed key by key, a
    // line half written included, and the lint speaks beside it too.
    const keptByLaw = page.locator('#f-retention-keptByLaw');
    await keptByLaw.pressSequentially('invoices=2557 wet');
    expect(await keptByLaw.inputValue()).toBe('invoices=2557 wet');
    const keptProblem = page.locator('#f-retention-keptByLaw-lint');
    await expect.poll(() => keptProblem.textContent()).toContain('KEPT_BY_LAW_WITHOUT_BASIS');
    await keptByLaw.fill('');
    await expect.poll(() => keptProblem.count()).toBe(0);

    // The preview: the real banner with the draft, at both widths, in both languages and layers.
    const frame = () => page.frameLocator('iframe[sandbox="allow-scripts"]');
    const frameSays = (text: string) =>
      expect
        .poll(
          () =>
            frame()
              .locator('body')
              .evaluate((body) => {
                const root = [...body.children].find((e) => e.shadowRoot)?.shadowRoot;
                return root?.textContent ?? '';
              })
              .catch(() => ''),
          { timeout: 20_000 },
        )
        .toContain(text);
    /** Waits until the banner's shadow root in the preview holds an element matching `selector`. */
    const frameHas = (selector: string) =>
      expect
        .poll(
          () =>
            frame()
              .locator('body')
              .evaluate(
                (body, wanted) =>
                  Boolean(
                    [...body.children].find((e) => e.shadowRoot)?.shadowRoot?.querySelector(wanted),
                  ),
                selector,
              )
              .catch(() => false),
          { timeout: 20_000 },
        )
        .toBe(true);
    await frameSays('Bezoekersstatistieken');
    const press = async (group: string, name: string) => {
      const button = page
        .getByRole('group', { name: group })
        .getByRole('button', { name, exact: true });
      await button.focus();
      await page.keyboard.press('Enter');
      expect(await button.getAttribute('aria-pressed')).toBe('true');
    };
    await press(snl.width, snl.mobile);
    expect(await page.locator('iframe[sandbox]').getAttribute('width')).toBe('375');
    await frameSays('Bezoekersstatistieken');
    expect(
      await frame()
        .locator('body')
        .evaluate(() => innerWidth),
    ).toBe(375);
    await press(snl.previewLanguage, 'en');
    await frameSays('Visitor statistics');
    await press(snl.layer, snl.settings);
    await frameSays('Visitor statistics');
    // The settings dialog's script is fetched on demand: it opens a moment after the press.
    await frameHas('[role="dialog"]');
    await press(snl.width, snl.desktop);
    await press(snl.previewLanguage, 'nl');
    await frameSays('Bezoekersstatistieken');
    await axeStatus.waitFor({ timeout: 30_000 });
    // Choosing inside the preview records nothing.
    await frame()
      .locator('body')
      .evaluate((body) => {
        const root = [...body.children].find((e) => e.shadowRoot)?.shadowRoot;
        (
          [...(root?.querySelectorAll('button') ?? [])].find((b) =>
            /accepteren|opslaan/i.test(b.textContent ?? ''),
          ) as HTMLButtonElement | undefined
        )?.click();
      });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await ledgerRows()).toBe(ledgerBefore);

    // Every field of the configuration has its control, each language's fields in both languages.
    const ids = await page.evaluate(() =>
      [...document.querySelectorAll('[id^="f-"]')].map((element) => element.id),
    );
    for (const locale of ['nl', 'en'])
      expect(
        studioFieldPatterns(locale)
          .filter((p) => !ids.some((id) => p.test(id)))
          .map(String),
        locale,
      ).toEqual([]);
    // The interest a legitimate-interest purpose pursues: left empty, the lint says so beside it.
    const interest = page
      .getByRole('group', { name: 'Doel necessary' })
      .getByLabel(snl.interest.replace('{locale}', 'en'));
    await interest.fill('');
    await expect
      .poll(() => page.locator('#f-purposes-0-text-en-interest-lint').textContent())
      .toContain('INTEREST_NOT_DESCRIBED');
    expect(await interest.getAttribute('aria-describedby')).toBe(
      'f-purposes-0-text-en-interest-lint',
    );
    await interest.fill('A shop that works and remembers what you chose.');
    await expect.poll(() => interest.getAttribute('aria-invalid')).toBe(null);
    // Advanced Consent Mode is refused until its risk is accepted, beside that box; by keyboard.
    const mode = page.getByLabel(snl.consentModeMode, { exact: true });
    await mode.selectOption('advanced');
    const risk = page.getByLabel(snl.advancedRisk);
    await expect
      .poll(() => page.locator('#f-consentMode-advancedRiskAccepted-lint').textContent())
      .toContain('CONSENT_MODE_ADVANCED_RISK');
    await risk.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => risk.getAttribute('aria-invalid')).toBe(null);
    await mode.selectOption('basic');
    await risk.focus();
    await page.keyboard.press('Space');
    expect(await risk.isChecked()).toBe(false);
    // The banner's position, chosen by keyboard, moves the banner in the preview.
    await page.getByLabel(snl.position, { exact: true }).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel(snl.position, { exact: true }).inputValue()).toBe('corner');
    await frameHas('.ak.corner');
    await axeStatus.waitFor({ timeout: 30_000 });

    // Publish: the summary, material, an explicit confirmation.
    const summary = page.getByRole('table', { name: snl.changes });
    await expect.poll(() => summary.textContent()).toContain('purposes[analytics].text.nl.name');
    expect(await page.getByText(snl.material).count()).toBe(1);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 2, name: sen.editor }).waitFor();
    await page.locator('.axe-clean').waitFor({ timeout: 30_000 });
    expect(await pageAxeViolations(page, { iframes: false }), 'studio (en)').toEqual([]);
    await page.getByRole('button', { name: 'Nederlands' }).click();
    await page.getByRole('heading', { level: 2, name: snl.editor }).waitFor();
    await page.getByLabel(snl.confirm).check();
    await page.getByRole('button', { name: /Versie 2 publiceren/ }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe('Versie 2 is gepubliceerd.');
    const second = (
      await (await shop.t.call('GET', '/v1/config', { token: shop.demo.secretKey })).json()
    ).config;
    expect(second.theme.position).toBe('corner');
    expect(second.purposes[0].text.en.interest).toBe(
      'A shop that works and remembers what you chose.',
    );
    expect(second.consentMode).toMatchObject({ mode: 'basic' });
    expect(second.consentMode.advancedRiskAccepted).toBeUndefined();

    // The returning visitor is asked again, with the new name.
    await visitor.goto(`${shop.url}/`);
    await visitor.getByRole('button', { name: 'Alles accepteren' }).waitFor({ timeout: 10_000 });
    expect(await visitor.getByText(/Bezoekersstatistieken/).count()).toBeGreaterThan(0);

    // The history: versions, the diff between 1 and 2, and version 1 published again.
    await page.getByRole('button', { name: snl.compare }).click();
    const diff = page.getByRole('table', { name: 'Verschillen van versie 1 naar 2' });
    await expect.poll(() => diff.textContent()).toContain('purposes[analytics].text.nl.name');
    await expect.poll(() => diff.textContent()).toContain('Bezoekersstatistieken');
    await page.getByRole('button', { name: 'Versie 1 opnieuw publiceren' }).click();
    await page.getByRole('button', { name: snl.republishYes }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe('Versie 3 is gepubliceerd.');
    const current = await (
      await shop.t.call('GET', '/v1/config', { token: shop.demo.secretKey })
    ).json();
    expect(current.version).toBe(3);
    expect(current.config.purposes[1].text.nl.name).not.toBe('Bezoekersstatistieken');
    expect(
      await pageAxeViolations(page, { iframes: false }),
      'studio after publishing (nl)',
    ).toEqual([]);
    void en;
  }, 180_000);
});
