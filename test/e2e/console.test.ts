// The console end to end: the real server on a temp SQLite file, a real SMTP server
// receiving Akkoord's mails, and Chromium clicking as staff would. An owner invites a
// privacy officer by e-mail, who signs in from the mailed link, finds a person by
// e-mail, reads the consent timeline, executes an access request (and downloads the
// export) and extends another with a reason that reaches the person's mailbox. A
// marketer sees neither personal fields nor requests. Another privacy officer handles every kind
// of request by keyboard alone. axe-core on every screen, nl and en.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../console/messages/en.json';
import nl from '../../console/messages/nl.json';
import { createSmtpMailer, type SmtpMailer } from '../../server/mail/smtp.js';
import {
  ADMIN_TOKEN,
  createTestTenant,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';
import { launchChromium, skipBrowserTests } from '../helpers/chromium.js';
import { ensureConsoleBuilt } from '../helpers/console-build.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import {
  objectionCounts,
  scriptedChoices,
  scriptedCounts,
  scriptedObjections,
  sendChoices,
} from '../helpers/banner-choices.js';
import { liConfig } from '../helpers/li-config.js';
import { pageAxeViolations } from '../helpers/axe.js';

describe.skipIf(skipBrowserTests)('the console in Chromium', () => {
  let smtp: TestSmtp;
  let mailer: SmtpMailer;
  let t: TestApp;
  let url: string;
  let closeServer: () => Promise<void>;
  let tenant: TestTenant;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await ensureConsoleBuilt();
    smtp = await startSmtp();
    // Listen first: PUBLIC_URL (the base of the links in the mails) must name the port.
    const ready: { app?: TestApp['app'] } = {};
    const server = serve({
      fetch: (request) =>
        ready.app ? ready.app.fetch(request) : new Response('starting', { status: 503 }),
      port: 0,
      hostname: '127.0.0.1',
    });
    await new Promise<void>((resolve) =>
      server.listening ? resolve() : server.once('listening', () => resolve()),
    );
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    mailer = createSmtpMailer(smtp.url, url);
    t = await startTestApp('sqlite', { mailer, env: { PUBLIC_URL: url } });
    ready.app = t.app;
    closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
    tenant = await createTestTenant(t);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await closeServer?.();
    mailer?.close();
    await smtp?.close();
    await t?.close();
  });

  const api = (method: string, path: string, body?: unknown) =>
    t.call(method, path, { token: tenant.secretKey, body });
  const consoleLink = async (email: string, count = 1) => {
    const found = new RegExp(`${url}/console/#token=[A-Za-z0-9_-]{43}`).exec(
      (await smtp.mailTo(email, count)).text ?? '',
    );
    if (!found) throw new Error(`no console link for ${email}`);
    return found[0];
  };

  /** A browser of its own for one person; bypassCSP only lets the test inject axe-core. */
  async function browserFor(options: { bypassCSP?: boolean; width?: number } = {}): Promise<Page> {
    const context = await browser.newContext({
      locale: 'nl-NL',
      bypassCSP: options.bypassCSP ?? true,
      acceptDownloads: true,
      viewport: { width: options.width ?? 1280, height: 900 },
    });
    contexts.push(context);
    return context.newPage();
  }

  async function signInFromMail(page: Page, email: string, count = 1) {
    await page.goto(await consoleLink(email, count));
    await page.getByRole('navigation', { name: nl.mainNav }).waitFor();
    expect(await page.evaluate(() => location.hash)).toBe('');
  }

  async function open(page: Page, name: string) {
    await page.getByRole('navigation').getByRole('link', { name }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 10_000 })
      .toBe(name);
  }

  const status = (page: Page) => page.getByRole('status').textContent();

  /** axe in Dutch and in English, and no sideways scrolling at the page's width. */
  async function checkScreen(page: Page, dutch: string, english: string) {
    expect(await pageAxeViolations(page), `${dutch} (nl)`).toEqual([]);
    await page.getByRole('button', { name: 'English' }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 10_000 })
      .toBe(english);
    expect(await pageAxeViolations(page), `${english} (en)`).toEqual([]);
    await page.getByRole('button', { name: 'Nederlands' }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 10_000 })
      .toBe(dutch);
  }

  it('runs under the strict policy without inline script, from 320 px wide', async () => {
    const page = await browserFor({ bypassCSP: false, width: 320 });
    const problems: string[] = [];
    // A blocked inline script or style shows as a console error; the 401 of "not signed in yet" is expected.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        problems.push(message.text());
    });
    const response = await page.goto(`${url}/console/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByRole('heading', { name: nl.signInTitle }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      320,
    );
    expect(problems).toEqual([]);
    expect(
      await page.evaluate(() =>
        [...document.scripts].every((s) => s.src !== '' || s.type === 'application/json'),
      ),
    ).toBe(true);
  });

  it('an owner invites a privacy officer, who finds a person by e-mail, reads the timeline and handles requests; all audited by name', async () => {
    // A person who wrote in: "klant2@example.nl wants her data".
    expect((await api('PUT', '/v1/subjects/klant-2', { email: 'klant2@example.nl' })).status).toBe(
      201,
    );
    expect(
      (
        await api('POST', '/v1/subjects/klant-2/consents', {
          decisions: { newsletter: { email: true } },
          source: 'import',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api('POST', '/v1/subjects/klant-2/consents', {
          decisions: { newsletter: { email: false } },
        })
      ).status,
    ).toBe(201);
    const access = (await (
      await api('POST', '/v1/requests', {
        subject: 'klant-2',
        type: 'access',
        scope: {},
        execute: false,
      })
    ).json()) as { id: string };
    const objection = (await (
      await api('POST', '/v1/requests', {
        subject: 'klant-2',
        type: 'objection',
        scope: {},
        execute: false,
      })
    ).json()) as { id: string };

    // The operator makes the first owner; the owner signs in from the mail.
    expect(
      (
        await t.call('POST', `/v1/admin/tenants/${tenant.tenantId}/staff`, {
          token: ADMIN_TOKEN,
          body: { email: 'olga@shop.example', role: 'owner', name: 'Olga' },
        })
      ).status,
    ).toBe(201);
    const owner = await browserFor();
    await signInFromMail(owner, 'olga@shop.example');
    await open(owner, nl.navStaff);
    await checkScreen(owner, nl.navStaff, en.navStaff);
    await owner.getByLabel(nl.email, { exact: true }).fill('petra@shop.example');
    await owner.getByLabel(nl.staffName).fill('Petra');
    await owner.getByLabel(nl.staffRole, { exact: true }).selectOption('privacy_officer');
    await owner.getByRole('button', { name: nl.invite }).click();
    await expect
      .poll(() => status(owner), { timeout: 10_000 })
      .toBe('Er is een uitnodiging gestuurd naar petra@shop.example.');
    // The list is read again after the invitation: it may come a moment after the message.
    await expect.poll(() => owner.getByRole('table').textContent()).toContain('petra@shop.example');

    // The privacy officer signs in from the invitation.
    const petra = await browserFor();
    await signInFromMail(petra, 'petra@shop.example');
    expect(await petra.getByRole('navigation').getByRole('link').allTextContents()).toEqual([
      nl.navRequests,
      nl.navPeople,
      nl.navInsights,
      nl.navAudit,
      nl.navRopa,
      nl.navAccount,
    ]);
    await checkScreen(petra, nl.navRequests, en.navRequests);

    // People: by e-mail, the consent timeline per purpose and channel.
    await open(petra, nl.navPeople);
    await petra.getByLabel(nl.findLabel).fill('KLANT2@example.nl');
    await petra.getByRole('button', { name: nl.find }).click();
    await petra.getByRole('heading', { name: 'Persoon klant-2' }).waitFor();
    const timeline = petra.getByRole('table', { name: 'newsletter · email' });
    expect(await timeline.getByRole('row').count()).toBe(3);
    expect(await timeline.textContent()).toMatch(/gegeven.*import.*ingetrokken.*api/s);
    expect(await timeline.textContent()).toMatch(/cns_/);
    expect(await petra.getByRole('definition').first().textContent()).toBe('klant2@example.nl');
    // A request started from the person's page: tracked, listed with their requests.
    const startForm = petra.getByRole('form', { name: nl.startRequest });
    await startForm.getByLabel(nl.registerType).selectOption('objection');
    await startForm.getByLabel(nl.registerChannel).selectOption('phone');
    await startForm.getByRole('button', { name: nl.start }).click();
    await expect
      .poll(() => status(petra), { timeout: 10_000 })
      .toMatch(/^Verzoek req_\S+ is geregistreerd\.$/);
    await expect
      .poll(() => petra.getByRole('region', { name: nl.personRequests }).textContent())
      .toContain('Bezwaar · open');

    // A receipt a visitor sent as proof: checked against the published keys and the ledger.
    const consent = await t.call('POST', '/v1/consents', {
      headers: { origin: 'https://shop.example' },
      body: {
        key: tenant.publicKey,
        visitorId: 'v_CCCCCCCCCCCCCCCCCCCCCCCCCCCC',
        decisions: { analytics: true },
        configVersion: 1,
        locale: 'nl',
        source: 'banner',
        gpc: false,
        clientEventId: 'e2e-receipt-1',
      },
    });
    await petra
      .getByLabel(nl.receiptLabel)
      .fill(((await consent.json()) as { receipt: string }).receipt);
    await petra.getByRole('button', { name: nl.receiptVerify }).click();
    const checked = petra.getByRole('definition').filter({ hasText: /^(Ja|Nee)$/ });
    await expect
      .poll(() => checked.allTextContents(), { timeout: 10_000 })
      .toEqual(['Ja', 'Ja', 'Ja']);
    await checkScreen(petra, nl.navPeople, en.navPeople);

    // Requests: execute the access request and download its export; extend the objection with a reason.
    await open(petra, nl.navRequests);
    await petra.getByRole('button', { name: `${nl.execute}: Inzage ${access.id}` }).click();
    await petra.getByRole('heading', { name: new RegExp(access.id) }).waitFor();
    await petra.getByRole('button', { name: nl.execute, exact: true }).click();
    await expect
      .poll(() => status(petra), { timeout: 10_000 })
      .toBe(`Verzoek ${access.id} is uitgevoerd.`);
    const [download] = await Promise.all([
      petra.waitForEvent('download'),
      petra.getByRole('link', { name: `${nl.download} (${access.id})` }).click(),
    ]);
    expect(fs.readFileSync(await download.path(), 'utf8')).toContain('klant2@example.nl');

    await petra.getByRole('button', { name: `${nl.extend}: Bezwaar ${objection.id}` }).click();
    await petra.getByLabel(nl.extendReason).fill('Wij wachten op gegevens van onze verwerker.');
    await petra.getByRole('button', { name: nl.confirmExtend }).click();
    await expect
      .poll(() => status(petra), { timeout: 10_000 })
      .toBe(`Verzoek ${objection.id} is verlengd; de persoon hoort waarom.`);
    // The person's first mail is the download link of the access request carried out above.
    expect((await smtp.mailTo('klant2@example.nl', 1)).text).toContain('#export=');
    const notice = await smtp.mailTo('klant2@example.nl', 2);
    expect(notice.text).toContain('Wij wachten op gegevens van onze verwerker.');

    // A letter that arrived 25 days ago: registered with its date, so it is due within a week; by keyboard
    // alone, the identity check is noted and the request executed.
    const arrived = new Date(Date.now() - 25 * 86_400_000);
    const day = `${arrived.getFullYear()}-${String(arrived.getMonth() + 1).padStart(2, '0')}-${String(arrived.getDate()).padStart(2, '0')}`;
    await petra.getByLabel(nl.registerSubject).fill('klant-2');
    await petra.getByLabel(nl.registerType).selectOption('portability');
    await petra.getByLabel(nl.registerReceived).fill(day);
    await petra.getByLabel(nl.registerChannel).selectOption('letter');
    const before = await status(petra);
    await petra.getByRole('button', { name: nl.register }).press('Enter');
    await expect
      .poll(async () => ((await status(petra)) === before ? '' : await status(petra)), {
        timeout: 10_000,
      })
      .toMatch(/^Verzoek req_\S+ is geregistreerd\.$/);
    const letter = /(req_\S+)/.exec((await status(petra)) ?? '')![1];
    const soon = petra.getByRole('region', { name: new RegExp(`^${nl.dueSoonTitle}`) });
    await expect.poll(() => soon.textContent()).toContain(letter);
    await expect
      .poll(() => soon.textContent())
      .toContain('per brief; identiteit nog niet gecontroleerd');
    await soon.getByRole('button', { name: `${nl.identity}: Overdraagbaarheid ${letter}` }).focus();
    await petra.keyboard.press('Enter');
    await expect
      .poll(() => petra.evaluate(() => document.activeElement?.id), { timeout: 10_000 })
      .toBe('handle-title');
    await petra.keyboard.press('Tab');
    await petra.keyboard.press('ArrowDown');
    await petra.keyboard.press('Tab');
    await petra.keyboard.press('Enter');
    await expect
      .poll(() => status(petra), { timeout: 10_000 })
      .toBe(`De identiteitscontrole voor ${letter} is vastgelegd.`);
    await expect
      .poll(() => soon.textContent(), { timeout: 10_000 })
      .toContain('identiteit: identiteitsbewijs');
    await soon.getByRole('button', { name: `${nl.execute}: Overdraagbaarheid ${letter}` }).focus();
    await petra.keyboard.press('Enter');
    await expect
      .poll(() => petra.evaluate(() => document.activeElement?.id), { timeout: 10_000 })
      .toBe('handle-title');
    await petra.keyboard.press('Tab');
    await petra.keyboard.press('Enter');
    await expect
      .poll(() => status(petra), { timeout: 10_000 })
      .toBe(`Verzoek ${letter} is uitgevoerd.`);
    await checkScreen(petra, nl.navRequests, en.navRequests);

    // The audit log names Petra for every one of her actions, the personal-data reads included.
    await open(petra, nl.navAudit);
    await petra.getByLabel(nl.filterActor).fill(
      (
        (await (await api('GET', '/v1/staff')).json()) as {
          staff: Array<{ id: string; name: string }>;
        }
      ).staff.find((s) => s.name === 'Petra')!.id,
    );
    await petra.getByRole('button', { name: nl.applyFilters }).click();
    await expect
      .poll(async () => (await petra.getByRole('table').textContent()) ?? '', { timeout: 10_000 })
      .toContain('request.extended');
    const log = (await petra.getByRole('table').textContent()) ?? '';
    for (const action of [
      'staff.signed_in',
      'subject.looked_up',
      'subject.pii_read',
      'request.completed',
      'request.export_read',
      'request.extended',
      'request.received',
      'request.identity_checked',
    ]) {
      expect(log, action).toContain(action);
    }
    expect(log).toContain('Petra');
    expect(log).not.toContain('klant2@example.nl');
    await checkScreen(petra, nl.navAudit, en.navAudit);

    // The register of processing, and the ledger verified with its result.
    await open(petra, nl.navRopa);
    await petra.getByRole('table', { name: nl.activities }).waitFor();
    await petra.getByRole('button', { name: nl.verifyLedger }).click();
    await expect
      .poll(() => status(petra), { timeout: 10_000 })
      .toBe('Het register klopt: 3 beslissingen, elk aan de vorige geketend.');
    await checkScreen(petra, nl.navRopa, en.navRopa);

    // Webhooks: add one (its secret shown once) and read its deliveries.
    await open(owner, nl.navWebhooks);
    await owner.getByLabel(nl.webhookUrl).fill('http://127.0.0.1:9/hook');
    await owner.getByRole('checkbox', { name: 'consent.updated' }).check();
    await owner.getByRole('button', { name: nl.createWebhook }).last().click();
    await expect
      .poll(
        async () =>
          (await owner.getByRole('region', { name: nl.webhookSecret }).textContent()) ?? '',
        { timeout: 10_000 },
      )
      .toContain('whsec_');
    await owner
      .getByRole('button', { name: `${nl.showDeliveries}: http://127.0.0.1:9/hook` })
      .click();
    await owner
      .getByRole('heading', { name: 'Afleveringen aan http://127.0.0.1:9/hook' })
      .waitFor();
    await owner.getByRole('button', { name: `${nl.pause}: http://127.0.0.1:9/hook` }).click();
    await expect.poll(() => status(owner), { timeout: 10_000 }).toBe(nl.webhookPaused);
    await owner.getByRole('button', { name: `${nl.resume}: http://127.0.0.1:9/hook` }).waitFor();
    await checkScreen(owner, nl.navWebhooks, en.navWebhooks);

    // The owner names a key; its secret is shown once.
    await open(owner, nl.navKeys);
    await owner.getByLabel(nl.keyName).fill('mailchimp-sync');
    await owner.getByRole('checkbox', { name: 'feed:read' }).check();
    await owner.getByRole('button', { name: nl.createKey }).last().click();
    await expect
      .poll(async () => (await owner.locator('#secret-value').textContent()) ?? '', {
        timeout: 10_000,
      })
      .toMatch(/^sk_/);
    // The list is read again after the secret is shown: wait for it rather than race it.
    await expect
      .poll(async () => (await owner.getByRole('table').textContent()) ?? '', { timeout: 10_000 })
      .toContain('mailchimp-sync');
    await checkScreen(owner, nl.navKeys, en.navKeys);
  });

  it('the whole request flow by keyboard alone: register, identity check, execute, extend with a reason, refuse, cancel; the screen loads without a layout shift', async () => {
    expect((await api('PUT', '/v1/subjects/klant-4', { email: 'klant4@example.nl' })).status).toBe(
      201,
    );
    const made = async (type: string) =>
      (
        (await (
          await api('POST', '/v1/requests', { subject: 'klant-4', type, scope: {}, execute: false })
        ).json()) as { id: string }
      ).id;
    const toExtend = await made('access');
    const toRefuse = await made('objection');
    const toCancel = await made('objection');
    expect(
      (
        await api('POST', '/v1/staff', {
          email: 'kees@shop.example',
          role: 'privacy_officer',
          name: 'Kees',
        })
      ).status,
    ).toBe(201);
    const kees = await browserFor({ width: 412 });
    // Every layout shift from the first paint on; the signed-in shell must not push the screen down.
    await kees.addInitScript(() => {
      const seen: number[] = [];
      (window as unknown as { shifts: number[] }).shifts = seen;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries())
          seen.push((entry as unknown as { value: number }).value);
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await signInFromMail(kees, 'kees@shop.example');
    await kees.getByRole('region', { name: new RegExp(`^${nl.laterTitle}`) }).waitFor();
    expect(await kees.evaluate(() => (window as unknown as { shifts: number[] }).shifts)).toEqual(
      [],
    );

    /** Tab (forwards) until the named control has focus; it must show a focus ring there. */
    const tabTo = async (name: string, tag: string) => {
      for (let presses = 0; presses < 200; presses += 1) {
        await kees.keyboard.press('Tab');
        const at = await kees.evaluate(() => {
          const el = document.activeElement as HTMLElement & {
            labels?: NodeListOf<HTMLLabelElement>;
          };
          return {
            tag: el.tagName,
            name:
              el.getAttribute('aria-label') ??
              el.labels?.[0]?.textContent ??
              el.textContent?.trim() ??
              '',
            ring: getComputedStyle(el).outlineStyle,
            inView: el.getBoundingClientRect().height > 0,
          };
        });
        if (at.tag === tag && at.name === name) {
          expect(at.ring, `focus ring on ${name}`).not.toBe('none');
          expect(at.inView, `${name} is drawn`).toBe(true);
          return;
        }
      }
      throw new Error(`Tab never reached ${tag} "${name}"`);
    };
    const said = (template: string, id: string) =>
      expect.poll(() => status(kees), { timeout: 10_000 }).toBe(template.replace('{id}', id));
    const focused = () =>
      kees.evaluate(
        () =>
          document.activeElement?.getAttribute('aria-label') ??
          document.activeElement?.textContent ??
          '',
      );
    const panelHasFocus = () =>
      expect
        .poll(() => kees.evaluate(() => document.activeElement?.id), { timeout: 10_000 })
        .toBe('handle-title');

    // A phone call, registered by keyboard: subject typed, channel chosen with the arrow keys.
    await tabTo(nl.registerSubject, 'INPUT');
    await kees.keyboard.type('klant-4');
    await tabTo(nl.registerChannel, 'SELECT');
    await kees.keyboard.press('ArrowDown');
    await kees.keyboard.press('ArrowDown');
    expect(await kees.getByLabel(nl.registerChannel).inputValue()).toBe('phone');
    await tabTo(nl.register, 'BUTTON');
    await kees.keyboard.press('Enter');
    await expect
      .poll(() => status(kees), { timeout: 10_000 })
      .toMatch(/^Verzoek req_\S+ is geregistreerd\.$/);
    const phoned = /(req_\S+)/.exec((await status(kees)) ?? '')![1];

    // Its identity check, then its execution.
    await tabTo(`${nl.identity}: Inzage ${phoned}`, 'BUTTON');
    await kees.keyboard.press('Enter');
    await panelHasFocus();
    await tabTo(nl.identityMethod, 'SELECT');
    await kees.keyboard.press('ArrowDown');
    await tabTo(nl.identity, 'BUTTON');
    await kees.keyboard.press('Enter');
    await said(nl.identityNoted, phoned);
    // The keyboard is back on the request's row, on its next step.
    await expect.poll(focused, { timeout: 10_000 }).toBe(`${nl.execute}: Inzage ${phoned}`);
    await kees.keyboard.press('Enter');
    await panelHasFocus();
    await tabTo(nl.execute, 'BUTTON');
    await kees.keyboard.press('Enter');
    await said(nl.executed, phoned);
    await expect.poll(focused, { timeout: 10_000 }).toBe(nl.closedTitle);

    // Extend with a reason, refuse with a ground and an explanation, cancel.
    await tabTo(`${nl.extend}: Inzage ${toExtend}`, 'BUTTON');
    await kees.keyboard.press('Enter');
    await panelHasFocus();
    await tabTo(nl.extendReason, 'TEXTAREA');
    await kees.keyboard.type('Wij wachten op onze verwerker.');
    await tabTo(nl.confirmExtend, 'BUTTON');
    await kees.keyboard.press('Enter');
    await said(nl.extended, toExtend);
    await expect.poll(focused, { timeout: 10_000 }).toBe(`${nl.execute}: Inzage ${toExtend}`);

    await tabTo(`${nl.refuse}: Bezwaar ${toRefuse}`, 'BUTTON');
    await kees.keyboard.press('Enter');
    await panelHasFocus();
    await tabTo(nl.refuseGround, 'SELECT');
    await kees.keyboard.press('ArrowDown');
    await tabTo(nl.refuseExplanation, 'TEXTAREA');
    await kees.keyboard.type('U vroeg dit vorige week al; het antwoord is verstuurd.');
    await tabTo(nl.confirmRefuse, 'BUTTON');
    await kees.keyboard.press('Enter');
    await said(nl.refused, toRefuse);

    await tabTo(`${nl.cancel}: Bezwaar ${toCancel}`, 'BUTTON');
    await kees.keyboard.press('Enter');
    await panelHasFocus();
    await tabTo(nl.cancel, 'BUTTON');
    await kees.keyboard.press('Enter');
    await said(nl.cancelled, toCancel);

    const statusOf = async (id: string) =>
      (await (await api('GET', `/v1/requests/${id}`)).json()) as {
        status: string;
        extension: { reason: string } | null;
      };
    expect((await statusOf(phoned)).status).toBe('completed');
    expect((await statusOf(toExtend)).extension?.reason).toBe('Wij wachten op onze verwerker.');
    expect((await statusOf(toRefuse)).status).toBe('refused');
    expect((await statusOf(toCancel)).status).toBe('cancelled');
  });

  it('a marketer sees no requests and no personal fields, and the API refuses them too', async () => {
    expect((await api('PUT', '/v1/subjects/klant-3', { email: 'klant3@example.nl' })).status).toBe(
      201,
    );
    expect(
      (
        await api('POST', '/v1/staff', {
          email: 'mark@shop.example',
          role: 'marketer',
          name: 'Mark',
        })
      ).status,
    ).toBe(201);
    const mark = await browserFor();
    await signInFromMail(mark, 'mark@shop.example');
    expect(await mark.getByRole('navigation').getByRole('link').allTextContents()).toEqual([
      nl.navPeople,
      nl.navInsights,
      nl.navStudio,
      nl.navWebhooks,
      nl.navAccount,
    ]);
    await mark.getByLabel(nl.registerSubject).fill('klant-3');
    await mark.getByRole('button', { name: nl.find }).click();
    await mark.getByRole('heading', { name: 'Persoon klant-3' }).waitFor();
    expect(await mark.getByRole('definition').first().textContent()).toBe(nl.notVisible);
    expect(await mark.content()).not.toContain('klant3@example.nl');
    const refused = await mark.evaluate(async () => (await fetch('/v1/requests')).status);
    expect(refused).toBe(403);
    const lookup = await mark.evaluate(
      async () => (await fetch('/v1/subjects?email=klant3@example.nl')).status,
    );
    expect(lookup).toBe(403);
  });

  it('GDPR-40: after 300 scripted banner choices and 12 objections the insights screen shows exactly those counts, in its charts and tables, and as CSV', async () => {
    // A shop of its own, so the counts are exactly the scripted ones and nothing the other tests wrote.
    const counted = await createTestTenant(t);
    await sendChoices(
      (body) => t.call('POST', '/v1/consents', { body }),
      counted.publicKey,
      scriptedChoices(),
    );
    const invited = await t.call('POST', '/v1/staff', {
      token: counted.secretKey,
      body: { email: 'ilse@shop.example', role: 'marketer', name: 'Ilse' },
    });
    expect(invited.status).toBe(201);
    const ilse = await browserFor();
    await signInFromMail(ilse, 'ilse@shop.example');
    await open(ilse, nl.navInsights);
    await ilse.locator('#ins-shares').waitFor();
    const cells = async (table: string) =>
      ilse
        .locator(`${table} tbody tr`)
        .evaluateAll((rows) =>
          rows.map((row) => Array.from(row.children, (cell) => cell.textContent)),
        );
    const shares = Object.fromEntries(
      (await cells('#ins-shares')).map(([label, count]) => [label, Number(count)]),
    );
    const c = scriptedCounts.choices;
    expect(shares).toEqual({
      [nl.insKind_accept_all]: c.accept_all,
      [nl.insKind_reject_all]: c.reject_all,
      [nl.insKind_save_choices]: c.save_choices,
      [nl.insKind_placeholder]: 0,
      [nl.insKind_script]: c.script,
      [nl.insKind_other]: 0,
      [nl.insKind_gpc]: c.gpc,
      [nl.insTotal]: c.total,
    });
    const byKey = (rows: Array<Array<string | null>>) =>
      [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(byKey(await cells('#ins-purposes'))).toEqual(
      byKey(
        Object.entries(scriptedCounts.purposes).map(([key, s]) => [
          key,
          ...[s.granted, s.denied, s.withdrawn, s.expired, s.objected].map(String),
        ]),
      ),
    );
    expect(await cells('#ins-locales')).toEqual([
      ['nl', '270', '100', '80'],
      ['en', '30', '30', '0'],
    ]);

    // The chart: each series' drawn points, read back through the axis, are the counts per day.
    const drawnSeries = (title: string) =>
      ilse.getByRole('img', { name: title }).evaluate((svg) => {
        const [, top, , height] = svg.getAttribute('data-plot')!.split(' ').map(Number);
        const max = Number(svg.getAttribute('data-y-max'));
        return Object.fromEntries(
          Array.from(svg.querySelectorAll('[data-series]'), (g) => [
            g.getAttribute('data-series'),
            g
              .querySelector('polyline')!
              .getAttribute('points')!
              .split(' ')
              .map((p) => Math.round(((top + height - Number(p.split(',')[1])) / height) * max)),
          ]),
        );
      });
    const drawn = await drawnSeries(nl.insChoicesChart);
    const days = drawn.accept_all.length;
    expect(days).toBe(30);
    const onlyToday = (n: number) => [...Array(days - 1).fill(0), n];
    expect(drawn).toEqual({
      accept_all: onlyToday(c.accept_all),
      reject_all: onlyToday(c.reject_all),
      save_choices: onlyToday(c.save_choices),
      script: onlyToday(c.script),
    });

    const download = ilse.waitForEvent('download');
    await ilse.getByRole('link', { name: nl.downloadCsv }).click();
    const csv = fs
      .readFileSync(await (await download).path(), 'utf8')
      .trim()
      .split('\r\n');
    expect(csv[0]).toMatch(
      /^period,choices,accept_all,reject_all,save_choices,placeholder,script,other,gpc,/,
    );
    expect(csv.at(-1)).toMatch(new RegExp(`,300,130,80,50,0,40,0,30,`));
    expect(await ilse.getByRole('img', { name: nl.insObjectionsChart }).count()).toBe(0);

    // Objections to a purpose on legitimate interest: counted in the table, drawn in a chart of their own, in the CSV.
    expect(
      (await t.call('PUT', '/v1/config', { token: counted.secretKey, body: liConfig() })).status,
    ).toBe(201);
    await sendChoices(
      (body) => t.call('POST', '/v1/consents', { body }),
      counted.publicKey,
      scriptedObjections(),
      2,
    );
    await ilse.reload();
    await ilse.locator('#ins-shares').waitFor();
    const fraud = (await cells('#ins-purposes')).find(([key]) => key === 'fraud');
    const o = objectionCounts.fraud;
    expect(fraud).toEqual([
      'fraud',
      ...[o.granted, o.denied, o.withdrawn, o.expired, o.objected].map(String),
    ]);
    expect(await ilse.locator('#ins-purposes thead th').allTextContents()).toContain(
      nl.insStatus_objected,
    );
    expect(await drawnSeries(nl.insObjectionsChart)).toEqual({ fraud: onlyToday(o.objected) });
    const again = ilse.waitForEvent('download');
    await ilse.getByRole('link', { name: nl.downloadCsv }).click();
    const [head, ...rows] = fs
      .readFileSync(await (await again).path(), 'utf8')
      .trim()
      .split('\r\n')
      .map((line) => line.split(','));
    expect(rows.at(-1)![head.indexOf('fraud objected')]).toBe(String(o.objected));
    expect(rows.at(-1)![head.indexOf('necessary granted')]).toBe(
      String(scriptedCounts.purposes.necessary.granted + objectionCounts.necessary.granted),
    );
    await checkScreen(ilse, nl.navInsights, en.navInsights);
  });
});
