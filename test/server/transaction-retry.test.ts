// PostgreSQL ends one of two transactions that lock rows in opposite order with a
// deadlock (40P01); every transaction runs again (bounded, jittered) instead of
// answering 500, and /metrics counts it. Needs TEST_DATABASE_URL (PostgreSQL).
import crypto from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_TRANSACTION_ATTEMPTS } from '../../server/db/transaction-retry.js';
import { createGroupCommit } from '../../server/services/consent/group-commit.js';
import {
  ADMIN_TOKEN,
  bannerChoice,
  createTestTenant,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

async function metric(t: TestApp, line: string): Promise<number> {
  const text = await (await t.call('GET', '/metrics')).text();
  const found = text.split('\n').find((l) => l.startsWith(line + ' '));
  return found ? Number(found.slice(line.length + 1)) : NaN;
}

describe.runIf(onPostgres)('transaction retry on postgres', () => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeEach(async () => {
    t = await startTestApp('postgres');
    tenant = await createTestTenant(t);
  });
  afterEach(async () => t.close());

  it('GDPR-04: a real deadlock (two rows locked in opposite order) is retried and both transactions commit; /metrics counts it', async () => {
    const other = (
      (await (
        await t.call('POST', '/v1/admin/tenants', {
          token: ADMIN_TOKEN,
          body: { name: 'Other BV', allowedOrigins: [] },
        })
      ).json()) as { tenant: { id: string } }
    ).tenant.id;
    // Both transactions hold their first row before either asks for its second: a lock cycle PostgreSQL must break.
    let holding = 0;
    let release!: () => void;
    const bothHold = new Promise<void>((resolve) => (release = resolve));
    const runs = { ab: 0, ba: 0 };
    const lockInOrder = (name: keyof typeof runs, first: string, second: string) =>
      t.ctx.db.transaction().execute(async (trx) => {
        runs[name] += 1;
        await trx
          .updateTable('tenants')
          .set({ name: `${name} first` })
          .where('id', '=', first)
          .execute();
        if ((holding += 1) === 2) release();
        await bothHold;
        await trx
          .updateTable('tenants')
          .set({ name: `${name} second` })
          .where('id', '=', second)
          .execute();
        return name;
      });
    expect(await metric(t, 'akkoord_db_transaction_retries_total{code="40P01"}')).toBe(0);
    const results = await Promise.all([
      lockInOrder('ab', tenant.tenantId, other),
      lockInOrder('ba', other, tenant.tenantId),
    ]);
    expect(results).toEqual(['ab', 'ba']);
    // One of the two lost the deadlock and ran again.
    expect(runs.ab + runs.ba).toBe(3);
    expect(await metric(t, 'akkoord_db_transaction_retries_total{code="40P01"}')).toBe(1);
    expect(await metric(t, 'akkoord_db_transaction_retries_exhausted_total')).toBe(0);
  }, 30_000);

  it('GDPR-04: a group-commit request that loses a deadlock runs again in a later batch; the others stand', async () => {
    const other = (
      (await (
        await t.call('POST', '/v1/admin/tenants', {
          token: ADMIN_TOKEN,
          body: { name: 'Other BV', allowedOrigins: [] },
        })
      ).json()) as { tenant: { id: string } }
    ).tenant.id;
    let holding = 0;
    let release!: () => void;
    const bothHold = new Promise<void>((resolve) => (release = resolve));
    const hold = async () => {
      if ((holding += 1) === 2) release();
      await bothHold;
    };
    let jobRuns = 0;
    const commit = createGroupCommit(t.ctx.db, async (trx, input: string) => {
      if (input === 'plain') return 'plain done';
      jobRuns += 1;
      // The run after the lost deadlock waits for the winner to commit: on a busy machine it
      // could otherwise take the first row again before the winner had it, and deadlock anew.
      if (jobRuns > 1) await outside;
      await trx
        .updateTable('tenants')
        .set({ name: 'job first' })
        .where('id', '=', tenant.tenantId)
        .execute();
      await hold();
      await trx
        .updateTable('tenants')
        .set({ name: 'job second' })
        .where('id', '=', other)
        .execute();
      return 'job done';
    });
    const outside = t.ctx.db.transaction().execute(async (trx) => {
      // Slower to look for deadlocks than the job's session: the job is the one PostgreSQL picks to fail.
      await sql`SET LOCAL deadlock_timeout = '10s'`.execute(trx);
      await trx
        .updateTable('tenants')
        .set({ name: 'outside first' })
        .where('id', '=', other)
        .execute();
      await hold();
      await trx
        .updateTable('tenants')
        .set({ name: 'outside second' })
        .where('id', '=', tenant.tenantId)
        .execute();
      return 'outside done';
    });
    const results = await Promise.all([
      commit.submit(tenant.tenantId, 'deadlocking'),
      commit.submit(tenant.tenantId, 'plain'),
      outside,
    ]);
    expect(results).toEqual(['job done', 'plain done', 'outside done']);
    expect(jobRuns).toBe(2);
    expect(await metric(t, 'akkoord_db_transaction_retries_total{code="40P01"}')).toBe(1);
  }, 30_000);

  it('gives up after a bounded number of attempts and counts it', async () => {
    let runs = 0;
    const failing = t.ctx.db.transaction().execute(async () => {
      runs += 1;
      throw Object.assign(new Error('could not serialize access due to concurrent update'), {
        code: '40001',
      });
    });
    await expect(failing).rejects.toMatchObject({ code: '40001' });
    expect(runs).toBe(MAX_TRANSACTION_ATTEMPTS);
    expect(await metric(t, 'akkoord_db_transaction_retries_total{code="40001"}')).toBe(
      MAX_TRANSACTION_ATTEMPTS - 1,
    );
    expect(await metric(t, 'akkoord_db_transaction_retries_exhausted_total')).toBe(1);
    // Other errors are not retried.
    runs = 0;
    await expect(
      t.ctx.db.transaction().execute(async () => {
        runs += 1;
        throw Object.assign(new Error('duplicate key'), { code: '23505' });
      }),
    ).rejects.toThrow('duplicate key');
    expect(runs).toBe(1);
  });

  it("GDPR-04: a banner's first choice racing a PUT that links the same visitor never answers 500", async () => {
    const rounds = 40;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: rounds }, async (_, i) => {
        const visitorId = `v_${crypto.randomBytes(16).toString('base64url')}`;
        const [banner, put] = await Promise.all([
          t.call('POST', '/v1/consents', { body: bannerChoice(tenant.publicKey, visitorId) }),
          t.call('PUT', `/v1/subjects/crm-race-${i}`, {
            token: tenant.secretKey,
            body: { email: `race${i}@example.org`, visitorIds: [visitorId] },
          }),
        ]);
        statuses.push(banner.status, put.status);
      }),
    );
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.every((s) => s < 300)).toBe(true);
    // Every visitor ends up with the known person, holding the banner's choice.
    const linked = await t.ctx.db
      .selectFrom('subject_visitors')
      .innerJoin('subjects', 'subjects.id', 'subject_visitors.subject_id')
      .select('subjects.external_id')
      .where('subject_visitors.tenant_id', '=', tenant.tenantId)
      .execute();
    expect(linked.filter((l) => l.external_id?.startsWith('crm-race-'))).toHaveLength(rounds);
  }, 60_000);
  it("GDPR-04: a banner batch that loses a deadlock in the write worker runs again, and the server's /metrics counts it", async () => {
    const visitorId = `v_${crypto.randomBytes(16).toString('base64url')}`;
    const choose = (ads: boolean) =>
      t.call('POST', '/v1/consents', {
        body: { ...bannerChoice(tenant.publicKey, visitorId), decisions: { analytics: true, ads } },
      });
    expect((await choose(false)).status).toBe(201);
    const { id: subjectId } = await t.ctx.db
      .selectFrom('subjects')
      .select('id')
      .where('tenant_id', '=', tenant.tenantId)
      .executeTakeFirstOrThrow();
    const schema = new URL(t.testStore.url).searchParams.get('schema')!;
    const other = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await other.connect();
    try {
      // Another transaction holds the subject's row; the worker's batch takes the tenant's
      // head, then waits for that row; the other then asks for the head: a lock cycle.
      await other.query('BEGIN');
      await other.query(
        `UPDATE ${schema}.subjects SET last_activity_at = last_activity_at WHERE id = $1`,
        [subjectId],
      );
      // A changed choice: the batch writes events and touches the subject.
      const second = choose(true);
      await expect
        .poll(async () => {
          const { rows } = await other.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
          );
          return rows[0].n;
        })
        .toBe(1);
      // The worker waited first, so its deadlock check runs first and ends its transaction.
      await other.query(`SELECT 1 FROM ${schema}.ledger_heads WHERE tenant_id = $1 FOR UPDATE`, [
        tenant.tenantId,
      ]);
      await other.query('COMMIT');
      expect((await second).status).toBe(201);
    } finally {
      await other.end();
    }
    expect(await metric(t, 'akkoord_db_transaction_retries_total{code="40P01"}')).toBe(1);
  }, 30_000);
});
