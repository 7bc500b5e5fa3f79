// The configuration's version history: list, read one, compare two, publish an earlier one
// again; readable and publishable by admin and config:write keys (the marketer's role), not by
// the others. Materiality is the same function the console's studio shows before a publish.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffConfigs, isMaterialChange } from '../../shared/config/changes.js';
import { roleScopes } from '../../shared/roles.js';
import type { TenantConfig } from '../../shared/schemas/config.js';
import { demoConfig } from '../../server/services/config/demo.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';

const good = (): TenantConfig => structuredClone(demoConfig('https://shop.example'));

describe('config changes', () => {
  it('names changed fields with purposes by key, so a reorder does not shift every path', () => {
    const after = good();
    after.purposes[1].text.en.name = 'Statistics';
    after.consentTtlDays = 180;
    const changes = diffConfigs(good(), after);
    expect(changes).toEqual([
      { path: 'consentTtlDays', before: good().consentTtlDays ?? null, after: 180 },
      {
        path: 'purposes[analytics].text.en.name',
        before: good().purposes[1].text.en.name,
        after: 'Statistics',
      },
    ]);
  });

  it('GDPR-12: a notice text is material, a colour is not; "material": false keeps a typo immaterial', () => {
    const text = good();
    text.purposes[1].text.nl.description = 'Anders verwoord.';
    const colour = good();
    colour.theme = { colors: { link: '#1d4ed8' } };
    expect(isMaterialChange(good(), text)).toBe(true);
    expect(isMaterialChange(good(), text, false)).toBe(false);
    expect(isMaterialChange(good(), colour)).toBe(false);
    expect(isMaterialChange(null, colour)).toBe(true);
  });
});

describe.each(dialects)('configuration versions on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let marketerKey: string;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTestTenant(t);
    const created = await t.call('POST', '/v1/keys', {
      token: tenant.secretKey,
      body: { scopes: roleScopes.marketer },
    });
    marketerKey = ((await created.json()) as { secretKey: string }).secretKey;
  });
  afterAll(async () => {
    await t.close();
  });

  const call = (method: string, path: string, body?: unknown, token = marketerKey) =>
    t.call(method, path, { token, body });

  it('GDPR-12: lists, reads, compares and publishes an earlier version again', async () => {
    const first = await (await call('GET', '/v1/config')).json();
    const edited = good();
    edited.purposes[1].text.en.name = 'Statistics';
    const second = await call('PUT', '/v1/config', edited);
    expect(second.status).toBe(201);
    const published = await second.json();
    expect(published.materialVersion).toBe(published.version);

    const list = await (await call('GET', '/v1/config/versions')).json();
    expect(list.items.map((i: { version: number }) => i.version)).toEqual([
      published.version,
      first.version,
    ]);
    expect(list.items[0]).toMatchObject({ material: true, materialVersion: published.version });

    const one = await call('GET', `/v1/config/versions/${first.version}`);
    expect(one.status).toBe(200);
    expect((await one.json()).config.purposes[1].text.en.name).toBe(
      first.config.purposes[1].text.en.name,
    );

    const diff = await (
      await call('GET', `/v1/config/diff?from=${first.version}&to=${published.version}`)
    ).json();
    expect(diff).toEqual({
      from: first.version,
      to: published.version,
      material: true,
      changes: [
        {
          path: 'purposes[analytics].text.en.name',
          before: first.config.purposes[1].text.en.name,
          after: 'Statistics',
        },
      ],
    });

    const again = await call('POST', `/v1/config/versions/${first.version}/republish`);
    expect(again.status).toBe(201);
    const republished = await again.json();
    expect(republished.version).toBe(published.version + 1);
    expect(republished.materialVersion).toBe(republished.version);
    expect(republished.config.purposes[1].text.en.name).toBe(first.config.purposes[1].text.en.name);
    const audit = await (
      await t.call('GET', '/v1/audit?action=config.published', { token: tenant.secretKey })
    ).json();
    expect(JSON.stringify(audit)).toContain(`"republishedFrom":${first.version}`);
  });

  it('answers 404 for an unknown version and 400 for a bad one', async () => {
    expect((await call('GET', '/v1/config/versions/999999')).status).toBe(404);
    expect((await call('POST', '/v1/config/versions/999999/republish')).status).toBe(404);
    expect((await call('GET', '/v1/config/diff?from=1&to=999999')).status).toBe(404);
    const bad = await call('GET', '/v1/config/versions/abc');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('VALIDATION_FAILED');
    expect((await call('GET', '/v1/config/diff?from=1')).status).toBe(400);
  });

  it('lets admin and config:write publish and read the history, and nobody else', async () => {
    const feed = (
      (await (
        await call('POST', '/v1/keys', { scopes: ['feed:read'] }, tenant.secretKey)
      ).json()) as { secretKey: string }
    ).secretKey;
    expect((await call('GET', '/v1/config', undefined, feed)).status).toBe(200);
    expect((await call('PUT', '/v1/config', good(), feed)).status).toBe(403);
    expect((await call('GET', '/v1/config/versions', undefined, feed)).status).toBe(403);
    expect((await call('POST', '/v1/config/versions/1/republish', undefined, feed)).status).toBe(
      403,
    );
    expect((await call('GET', '/v1/config/versions', undefined, tenant.secretKey)).status).toBe(
      200,
    );
    // Another tenant has its own history, without these versions.
    const other = await createTestTenant(t);
    expect(
      (await (await t.call('GET', '/v1/config/versions', { token: other.secretKey })).json()).items,
    ).toHaveLength(1);
  });
});
