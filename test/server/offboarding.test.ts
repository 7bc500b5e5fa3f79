// Offboarding: DELETE /v1/tenant disables every key at once, the
// operator can still export during the grace period, then every row of the tenant
// goes (at once with ?now=true); the system log keeps the fact, other tenants keep
// everything.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { purgeOffboardedTenants, tenantTables } from '../../server/services/tenants/offboarding.js';
import { dialects } from '../helpers/db.js';
import {
  ADMIN_TOKEN,
  createTestTenant,
  fixedClock,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';
import { columnsOf, dumpTable, listTables, populateTenant } from '../helpers/tenant-data.js';

const T0 = '2026-03-01T08:00:00.000Z';
const DAY = 86_400_000;

describe.each(dialects)('offboarding on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let other: TestTenant;
  const clock = fixedClock(T0);
  beforeEach(async () => {
    clock.set(T0);
    t = await startTestApp(dialect, { clock });
    tenant = await createTestTenant(t);
    other = await createTestTenant(t);
    await populateTenant(t, tenant, 'a');
    await populateTenant(t, other, 'b');
  });
  afterEach(async () => {
    await t.close();
  });

  /** Rows per table that mention a tenant id anywhere, in any column. */
  async function rowsMentioning(tenantId: string): Promise<Record<string, number>> {
    const found: Record<string, number> = {};
    for (const table of await listTables(t)) {
      const rows = (await dumpTable(t, table)).filter((row) =>
        JSON.stringify(row).includes(tenantId),
      );
      if (rows.length > 0) found[table] = rows.length;
    }
    return found;
  }

  it('DELETE /v1/tenant disables every key at once and schedules deletion after 30 days (202)', async () => {
    const res = await t.call('DELETE', '/v1/tenant', { token: tenant.secretKey });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      tenantId: tenant.tenantId,
      status: 'offboarding',
      deleteAfter: new Date(Date.parse(T0) + 30 * DAY).toISOString(),
    });
    expect((await t.call('GET', '/v1/keys', { token: tenant.secretKey })).status).toBe(401);
    const consent = await t.call('POST', '/v1/consents', {
      headers: { origin: 'https://shop.example' },
      body: {
        key: tenant.publicKey,
        visitorId: 'v_0123456789abcdef0123456789',
        decisions: { analytics: true },
        configVersion: 1,
        locale: 'nl',
        source: 'banner',
        clientEventId: 'ce-offboarding-1',
      },
    });
    // The public key stops too: the banner's consent call is refused.
    expect(consent.status).toBe(401);
    // The data is still there, and the other tenant works as before.
    expect(
      (
        await t.ctx.db
          .selectFrom('subjects')
          .select('id')
          .where('tenant_id', '=', tenant.tenantId)
          .execute()
      ).length,
    ).toBeGreaterThan(0);
    expect((await t.call('GET', '/v1/keys', { token: other.secretKey })).status).toBe(200);
    const log = await t.ctx.db
      .selectFrom('system_log')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    expect(log.map((l) => l.action)).toEqual(['tenant.offboarding_started']);
  });

  it('during the grace period the bootstrap token still exports the tenant, with its personal data', async () => {
    await t.call('DELETE', '/v1/tenant', { token: tenant.secretKey });
    expect((await t.call('GET', '/v1/export', { token: tenant.secretKey })).status).toBe(401);
    const res = await t.call('GET', `/v1/admin/tenants/${tenant.tenantId}/export`, {
      token: ADMIN_TOKEN,
    });
    expect(res.status).toBe(200);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'header', tenantId: tenant.tenantId });
    expect(lines.find((l) => l.type === 'tenant').data.status).toBe('offboarding');
    expect(
      lines.find((l) => l.type === 'subject' && l.data.externalId === 'cust-a').data.email,
    ).toBe('klant.a@example.nl');
    expect(lines.at(-1).type).toBe('end');
    expect(
      (await t.call('GET', '/v1/admin/tenants/ten_unknown/export', { token: ADMIN_TOKEN })).status,
    ).toBe(404);
  });

  it('deletes the tenant when the grace period is over, not before', async () => {
    await t.call('DELETE', '/v1/tenant', { token: tenant.secretKey });
    expect(await purgeOffboardedTenants(t.ctx, new Date(Date.parse(T0) + 29 * DAY))).toEqual([]);
    expect(
      await t.ctx.db
        .selectFrom('tenants')
        .select('id')
        .where('id', '=', tenant.tenantId)
        .executeTakeFirst(),
    ).toBeDefined();
    expect(await purgeOffboardedTenants(t.ctx, new Date(Date.parse(T0) + 30 * DAY + 1))).toEqual([
      tenant.tenantId,
    ]);
    expect(
      await t.ctx.db
        .selectFrom('tenants')
        .select('id')
        .where('id', '=', tenant.tenantId)
        .executeTakeFirst(),
    ).toBeUndefined();
    const log = await t.ctx.db
      .selectFrom('system_log')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('occurred_at')
      .execute();
    expect(log.map((l) => l.action)).toEqual(['tenant.offboarding_started', 'tenant.deleted']);
    expect(JSON.parse(log[1].details)).toMatchObject({
      reason: 'grace_period_over',
      rows: { subjects: 1, tenants: 1 },
    });
  });

  it('?now=true leaves no row of the tenant in any table, keeps the system log, and leaves the other tenant untouched', async () => {
    const tables = await listTables(t);
    const otherBefore: Record<string, string> = {};
    for (const table of tables)
      otherBefore[table] = JSON.stringify(
        (await dumpTable(t, table)).filter((row) => JSON.stringify(row).includes(other.tenantId)),
      );
    const before = await rowsMentioning(tenant.tenantId);
    for (const table of [
      'subjects',
      'consent_events',
      'records',
      'requests',
      'tombstones',
      'feed_events',
      'audit_log',
      'webhooks',
      'outbox',
      'sessions',
    ]) {
      expect(before[table], table).toBeGreaterThan(0);
    }

    const res = await t.call('DELETE', '/v1/tenant?now=true', { token: tenant.secretKey });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      tenantId: tenant.tenantId,
      status: 'deleted',
      deleteAfter: null,
    });

    expect(await rowsMentioning(tenant.tenantId)).toEqual({ system_log: 2 });
    for (const table of tables) {
      if (table === 'system_log' || table === 'akkoord_rate_limits') continue;
      expect(
        JSON.stringify(
          (await dumpTable(t, table)).filter((row) => JSON.stringify(row).includes(other.tenantId)),
        ),
        table,
      ).toBe(otherBefore[table]);
    }
    const log = await t.ctx.db
      .selectFrom('system_log')
      .selectAll()
      .where('action', '=', 'tenant.deleted')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(log.details)).toMatchObject({
      reason: 'immediate',
      actor: expect.stringMatching(/^key_/),
    });
    expect(log.details).not.toContain('klant.a');
  });

  it('knows every table that has a tenant_id column (a table added later cannot be forgotten)', async () => {
    const withTenant: string[] = [];
    for (const table of await listTables(t))
      if ((await columnsOf(t, table)).includes('tenant_id')) withTenant.push(table);
    expect(withTenant.filter((table) => table !== 'system_log').sort()).toEqual(
      [...tenantTables].sort(),
    );
  });

  it('takes the grace period from AKKOORD_OFFBOARDING_GRACE_DAYS', async () => {
    const short = await startTestApp(dialect, {
      clock,
      env: { AKKOORD_OFFBOARDING_GRACE_DAYS: '7' },
    });
    try {
      const mine = await createTestTenant(short);
      const res = await short.call('DELETE', '/v1/tenant', { token: mine.secretKey });
      expect((await res.json()).deleteAfter).toBe(new Date(Date.parse(T0) + 7 * DAY).toISOString());
    } finally {
      await short.close();
    }
  });

  it('needs the admin scope and validates ?now', async () => {
    const auditor = await (
      await t.call('POST', '/v1/keys', {
        token: tenant.secretKey,
        body: { scopes: ['audit:read'] },
      })
    ).json();
    expect((await t.call('DELETE', '/v1/tenant', { token: auditor.secretKey })).status).toBe(403);
    expect((await t.call('DELETE', '/v1/tenant?now=yes', { token: tenant.secretKey })).status).toBe(
      400,
    );
    expect(
      (
        await t.ctx.db
          .selectFrom('tenants')
          .select('status')
          .where('id', '=', tenant.tenantId)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('active');
  });
});
