// Publishing the configuration and its compliance lint (docs/configuration.md). Each rule
// has a refused example; the demo configuration is accepted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantConfig } from '../../shared/schemas/config.js';
import { demoConfig } from '../../server/services/config/demo.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';

const good = (): TenantConfig => structuredClone(demoConfig('https://shop.example'));

const badConfigs: Array<[string, string, (c: TenantConfig) => unknown]> = [
  [
    'GDPR-50: an optional purpose on by default',
    'OPTIONAL_PURPOSE_ON_BY_DEFAULT',
    (c) => {
      c.purposes[1].default = true;
      return c;
    },
  ],
  [
    'a listed locale without every purpose text',
    'MISSING_TRANSLATION',
    (c) => {
      delete c.purposes[2].text.en;
      return c;
    },
  ],
  [
    'a listed locale without a privacy-notice URL',
    'MISSING_TRANSLATION',
    (c) => {
      delete c.privacyNoticeUrl.en;
      return c;
    },
  ],
  [
    'GDPR-10: a consent purpose without a description',
    'CONSENT_PURPOSE_WITHOUT_DESCRIPTION',
    (c) => {
      c.purposes[1].text.nl.description = '';
      return c;
    },
  ],
  [
    'EP-03: legitimate interest mapped to a storage signal',
    'LEGITIMATE_INTEREST_STORAGE',
    (c) => {
      c.purposes[0].googleConsentMode = ['analytics_storage'];
      return c;
    },
  ],
  [
    'an unknown channel',
    'UNKNOWN_CHANNEL',
    (c) => {
      c.purposes[3].channels = ['email', 'pigeon'];
      return c;
    },
  ],
  [
    'a bad purpose key',
    'BAD_PURPOSE_KEY',
    (c) => {
      c.purposes[1].key = 'Analytics!';
      return c;
    },
  ],
  [
    'GDPR-08: a required purpose on consent (a cookie wall)',
    'REQUIRED_CONSENT_PURPOSE',
    (c) => {
      c.purposes[1].required = true;
      return c;
    },
  ],
  [
    'a duplicate purpose',
    'DUPLICATE_PURPOSE',
    (c) => {
      c.purposes[2].key = 'analytics';
      return c;
    },
  ],
  [
    'a default locale that is not listed',
    'DEFAULT_LOCALE_NOT_LISTED',
    (c) => {
      c.defaultLocale = 'de';
      return c;
    },
  ],
];

describe.each(dialects)('configuration on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTestTenant(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(badConfigs)('refuses %s with 422 and rule %s', async (_name, rule, mutate) => {
    const res = await t.call('PUT', '/v1/config', {
      token: tenant.secretKey,
      body: mutate(good()),
    });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error.code).toBe('CONFIG_NOT_COMPLIANT');
    expect(body.error.rules).toContain(rule);
    expect(body.error.message).toContain(rule);
  });

  it('accepts a compliant configuration and reads it back with a version and notice hashes', async () => {
    const res = await t.call('PUT', '/v1/config', { token: tenant.secretKey, body: good() });
    expect(res.status).toBe(201);
    const published = await res.json();
    expect(published.version).toBeGreaterThan(1);
    const read = await (await t.call('GET', '/v1/config', { token: tenant.secretKey })).json();
    expect(read.version).toBe(published.version);
    expect(read.config.purposes.map((p: { key: string }) => p.key)).toEqual([
      'necessary',
      'analytics',
      'ads',
      'newsletter',
    ]);
    expect(read.noticeHashes.nl).toMatch(/^[0-9a-f]{64}$/);
  });

  it('GDPR-12: a changed notice text moves materialVersion; "material": false on a typo keeps it', async () => {
    const base = await (
      await t.call('PUT', '/v1/config', { token: tenant.secretKey, body: good() })
    ).json();
    const changed = good();
    changed.purposes[1].text.en.description = 'Measuring how the shop is used, to improve it.';
    const typo = await (
      await t.call('PUT', '/v1/config', {
        token: tenant.secretKey,
        body: { ...changed, material: false },
      })
    ).json();
    expect(typo.materialVersion).toBe(base.materialVersion);
    changed.purposes[2].text.en.description = 'Ads from partners for everyone.';
    const material = await (
      await t.call('PUT', '/v1/config', { token: tenant.secretKey, body: changed })
    ).json();
    expect(material.materialVersion).toBe(material.version);
    const same = await (
      await t.call('PUT', '/v1/config', {
        token: tenant.secretKey,
        body: { ...changed, consentTtlDays: 200 },
      })
    ).json();
    expect(same.materialVersion).toBe(material.materialVersion);
  });

  it('refuses a body of the wrong shape with 400 and the path of the problem', async () => {
    const res = await t.call('PUT', '/v1/config', {
      token: tenant.secretKey,
      body: { ...good(), purposes: 'all' },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.issues[0].path).toBe('purposes');
  });
});
