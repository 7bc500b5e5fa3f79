// Lighthouse (mobile preset, its default) on the preference center's sign-in page and on the
// signed-in page, in the machine's Debian Chromium: performance, accessibility, best practices,
// cumulative layout shift and console errors. `npm run bench -- lighthouse`. The server runs in
// this process on a temp SQLite file; Chromium is a separate process.
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { issueToken } from '../../server/services/me/links.js';
import { CHROMIUM_PATH } from '../helpers/chromium.js';
import { addPerson, cookieFrom, exchange } from '../helpers/me.js';
import { ensurePreferenceCenterBuilt } from '../helpers/preference-center-build.js';
import { createTestTenant } from '../helpers/app.js';
import { serveTestApp } from '../helpers/server.js';
import { machineRows, writeSection, type Rows } from './benchmarks-file.js';

export const LIGHTHOUSE_INTRO = `
Measured by \`npm run bench -- lighthouse\` (test/bench/lighthouse.ts): Lighthouse 12 with its mobile
preset (simulated slow 4G and a 4x slower CPU) in Debian's Chromium, headless, against the app on
127.0.0.1 with the demo configuration. The signed-in page is loaded with a live session cookie, as
a person coming back to it. One run each; the scores move by a few points between runs on a busy
machine.
`;

interface Audit {
  score: number | null;
  numericValue?: number;
  details?: { items?: unknown[] };
}
interface Result {
  categories: Record<string, { score: number | null }>;
  audits: Record<string, Audit>;
}

export async function audit(url: string, port: number, cookie?: string): Promise<Result> {
  const runner = await lighthouse(url, {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility', 'best-practices'],
    ...(cookie ? { extraHeaders: { cookie } } : {}),
  });
  return runner!.lhr as unknown as Result;
}

export const rowsOf = (name: string, r: Result): Rows => ({
  [`${name}: performance`]: Math.round((r.categories.performance.score ?? 0) * 100),
  [`${name}: accessibility`]: Math.round((r.categories.accessibility.score ?? 0) * 100),
  [`${name}: best practices`]: Math.round((r.categories['best-practices'].score ?? 0) * 100),
  [`${name}: CLS`]: (r.audits['cumulative-layout-shift'].numericValue ?? 0).toFixed(3),
  [`${name}: LCP (ms)`]: Math.round(r.audits['largest-contentful-paint'].numericValue ?? 0),
  [`${name}: TBT (ms)`]: Math.round(r.audits['total-blocking-time'].numericValue ?? 0),
  [`${name}: console errors`]: r.audits['errors-in-console'].details?.items?.length ?? 0,
});

export async function runLighthouseBench(): Promise<Rows> {
  await ensurePreferenceCenterBuilt();
  const served = await serveTestApp();
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM_PATH,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const tenant = await createTestTenant(served.t);
    const subjectId = await addPerson(served.t, tenant.tenantId, {
      email: 'bench@example.com',
      attributes: { firstName: 'Bench' },
      records: { orders: [{ order: 1 }] },
    });
    const { token } = await issueToken(served.t.ctx.db, served.t.ctx, {
      tenantId: tenant.tenantId,
      kind: 'login',
      subjectId,
    });
    const cookie = cookieFrom(await exchange(served.t, token));
    const page = `${served.url}/p/${tenant.tenantId}`;
    const signInPage = await audit(page, chrome.port);
    const signedIn = await audit(page, chrome.port, cookie);
    return { ...machineRows(), ...rowsOf('sign-in', signInPage), ...rowsOf('signed in', signedIn) };
  } finally {
    await chrome.kill();
    await served.close();
  }
}

export const LIGHTHOUSE_NOTES = `
**Before** (the tree before this work, the same preset): performance 79 desktop / 66 mobile on the
signed-in page, CLS 0.49 desktop / 1.01 mobile (the signed-in content replaced the first render),
the sign-in page CLS 0.13 on mobile, TBT 410 ms, a render-blocking stylesheet of about 150 ms and a
401 console error from probing /v1/me before sign-in. Now the first render already has the right
layout, the stylesheet is inlined (allowed by hash), the page's words come with the page instead of
the script (JS+CSS 12.7 KB gzip, was 16.6 with both languages' words in the script), and no probe
is made without a session. The load average of 19 during this run shows how shared the machine was.
`;

export function writeLighthouseSection(rows: Rows): void {
  writeSection('Preference center (Lighthouse)', LIGHTHOUSE_INTRO, rows, LIGHTHOUSE_NOTES);
}
