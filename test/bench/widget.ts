// Widget benchmark: bundle size, and time from navigation to the banner being visible in
// Chromium on a desktop profile and a throttled phone profile (4x CPU, 150 ms RTT), with long
// tasks and layout shift (the quality bars the widget is held to). Run: `npx tsx test/bench/widget.ts`, or through
// `npm run bench -- widget`. Writes its numbers under "## Widget" in BENCHMARKS.md.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { measureWidgetSize } from '../../widget/size-budget.js';
import { CHROMIUM_PATH, launchChromium } from '../helpers/chromium.js';
import { serveDemoShop } from '../helpers/server.js';
import { ensureWidgetBuilt } from '../helpers/widget-build.js';
import { machineRows, writeSection, type Rows } from './benchmarks-file.js';

const RUNS = 7;

interface Profile {
  name: string;
  cpuThrottling: number;
  latencyMs: number;
  /** Bytes per second each way; -1 for no limit. */
  throughput: number;
  viewport: { width: number; height: number };
}

const PROFILES: Profile[] = [
  {
    name: 'desktop',
    cpuThrottling: 1,
    latencyMs: 0,
    throughput: -1,
    viewport: { width: 1280, height: 800 },
  },
  // Lighthouse's "slow 4G" phone: 150 ms RTT, 1.6 Mbit/s down, 4x slower CPU.
  {
    name: 'mobile',
    cpuThrottling: 4,
    latencyMs: 150,
    throughput: (1.6 * 1024 * 1024) / 8,
    viewport: { width: 360, height: 640 },
  },
];

interface Sample {
  navigationToBanner: number;
  scriptToBanner: number;
  executionToBanner: number;
  /** The widget's own synchronous start-up: from its first statement to its API being defined. */
  executionToReady: number;
  /** How long after the page's first contentful paint the banner frame came (about 0: in the first paint). */
  bannerAfterFirstPaint: number;
  longTasks: number;
  longestTask: number;
  cls: number;
}

// Runs in the page before anything else: notes when the banner first exists and is painted,
// long tasks and layout shifts. Plain JS source, so the TS toolchain cannot inject helpers.
const OBSERVE_BANNER = `
  window.__bench = { longTasks: [], cls: 0 };
  // The widget's first act is to define dataLayer for Consent Mode (GCM-01): that is when it
  // starts executing, whatever the parser and network did before.
  let dataLayer;
  Object.defineProperty(window, 'dataLayer', {
    configurable: true,
    get: () => dataLayer,
    set: (value) => { window.__bench.startedAt ??= performance.now(); dataLayer = value; },
  });
  // window.akkoord is assigned last in the widget's start(): its synchronous work is done then.
  let api;
  Object.defineProperty(window, 'akkoord', {
    configurable: true,
    get: () => api,
    set: (value) => { window.__bench.readyAt ??= performance.now(); api = value; },
  });
  new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__bench.longTasks.push(e.duration)))
    .observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => list.getEntries().forEach((e) => { if (!e.hadRecentInput) window.__bench.cls += e.value; }))
    .observe({ type: 'layout-shift', buffered: true });
  const check = () => {
    const banner = document.querySelector('akkoord-consent')?.shadowRoot?.querySelector('.banner');
    // The frame after the banner is in the DOM is the one that paints it.
    if (banner) requestAnimationFrame(() => { window.__bench.bannerAt = performance.now(); });
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
`;

async function sample(browser: Browser, url: string, profile: Profile): Promise<Sample> {
  const context = await browser.newContext({ viewport: profile.viewport });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuThrottling });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: profile.latencyMs,
    downloadThroughput: profile.throughput,
    uploadThroughput: profile.throughput,
  });
  await page.addInitScript({ content: OBSERVE_BANNER });
  await page.goto(url);
  await page.waitForFunction(
    () => (window as unknown as { __bench: { bannerAt?: number } }).__bench.bannerAt !== undefined,
    null,
    { timeout: 30_000 },
  );
  await page.waitForTimeout(300);
  const result = await page.evaluate(() => {
    const bench = (
      window as unknown as {
        __bench: {
          bannerAt: number;
          startedAt: number;
          readyAt: number;
          longTasks: number[];
          cls: number;
        };
      }
    ).__bench;
    const firstPaint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;
    const script = performance
      .getEntriesByType('resource')
      .find((e) => e.name.includes('/widget.js')) as PerformanceResourceTiming;
    return {
      navigationToBanner: bench.bannerAt,
      scriptToBanner: bench.bannerAt - script.responseEnd,
      executionToBanner: bench.bannerAt - bench.startedAt,
      executionToReady: bench.readyAt - bench.startedAt,
      bannerAfterFirstPaint: bench.bannerAt - firstPaint,
      longTasks: bench.longTasks.length,
      longestTask: Math.max(0, ...bench.longTasks),
      cls: bench.cls,
    };
  });
  await context.close();
  return result;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (value: number) => Math.round(value * 10) / 10;

