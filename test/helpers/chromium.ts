// Debian's Chromium for end-to-end tests. Without it the browser tests are skipped locally, but
// never in CI: there they run, and fail if Chromium is missing.
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The full browser: what Lighthouse scores and the benches time, as a person's Chromium runs a page. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The tests' browser: Debian's chromium-headless-shell when it is installed (the same Blink and
 * V8 without the full browser's windowing and UI layers, as Playwright itself runs headless
 * tests), else the full browser. The shell halves the browser tests' CPU on two cores.
 */
const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';
export const TEST_CHROMIUM_PATH =
  process.env.CHROMIUM_PATH ?? (fs.existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : CHROMIUM_PATH);

export const skipBrowserTests = !process.env.CI && !fs.existsSync(TEST_CHROMIUM_PATH);

export function launchChromium(executablePath = TEST_CHROMIUM_PATH): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
