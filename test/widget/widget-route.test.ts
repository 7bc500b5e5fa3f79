// GET /widget.js and /widget-settings.js against a real app on a temp SQLite file, with stand-in
// bundle files so the test does not depend on a build.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { widgetRoutes } from '../../server/routes/widget.js';
import { demoConfig } from '../../server/services/config/demo.js';
import type { WidgetConfig } from '../../widget/config.js';
import { ADMIN_TOKEN, createTestTenant, startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let dir: string;
let bundlePath: string;
let settingsPath: string;

beforeEach(async () => {
  t = await startTestApp('sqlite');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-widget-'));
  bundlePath = path.join(dir, 'widget.js');
  fs.writeFileSync(bundlePath, 'globalThis.__seen = __akkoordConfig;');
  settingsPath = path.join(dir, 'widget-settings.js');
  fs.writeFileSync(settingsPath, 'window.__akkoordSettings = {};');
});
afterEach(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the served script the way a browser would and returns the config it was given. */
function inlinedConfig(script: string): WidgetConfig {
  const sandbox: { __seen?: WidgetConfig } = {};
  new Function('globalThis', script)(sandbox);
  if (!sandbox.__seen) throw new Error('no config inlined');
  return sandbox.__seen;
}

describe('GET /widget.js', () => {
  it('inlines the current config: website purposes only, versions, API base and texts', async () => {
    const tenant = await createTestTenant(t);
    const routes = widgetRoutes(t.ctx, bundlePath);
    const response = await routes.request(`/widget.js?key=${tenant.publicKey}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    const config = inlinedConfig(await response.text());
    expect(config).toMatchObject({
      tenantId: tenant.tenantId,
      publicKey: tenant.publicKey,
      configVersion: 1,
      materialVersion: 1,
      apiBase: t.config.publicUrl,
      controllerName: 'Demowinkel BV',
      consentTtlDays: 365,
      defaultLocale: 'nl',
    });
    // The newsletter has channels: a communication consent, never on the banner.
    expect(config.purposes.map((p) => p.key)).toEqual(['necessary', 'analytics', 'ads']);
    // Flags travel only when set: every visitor downloads every byte.
    const ads = config.purposes.find((p) => p.key === 'ads')!;
    expect(ads).toMatchObject({
      marketing: true,
      googleConsentMode: ['ad_storage', 'ad_user_data', 'ad_personalization'],
    });
    expect(ads).not.toHaveProperty('required');
    expect(config.purposes[0]).toMatchObject({ required: true });
    expect(config.purposes[0]).not.toHaveProperty('googleConsentMode');
    expect(config.purposes[1].text.en.name).toBe('Analytics');
  });

  it('is cacheable for a short while and answers 304 to its own ETag', async () => {
    const tenant = await createTestTenant(t);
    const routes = widgetRoutes(t.ctx, bundlePath);
    const first = await routes.request(`/widget.js?key=${tenant.publicKey}`);
    expect(first.headers.get('cache-control')).toBe(
      'public, max-age=300, stale-while-revalidate=86400',
    );
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^".+"$/);
    const again = await routes.request(`/widget.js?key=${tenant.publicKey}`, {
      headers: { 'if-none-match': `W/${etag}` },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('gives a new ETag once a new config version is published', async () => {
    const tenant = await createTestTenant(t);
    const routes = widgetRoutes(t.ctx, bundlePath);
    const before =
      (await routes.request(`/widget.js?key=${tenant.publicKey}`)).headers.get('etag') ?? '';
    const changed = demoConfig('https://shop.example');
    changed.controller.name = 'Shop Twee BV';
    expect(
      (await t.call('PUT', '/v1/config', { token: tenant.secretKey, body: changed })).status,
    ).toBe(201);
    const after = await routes.request(`/widget.js?key=${tenant.publicKey}`, {
      headers: { 'if-none-match': before },
    });
    expect(after.status).toBe(200);
    expect(inlinedConfig(await after.text())).toMatchObject({
      configVersion: 2,
      controllerName: 'Shop Twee BV',
    });
  });

  it('sends gzip when the browser accepts it', async () => {
    const tenant = await createTestTenant(t);
    const response = await widgetRoutes(t.ctx, bundlePath).request(
      `/widget.js?key=${tenant.publicKey}`,
      { headers: { 'accept-encoding': 'gzip, br' } },
    );
    expect(response.headers.get('content-encoding')).toBe('gzip');
    const text = gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8');
    expect(inlinedConfig(text).publicKey).toBe(tenant.publicKey);
  });

  it('answers an unknown key with 404 and a script that does nothing', async () => {
    const response = await widgetRoutes(t.ctx, bundlePath).request('/widget.js?key=pk_nobody');
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(/^\/\*.*\*\/\s*$/);
  });

  it('answers 404 for a tenant that has not published a config yet', async () => {
    const created = await t.call('POST', '/v1/admin/tenants', {
      token: ADMIN_TOKEN,
      body: { name: 'Empty BV', allowedOrigins: [] },
    });
    const { publicKey } = (await created.json()) as { publicKey: string };
    expect(
      (await widgetRoutes(t.ctx, bundlePath).request(`/widget.js?key=${publicKey}`)).status,
    ).toBe(404);
  });

  it('is mounted on the app', async () => {
    const response = await t.app.request('/widget.js?key=pk_nobody');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
  });
});

describe('GET /widget-settings.js', () => {
  const get = (headers: Record<string, string> = {}) =>
    widgetRoutes(t.ctx, bundlePath, settingsPath).request('/widget-settings.js', { headers });

  it("serves the settings dialog's script as widget.js is served: cacheable, revalidated by ETag, gzip when accepted", async () => {
    const first = await get();
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(first.headers.get('cache-control')).toBe(
      'public, max-age=300, stale-while-revalidate=86400',
    );
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await first.text()).toBe('window.__akkoordSettings = {};');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^".+"$/);
    expect((await get({ 'if-none-match': etag })).status).toBe(304);

    const zipped = await get({ 'accept-encoding': 'gzip' });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8')).toBe(
      'window.__akkoordSettings = {};',
    );
  });

  it('answers 503 and a script that does nothing when it is not built', async () => {
    fs.rmSync(settingsPath);
    const response = await get();
    expect(response.status).toBe(503);
    expect(await response.text()).toMatch(/^\/\*.*\*\/\s*$/);
  });

  it("is mounted on the app and may be loaded by other origins' pages", async () => {
    const response = await t.app.request('/widget-settings.js');
    expect([200, 503]).toContain(response.status);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });
});
