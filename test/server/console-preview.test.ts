// The studio's preview frame: a sandboxed page that may connect nowhere, the raw banner
// bundle and axe-core served to its opaque origin, and the draft's banner data from the API
// without publishing or storing anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig } from '../../server/services/config/demo.js';
import { ensureConsoleBuilt } from '../helpers/console-build.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { ensureWidgetBuilt } from '../helpers/widget-build.js';

describe('the studio preview', () => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeAll(async () => {
    await Promise.all([ensureConsoleBuilt(), ensureWidgetBuilt()]);
    t = await startTestApp('sqlite');
    tenant = await createTestTenant(t);
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  it('is a sandboxed page that may connect nowhere and is framed only by the console', async () => {
    const res = await t.call('GET', '/console/preview');
    expect(res.status).toBe(200);
    const policy = res.headers.get('content-security-policy') ?? '';
    expect(policy).toContain('sandbox allow-scripts');
    expect(policy).not.toContain('allow-same-origin');
    expect(policy).toContain("connect-src 'none'");
    expect(policy).toContain("frame-ancestors 'self'");
  });

  it("serves the banner bundle, its settings dialog and axe-core to the frame's opaque origin", async () => {
    for (const path of [
      '/console/preview/widget.js',
      '/console/preview/widget-settings.js',
      '/console/preview/axe.js',
    ]) {
      const res = await t.call('GET', path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    }
  });

  it('GDPR-12: gives the banner data for a draft without publishing it', async () => {
    const draft = demoConfig('https://shop.example');
    draft.purposes[1].text.en.name = 'Visitor statistics';
    const res = await t.call('POST', '/v1/config/preview', {
      token: tenant.secretKey,
      body: draft,
    });
    expect(res.status).toBe(200);
    const { widget } = await res.json();
    expect(widget.publicKey).toBe('pk_preview');
    expect(widget.purposes.find((p: { key: string }) => p.key === 'analytics').text.en.name).toBe(
      'Visitor statistics',
    );
    const versions = await (
      await t.call('GET', '/v1/config/versions', { token: tenant.secretKey })
    ).json();
    expect(versions.items).toHaveLength(1);
    expect(
      (
        await t.call('POST', '/v1/config/preview', {
          token: tenant.secretKey,
          body: { purposes: 'none' },
        })
      ).status,
    ).toBe(400);
  });
});
