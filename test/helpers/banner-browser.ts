// The hooks a banner browser test file needs: the widget built once and one Chromium for the
// file, closed after it. Call inside the file's describe; read the browser in beforeEach or tests.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './chromium.js';
import { ensureWidgetBuilt } from './widget-build.js';

export function useBannerBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    await ensureWidgetBuilt();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is started in beforeAll');
    return browser;
  };
}
