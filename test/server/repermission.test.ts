// The re-permission list (GDPR-12): granted consents recorded under a configuration whose
// notice has since changed materially, per purpose and channel, paged, ids only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TenantConfig } from '../../shared/schemas/config.js';
import { demoConfig } from '../../server/services/config/demo.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';

/** The demo configuration with the analytics notice reworded (a material change). */
function reworded(): TenantConfig {
  const config = demoConfig('https://shop.example');
  config.purposes = config.purposes.map((p) =>
    p.key === 'analytics'
      ? {
          ...p,
          text: {
            ...p.text,
            en: {
              name: 'Analytics',
              description: 'Measuring use, now also shared with our analytics partner.',
            },
          },
        }
      : p,
  );
  return config;
}

describe.each(dialects)('re-permission list on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;

  beforeEach(async () => {
    t = await startTestApp(dialect);
    tenant = await createTestTenant(t);
  });
  afterEach(async () => t.close());

  const call = (method: string, path: string, body?: unknown) =>
    t.call(method, path, { token: tenant.secretKey, body });
  const capture = async (externalId: string, decisions: Record<string, unknown>) =>
    expect((await call('POST', `/v1/subjects/${externalId}/consents`, { decisions })).status).toBe(
      201,
    );
  const list = async (query: string) => {
    const res = await call('GET', `/v1/repermission?${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json() as Promise<{
      materialVersion: number;
      subjects: Array<{ externalId: string; configVersion: number }>;
      next: string | null;
    }>;
  };

  it('GDPR-12: decisions recorded under a superseded material version are listed for re-permission, paged; a new answer takes the person off', async () => {
    for (const id of ['crm-a', 'crm-b', 'crm-c'])
      await capture(id, { analytics: true, newsletter: { email: true } });
    await capture('crm-d', { analytics: false });
    expect((await list('purpose=analytics')).subjects).toEqual([]);

    expect((await call('PUT', '/v1/config', reworded())).status).toBe(201);
    const first = await list('purpose=analytics&limit=2');
    expect(first.materialVersion).toBe(2);
    expect(first.subjects.map((s) => [s.externalId, s.configVersion])).toEqual([
      ['crm-a', 1],
      ['crm-b', 1],
    ]);
    const second = await list(`purpose=analytics&limit=2&after=${first.next}`);
    expect(second.subjects.map((s) => s.externalId)).toEqual(['crm-c']);
    expect(second.next).toBeNull();
    // The refusal is not listed; a person asked again under the new notice leaves the list.
    await capture('crm-b', { analytics: true });
    expect((await list('purpose=analytics')).subjects.map((s) => s.externalId)).toEqual([
      'crm-a',
      'crm-c',
    ]);
    // A restricted person is not to be mailed.
    expect(
      (
        await call('POST', '/v1/requests', {
          subject: 'crm-c',
          type: 'restriction',
          scope: { reason: 'accuracy_contested' },
        })
      ).status,
    ).toBe(201);
    expect((await list('purpose=analytics')).subjects.map((s) => s.externalId)).toEqual(['crm-a']);

    expect((await call('GET', '/v1/repermission?purpose=nope')).status).toBe(422);
    expect(
      (await call('GET', '/v1/repermission?purpose=analytics&after=%27%20or%201=1')).status,
    ).toBe(400);
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as {
      paths: Record<string, { get: { description: string } }>;
    };
    expect(doc.paths['/v1/repermission'].get.description).toContain('stale_notice');
  });
});
