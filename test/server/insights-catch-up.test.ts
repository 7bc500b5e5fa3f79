// The insights rollup catches up in the background: after a burst of consent writes the
// counters' cursor moves towards the ledger head with no dashboard read, a bounded batch per
// tick, the tenants furthest behind first; what it counted is exactly what a read shows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  catchUpInsights,
  startInsightsCatchUpJob,
} from '../../server/services/insights/insight-catch-up.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { scriptedChoices, scriptedCounts, sendChoices } from '../helpers/banner-choices.js';
import { dialects } from '../helpers/db.js';

describe.each(dialects)('the insights catch-up on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeEach(async () => {
    t = await startTestApp(dialect, { env: { AKKOORD_RATE_LIMITS: 'off' } });
    tenant = await createTestTenant(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const cursor = async (tenantId = tenant.tenantId) =>
    (
      await t.ctx.db
        .selectFrom('insight_cursors')
        .select('ledger_seq')
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst()
    )?.ledger_seq ?? 0;
  const head = async (tenantId = tenant.tenantId) =>
    (
      await t.ctx.db
        .selectFrom('ledger_heads')
        .select('ledger_seq')
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow()
    ).ledger_seq;
  const post = (body: unknown) => t.call('POST', '/v1/consents', { body });

  it('counts a bounded batch per tick, the tenant furthest behind first, until the counters reach the head', async () => {
    const other = await createTestTenant(t);
    await sendChoices(post, tenant.publicKey, scriptedChoices().slice(0, 40));
    await sendChoices(post, other.publicKey, scriptedChoices().slice(0, 10));
    const [mine, theirs] = [await head(), await head(other.tenantId)];
    expect(mine).toBeGreaterThan(theirs);
    expect(await cursor()).toBe(0);

    expect(await catchUpInsights(t.ctx.db, 25)).toBe(25);
    expect(await cursor()).toBe(25);
    expect(await cursor(other.tenantId)).toBe(0);
    // The next tick finishes the first tenant, then moves on to the other within the same batch.
    expect(await catchUpInsights(t.ctx.db, mine)).toBe(mine);
    expect(await cursor()).toBe(mine);
    expect(await cursor(other.tenantId)).toBe(25);
    expect(await catchUpInsights(t.ctx.db)).toBe(theirs - 25);
    expect(await cursor(other.tenantId)).toBe(theirs);
    expect(await catchUpInsights(t.ctx.db)).toBe(0);
  });

  it('moves the cursor without any read while the job runs, and a read then shows exact counts', async () => {
    const stop = startInsightsCatchUpJob(t.ctx, { intervalMs: 50, batchEvents: 100 });
    try {
      await sendChoices(post, tenant.publicKey, scriptedChoices());
      const end = await head();
      await expect.poll(cursor, { timeout: 20_000, interval: 50 }).toBe(end);
    } finally {
      stop();
    }
    const today = new Date().toISOString().slice(0, 10);
    const response = await t.call('GET', `/v1/insights?from=${today}&to=${today}`, {
      token: tenant.secretKey,
    });
    const report = (await response.json()) as { totals: { choices: unknown; purposes: unknown } };
    expect(report.totals.choices).toEqual(scriptedCounts.choices);
    expect(report.totals.purposes).toEqual(scriptedCounts.purposes);
  });
});
