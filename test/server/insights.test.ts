// GET /v1/insights on every dialect: after a scripted run of 300 banner choices of known kinds
// the counts are exactly those choices, however often and however concurrently the rollup ran;
// the rights pace; scopes and refusals.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import {
  objectionCounts,
  scriptedChoices,
  scriptedCounts,
  scriptedObjections,
  sendChoices,
} from '../helpers/banner-choices.js';
import { liConfig } from '../helpers/li-config.js';

interface Report {
  ledgerSeq: number;
  periods: Array<{
    start: string;
    purposes: Record<string, unknown>;
    choices: Record<string, number>;
  }>;
  totals: {
    choices: Record<string, number>;
    purposes: Record<string, Record<string, number>>;
    byLocale: Record<string, { total: number }>;
    byConfigVersion: Record<string, { total: number }>;
  };
  rights: {
    weeks: Array<{ start: string; received: number; completed: number }>;
    completed: number;
    medianDays: number | null;
    worstDays: number | null;
    overdueNow: number;
  };
}

describe.each(dialects)('GET /v1/insights on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeEach(async () => {
    t = await startTestApp(dialect, { env: { AKKOORD_RATE_LIMITS: 'off' } });
    tenant = await createTestTenant(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const today = () => new Date().toISOString().slice(0, 10);
  const daysAgo = (n: number) => new Date(Date.now() - n * 864e5).toISOString().slice(0, 10);
  const insights = async (query: string, token = tenant.secretKey) => {
    const response = await t.call('GET', `/v1/insights?${query}`, { token });
    expect(response.status).toBe(200);
    return (await response.json()) as Report;
  };
  const postConsent = (body: unknown) => t.call('POST', '/v1/consents', { body });

  it('counts exactly 300 scripted banner choices per control, purpose, GPC and language, however the rollup was run', async () => {
    const choices = scriptedChoices();
    await sendChoices(postConsent, tenant.publicKey, choices.slice(0, 130));
    // Read half-way, then twice at once after the rest: nothing is counted twice or left out.
    await insights(`from=${today()}&to=${today()}`);
    await sendChoices(postConsent, tenant.publicKey, choices.slice(130));
    const [a, b] = await Promise.all([
      insights(`from=${today()}&to=${today()}`),
      insights(`from=${today()}&to=${today()}`),
    ]);
    const report = a.ledgerSeq >= b.ledgerSeq ? a : b;
    const head = await t.ctx.db
      .selectFrom('ledger_heads')
      .select('ledger_seq')
      .where('tenant_id', '=', tenant.tenantId)
      .executeTakeFirstOrThrow();
    expect(report.ledgerSeq).toBe(head.ledger_seq);
    expect(report.totals.choices).toEqual(scriptedCounts.choices);
    expect(report.totals.purposes).toEqual(scriptedCounts.purposes);
    expect(
      Object.fromEntries(Object.entries(report.totals.byLocale).map(([k, v]) => [k, v.total])),
    ).toEqual(scriptedCounts.byLocale);
    expect(report.totals.byConfigVersion['1'].total).toBe(300);
    expect(report.periods).toEqual([
      { start: today(), purposes: scriptedCounts.purposes, choices: scriptedCounts.choices },
    ]);
    // Read again: the same counts.
    expect((await insights(`from=${today()}&to=${today()}`)).totals.choices).toEqual(
      scriptedCounts.choices,
    );
  });

  it('GDPR-40: counts objections to a legitimate-interest purpose per day and purpose, beside the other statuses', async () => {
    const li = await createTestTenant(t, liConfig());
    await sendChoices(postConsent, li.publicKey, scriptedObjections());
    const report = await insights(`from=${daysAgo(1)}&to=${today()}`, li.secretKey);
    expect(report.totals.purposes).toEqual(objectionCounts);
    expect(report.periods.map((p) => p.start)).toEqual([daysAgo(1), today()]);
    expect(report.periods[0].purposes).toEqual({});
    expect(report.periods[1].purposes).toEqual(objectionCounts);
    expect(report.totals.choices).toMatchObject({ total: 20, save_choices: 12, accept_all: 8 });
    // A week's period adds the days' objections up the same way.
    expect(
      (await insights(`from=${daysAgo(6)}&to=${today()}&granularity=week`, li.secretKey)).totals
        .purposes.fraud.objected,
    ).toBe(12);
  });

  it('lists every day or week of the period, empty ones as zeros; weeks start on Monday, clipped to from', async () => {
    await sendChoices(postConsent, tenant.publicKey, scriptedChoices().slice(0, 10));
    const daily = await insights(`from=${daysAgo(13)}&to=${today()}&granularity=day`);
    expect(daily.periods).toHaveLength(14);
    expect(daily.periods.at(-1)!.choices.accept_all).toBe(10);
    expect(daily.periods.slice(0, -1).every((p) => p.choices.total === 0)).toBe(true);
    const weekly = await insights(`from=${daysAgo(13)}&to=${today()}&granularity=week`);
    expect(weekly.periods[0].start).toBe(daysAgo(13));
    expect(
      weekly.periods.slice(1).every((p) => new Date(`${p.start}T00:00:00Z`).getUTCDay() === 1),
    ).toBe(true);
    expect(weekly.periods.reduce((sum, p) => sum + p.choices.total, 0)).toBe(10);
    // A period before the choices has none.
    expect((await insights(`from=${daysAgo(30)}&to=${daysAgo(20)}`)).totals.choices.total).toBe(0);
  });

  it('GDPR-20: rights requests received and answered per week, median and worst days to answer, overdue now', async () => {
    for (const id of ['crm-1', 'crm-2', 'crm-3']) {
      expect(
        (
          await t.call('PUT', `/v1/subjects/${id}`, {
            token: tenant.secretKey,
            body: { attributes: {} },
          })
        ).status,
      ).toBeLessThan(300);
    }
    const received = (days: number) => new Date(Date.now() - days * 864e5).toISOString();
    const request = (subject: string, days: number, execute: boolean) =>
      t.call('POST', '/v1/requests', {
        token: tenant.secretKey,
        body: { subject, type: 'access', receivedAt: received(days), execute },
      });
    expect((await request('crm-1', 10, true)).status).toBe(201);
    expect((await request('crm-2', 4, true)).status).toBe(201);
    expect((await request('crm-3', 40, false)).status).toBe(201);
    const { rights } = await insights(`from=${daysAgo(60)}&to=${today()}`);
    expect(rights.weeks.reduce((sum, w) => sum + w.received, 0)).toBe(3);
    expect(rights.weeks.at(-1)!.completed).toBe(2);
    expect(rights.completed).toBe(2);
    expect(rights.medianDays).toBe(7);
    expect(rights.worstDays).toBe(10);
    expect(rights.overdueNow).toBe(1);
  });

  it('answers keys with insights:read, audit:read or admin, and refuses others (403) and bad periods (400)', async () => {
    const keyWith = async (scopes: string[]) =>
      (
        (await (
          await t.call('POST', '/v1/keys', { token: tenant.secretKey, body: { scopes } })
        ).json()) as { secretKey: string }
      ).secretKey;
    const query = `from=${today()}&to=${today()}`;
    await insights(query, await keyWith(['insights:read']));
    await insights(query, await keyWith(['audit:read']));
    expect(
      (await t.call('GET', `/v1/insights?${query}`, { token: await keyWith(['feed:read']) }))
        .status,
    ).toBe(403);
    expect((await t.call('GET', `/v1/insights?${query}`)).status).toBe(401);
    for (const bad of [
      `from=${today()}&to=${daysAgo(1)}`,
      'from=2026-02-30&to=2026-03-01',
      'from=2024-01-01&to=2026-01-01',
      `from=${today()}`,
      `${query}&granularity=month`,
    ]) {
      const response = await t.call('GET', `/v1/insights?${bad}`, { token: tenant.secretKey });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'VALIDATION_FAILED',
      );
    }
  });
});
