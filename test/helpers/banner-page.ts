// Reading the banner and the demo shop from a Playwright page: what ran, what is stored, what
// the server recorded. Playwright's CSS locators pierce the banner's open shadow root.
import type { BrowserContext, Page } from 'playwright-core';
import { parseChoiceCookie, type StoredChoice } from '../../widget/consent/cookie.js';

export const banner = (page: Page) => page.locator('akkoord-consent .banner');
export const settingsDialog = (page: Page) => page.locator('akkoord-consent .dialog');
export const reopenButton = (page: Page) => page.locator('akkoord-consent .reopen');

/** Opens the shop and waits until the widget has run (window.akkoord exists). */
export async function openShop(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => window.akkoord !== undefined);
}

/** The gated scripts that ran, in the order they ran. */
export const gatedOrder = (page: Page) => page.evaluate(() => (window as unknown as { __gatedOrder?: string[] }).__gatedOrder ?? []);

export async function choiceCookie(context: BrowserContext): Promise<StoredChoice | null> {
  const cookie = (await context.cookies()).find((c) => c.name === 'akkoord');
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

/** What the server holds for a visitor (CONTRACT §5: the visitor may read its own consents). */
export async function serverConsents(baseUrl: string, visitorId: string, publicKey: string) {
  const response = await fetch(`${baseUrl}/v1/consents/${visitorId}?key=${publicKey}`);
  if (!response.ok) throw new Error(`GET /v1/consents: ${response.status} ${await response.text()}`);
  return (await response.json()) as { state: Record<string, string>; history: Array<Record<string, unknown>> };
}
