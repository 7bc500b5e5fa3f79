// Passkeys in the console, end to end: a privacy officer signs in from the mailed link,
// registers a passkey with Chromium's virtual authenticator (over CDP), signs out and
// signs in again with the passkey alone. WebAuthn needs a domain, not an IP address, as
// its relying party, so this server's PUBLIC_URL names localhost (which is 127.0.0.1).
// Runs on PostgreSQL too when TEST_DATABASE_URL is set: the passkey tables are new.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Browser, BrowserContext } from 'playwright-core';
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
import { dialects } from '../helpers/db.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { pageAxeViolations } from '../helpers/axe.js';

describe.skipIf(skipBrowserTests).each(dialects)(
  'console passkeys in Chromium on %s',
  (dialect) => {
    let smtp: TestSmtp;
    let mailer: SmtpMailer;
    let t: TestApp;
    let url: string;
    let closeServer: () => Promise<void>;
    let tenant: TestTenant;
    let browser: Browser;
    let context: BrowserContext;

    beforeAll(async () => {
      await ensureConsoleBuilt();
      smtp = await startSmtp();
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
      url = `http://localhost:${(server.address() as AddressInfo).port}`;
      mailer = createSmtpMailer(smtp.url, url);
      t = await startTestApp(dialect, { mailer, env: { PUBLIC_URL: url } });
      ready.app = t.app;
      closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
      tenant = await createTestTenant(t);
      browser = await launchChromium();
    }, 120_000);
    afterAll(async () => {
      await context?.close();
      await browser?.close();
      await closeServer?.();
      mailer?.close();
      await smtp?.close();
      await t?.close();
    });

    it('registers a passkey with a virtual authenticator and signs in with it; the audit log says how', async () => {
      expect(
        (
          await t.call('POST', `/v1/admin/tenants/${tenant.tenantId}/staff`, {
            token: ADMIN_TOKEN,
            body: { email: 'petra@shop.example', role: 'privacy_officer', name: 'Petra' },
          })
        ).status,
      ).toBe(201);
      context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });

      const link = new RegExp(`${url}/console/#token=[A-Za-z0-9_-]{43}`).exec(
        (await smtp.mailTo('petra@shop.example')).text ?? '',
      )![0];
      await page.goto(link);
      await page
        .getByRole('navigation', { name: nl.mainNav })
        .getByRole('link', { name: nl.navAccount })
        .click();
      await page.getByRole('heading', { name: nl.passkeysTitle }).waitFor();
      await page.getByText(nl.noPasskeys).waitFor();
      await page.getByLabel(nl.passkeyName).fill('werklaptop');
      await page.getByRole('button', { name: nl.addPasskey }).click();
      await expect
        .poll(() => page.getByRole('status').textContent(), { timeout: 10_000 })
        .toBe('De passkey werklaptop is toegevoegd.');
      await expect.poll(() => page.getByRole('table').textContent()).toContain('werklaptop');
      expect(await pageAxeViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: en.passkeysTitle }).waitFor();
      expect(await pageAxeViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Nederlands' }).click();

      await page.getByRole('button', { name: nl.signOut, exact: true }).click();
      await page.getByRole('heading', { name: nl.signInTitle }).waitFor();
      expect(await pageAxeViolations(page)).toEqual([]);
      await page.getByRole('button', { name: nl.passkeySignIn }).click();
      await page.getByRole('navigation', { name: nl.mainNav }).waitFor();
      expect(await page.getByText('Aangemeld als Petra (privacyfunctionaris)').count()).toBe(1);

      const audit = (await (
        await t.call('GET', '/v1/audit?action=staff.*', { token: tenant.secretKey })
      ).json()) as {
        entries: Array<{ action: string; details: Record<string, unknown>; actorName?: string }>;
      };
      expect(audit.entries.map((e) => e.action)).toEqual([
        'staff.invited',
        'staff.signed_in',
        'staff.passkey_added',
        'staff.signed_in',
      ]);
      expect(audit.entries[3]).toMatchObject({
        details: { method: 'passkey' },
        actorName: 'Petra',
      });
    });

    it('refuses a passkey it does not know, and a sign-in from another origin', async () => {
      const unknown = await t.call('POST', '/console/api/passkeys/sign-in', {
        headers: { origin: url },
        body: {
          response: {
            id: 'bm9wZQ',
            rawId: 'bm9wZQ',
            type: 'public-key',
            response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' },
            clientExtensionResults: {},
          },
        },
      });
      expect(unknown.status).toBe(401);
      expect(
        (
          await t.call('POST', '/console/api/passkeys/sign-in/options', {
            headers: { origin: 'https://evil.example' },
          })
        ).status,
      ).toBe(403);
    });
  },
);
