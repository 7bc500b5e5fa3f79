// A theme in the configuration is data the lint checks like any other: colours must keep WCAG AA
// contrast (A11Y-05, A11Y-06) and own texts must be in a configured locale; what passes reaches
// the widget as CSS custom properties and words, and nothing else.
import { describe, expect } from 'vitest';
import { demoConfig } from '../../server/services/config/demo.js';
import { contrastRatio } from '../../shared/contrast.js';
import { dialects } from '../helpers/db.js';
import { type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';

describe('WCAG contrast', () => {
  it('matches the published ratios', () => {
    expect(contrastRatio('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#ffffff', '#1e3a8a')).toBeGreaterThan(10);
  });
});

describe.each(dialects)('themes on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  it.override({ dialect });
  it.beforeEach(({ app, tenant: made }) => {
    t = app;
    tenant = made;
  });

  const publish = (extra: Record<string, unknown>) =>
    t.call('PUT', '/v1/config', {
      token: tenant.secretKey,
      body: { ...demoConfig('https://shop.example'), ...extra },
    });
  const refusal = async (response: Response) =>
    ((await response.json()) as { error: { code: string; rule: string; message: string } }).error;

  it('A11Y-05: refuses light grey text on white, naming the ratio', async () => {
    const response = await publish({ theme: { colors: { text: '#aaaaaa' } } });
    expect(response.status).toBe(422);
    const error = await refusal(response);
    expect(error.code).toBe('CONFIG_NOT_COMPLIANT');
    expect(error.message).toContain('LOW_CONTRAST');
    expect(error.message).toMatch(/2\.\d+:1/);
  });

  it('A11Y-06: refuses buttons that vanish into the background, and unreadable button text', async () => {
    expect((await publish({ theme: { colors: { buttonBackground: '#f3f4f6' } } })).status).toBe(
      422,
    );
    expect(
      (await publish({ theme: { colors: { buttonBackground: '#1e3a8a', buttonText: '#1e40af' } } }))
        .status,
    ).toBe(422);
  });

  it('refuses own texts for a locale the config does not have, and a bad colour or logo URL', async () => {
    expect((await publish({ theme: { text: { de: { title: 'Hallo' } } } })).status).toBe(422);
    expect((await publish({ theme: { colors: { text: 'black' } } })).status).toBe(400);
    expect((await publish({ theme: { logoUrl: 'javascript:alert(1)' } })).status).toBe(400);
  });

  it('a compliant theme reaches widget.js as custom properties and words', async () => {
    const response = await publish({
      theme: {
        colors: {
          background: '#1f2937',
          text: '#f9fafb',
          buttonBackground: '#fbbf24',
          buttonText: '#111827',
          link: '#93c5fd',
        },
        position: 'box',
        floatingLabel: false,
        text: { en: { title: 'Cookies at Shop' } },
      },
      reloadOnWithdrawal: true,
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const js = await (await t.call('GET', `/widget.js?key=${tenant.publicKey}`)).text();
    const config = JSON.parse(js.slice(js.lastIndexOf('})(') + 3, js.lastIndexOf(');'))) as Record<
      string,
      any
    >;
    expect(config.colors).toEqual({
      '--ak-bg': '#1f2937',
      '--ak-text': '#f9fafb',
      '--ak-btn': '#fbbf24',
      '--ak-btn-text': '#111827',
      '--ak-link': '#93c5fd',
    });
    expect(config).toMatchObject({
      position: 'box',
      floatingLabel: false,
      reloadOnWithdrawal: true,
    });
    expect(config.words.en.title).toBe('Cookies at Shop');
    expect(config.words.nl.title).toBe('Jouw privacykeuze');
    expect(config.words.en.withdraw).toContain('round cookie button');
  });
});
