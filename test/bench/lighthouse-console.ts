// Lighthouse (mobile preset) on the console's requests screen, signed in as the tenant's
// owner with a few open requests to show: performance, accessibility, best practices, layout
// shift and console errors. `npm run bench -- lighthouse-console`. The server runs in this
// process on a temp SQLite file; Chromium is a separate process.
import * as chromeLauncher from 'chrome-launcher';
import { inviteStaff, signInWithToken, STAFF_COOKIE } from '../../server/services/staff/staff.js';
import { CHROMIUM_PATH } from '../helpers/chromium.js';
import { ensureConsoleBuilt } from '../helpers/console-build.js';
import { createTestTenant } from '../helpers/app.js';
import { serveTestApp } from '../helpers/server.js';
import { machineRows, writeSection, type Rows } from './benchmarks-file.js';
import { audit, rowsOf } from './lighthouse.js';

export const CONSOLE_LIGHTHOUSE_INTRO = `
Measured by \`npm run bench -- lighthouse-console\` (test/bench/lighthouse-console.ts): Lighthouse 12
with its mobile preset (simulated slow 4G and a 4x slower CPU) in Debian's Chromium, headless, on
the console's requests screen (/console/, the screen a privacy officer or owner lands on). The
owner's session cookie is sent with every request, as someone coming back to the console; the
tenant has five open requests (two access, an erasure, an objection, a portability), so the
screen has its lists to show. One run; the scores move by a few points on a busy machine.
`;

const REQUEST_TYPES = ['access', 'erasure', 'objection', 'portability', 'access'] as const;

export async function runConsoleLighthouseBench(): Promise<Rows> {
  await ensureConsoleBuilt();
  const served = await serveTestApp();
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM_PATH,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const { t } = served;
    const tenant = await createTestTenant(t);
    const api = (method: string, path: string, body?: unknown) =>
      t.call(method, path, { token: tenant.secretKey, body });
    for (const [i, type] of REQUEST_TYPES.entries()) {
      const subject = `bench-${i}`;
      if (
        (await api('PUT', `/v1/subjects/${subject}`, { email: `${subject}@example.nl` })).status !==
        201
      )
        throw new Error('subject not made');
      const made = await api('POST', '/v1/requests', {
        subject,
        type,
        scope: type === 'erasure' ? { all: true } : {},
        execute: false,
      });
      if (made.status !== 201 && made.status !== 202)
        throw new Error(`request not made: ${made.status} ${await made.text()}`);
    }
    // The invitation's link, spent here as the browser would, gives the session cookie.
    const { url } = await inviteStaff(t.ctx, {
      tenantId: tenant.tenantId,
      email: 'owner@shop.example',
      role: 'owner',
      name: 'Bench',
      actor: 'cli',
    });
    const session = await signInWithToken(t.ctx, new URL(url).hash.replace('#token=', ''));
    if (!session) throw new Error('no session');
    const cookie = `${STAFF_COOKIE}=${session.id}`;
    // Measure the signed-in screen, not the sign-in form a refused cookie would show.
    const self = await fetch(`${served.url}/console/api/session`, { headers: { cookie } });
    if (self.status !== 200) throw new Error(`the session cookie is refused: ${self.status}`);
    const requests = await audit(`${served.url}/console/`, chrome.port, cookie);
    return { ...machineRows(), ...rowsOf('requests screen', requests) };
  } finally {
    await chrome.kill();
    await served.close();
  }
}

export const CONSOLE_LIGHTHOUSE_NOTES = `
**Before** (the first console build, the same preset and machine): performance 99, accessibility
100, best practices 100, but CLS 0.065: the shell first drew a loading line under a bare header,
then the session arrived and the signed-in header (name, sign-out buttons) and the navigation pushed
the main region 200 px down. Now nothing is drawn until the session is known (a visually hidden
loading line only), so the signed-in shell arrives in one piece; the requests screen's own loading
line is the last thing on the page, so its tables replace it without moving anything. This
Chromium is newer than Lighthouse's trace engine knows (its layout-shift and render-blocking audits
fail to parse the trace); the shift was found with a layout-shift PerformanceObserver in Playwright
at the same viewport and CPU slowdown. JS+CSS size is held by the console's build budget.
`;

export function writeConsoleLighthouseSection(rows: Rows): void {
  writeSection(
    'Console requests screen (Lighthouse)',
    CONSOLE_LIGHTHOUSE_INTRO,
    rows,
    CONSOLE_LIGHTHOUSE_NOTES,
  );
}