export async function runWidgetBench(): Promise<Record<string, number | string>> {
  await ensureWidgetBuilt();
  const size = measureWidgetSize();
  const results: Rows = {
    ...machineRows(),
    'widget.js raw bytes': size.raw,
    'widget.js gzip bytes': size.gzip,
    'widget.js brotli bytes': size.brotli,
  };
  const shop = await serveDemoShop();
  const browser = await launchChromium(CHROMIUM_PATH);
  try {
    for (const profile of PROFILES) {
      // One warm-up load, so the server's first-request work is not counted.
      await sample(browser, shop.url, profile);
      const samples: Sample[] = [];
      for (let i = 0; i < RUNS; i++) samples.push(await sample(browser, shop.url, profile));
      results[`${profile.name}: navigation to banner visible, median ms`] = round(
        median(samples.map((s) => s.navigationToBanner)),
      );
      results[`${profile.name}: widget.js loaded to banner visible, median ms`] = round(
        median(samples.map((s) => s.scriptToBanner)),
      );
      results[`${profile.name}: widget starts running to banner painted, median ms`] = round(
        median(samples.map((s) => s.executionToBanner)),
      );
      results[`${profile.name}: widget's synchronous start-up, median ms`] = round(
        median(samples.map((s) => s.executionToReady)),
      );
      results[
        `${profile.name}: banner painted after the page's first contentful paint, median ms`
      ] = round(median(samples.map((s) => s.bannerAfterFirstPaint)));
      results[`${profile.name}: long tasks per load, max`] = Math.max(
        ...samples.map((s) => s.longTasks),
      );
      results[`${profile.name}: longest task ms`] = round(
        Math.max(...samples.map((s) => s.longestTask)),
      );
      results[`${profile.name}: CLS, max`] = round(Math.max(...samples.map((s) => s.cls)));
    }
  } finally {
    await browser.close();
    await shop.close();
  }
  return results;
}

const NOTES = `
**Targets.** Size: met (about 7.4 KB gzip of the 10 KB budget). CLS 0: met, also when the widget runs
before the page is parsed (it used to shift the page: an e2e test now covers it). Banner within 50 ms of
the widget starting, and no long task: NOT met on this machine (about 54–66 ms and one task of 55–72 ms
on desktop, in four runs). The two new rows say where the time goes: the widget's own synchronous start-up is about
30 ms. A Chromium CPU profile of it (CDP Profiler over five loads, unminified build) puts about 10–14 ms
in the first read of document.cookie (a synchronous call to the browser's network process, cold in a
fresh profile, and the choice cannot be known without it), about 12 ms in the first focus() into the
banner (Chromium lays out the page, still loading, to focus; \`preventScroll\` did not avoid it, and
leaving the focus out saved it but keyboard users are meant to land in the banner), and about 5 ms in
building the shadow DOM and its styles. The banner then comes with a frame 40–50 ms after the page's
first contentful paint. Tried and not kept: focusing the banner in the task after its first frame cut
the synchronous start-up by 5–12 ms but not the time to the painted banner (56.6 and 79.2 ms against
56.7 and 59 ms in back-to-back runs): the frame that shows the banner is the page's own first frame
or the next, whatever the widget saves before it.
`;

/** Writes the "## Widget" section of BENCHMARKS.md. */
export function writeWidgetSection(results: Rows): void {
  const intro = `Measured by \`npx tsx test/bench/widget.ts\` on ${new Date().toISOString().slice(0, 10)}: the demo shop served by the real server, Debian's Chromium headless, ${RUNS} runs per profile after a warm-up, cache disabled. Mobile: 4x CPU throttling, 150 ms RTT, 1.6 Mbit/s. Budget: gzip < 10240 bytes (build fails above it); banner within 50 ms of script execution on desktop; no long task over 50 ms; CLS 0.`;
  writeSection('Widget', intro, results, NOTES);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const results = await runWidgetBench();
  console.table(results);
  writeWidgetSection(results);
}
