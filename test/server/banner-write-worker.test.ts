// On PostgreSQL the banner's batches are written by the write worker thread with a pool
// of its own, each tenant's apart: a tenant whose ledger head is held waits, another
// tenant's visitors are answered meanwhile, and the waiting batch commits once the head
// is free.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/db.js';
import {
  bannerChoice,
  createTestTenant,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(dialects.includes('postgres'))('the banner write worker on postgres', () => {
  let t: TestApp | undefined;
  afterEach(async () => t?.close());

  const choose = (tenant: TestTenant) =>
    t!.call('POST', '/v1/consents', { body: bannerChoice(tenant.publicKey) });

  it("GDPR-04: one tenant's held ledger head does not hold up another tenant's choices", async () => {
    t = await startTestApp('postgres');
    const held = await createTestTenant(t);
    const free = await createTestTenant(t);
    // The worker starts on the first write: both tenants once before the head is held.
    expect((await choose(held)).status).toBe(201);
    expect((await choose(free)).status).toBe(201);

    const other = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await other.connect();
    try {
      const schema = new URL(t.testStore.url).searchParams.get('schema')!;
      await other.query('BEGIN');
      await other.query(`SELECT 1 FROM ${schema}.ledger_heads WHERE tenant_id = $1 FOR UPDATE`, [
        held.tenantId,
      ]);
      const waiting = choose(held);
      const answered = await Promise.race([choose(free), wait(10_000).then(() => null)]);
      expect(answered?.status).toBe(201);
      expect(await Promise.race([waiting.then(() => 'answered'), Promise.resolve('waiting')])).toBe(
        'waiting',
      );
      await other.query('COMMIT');
      expect((await waiting).status).toBe(201);
    } finally {
      await other.end();
    }
  });
});
