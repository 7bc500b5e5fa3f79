// Migrations that change stored data, run over data written before them (both dialects).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Migrator, sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createStore,
  retryCatalogueRace,
  type Dialect,
  type Store,
} from '../../server/db/create-db.js';
import type { Database } from '../../server/db/database.js';
import { migrations } from '../../server/db/migrations/index.js';
import { feedEventJson } from '../../server/services/feed/feed.js';
import { dialects } from '../helpers/db.js';
import { columnsOf } from '../helpers/tenant-data.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** An empty store with no migration run yet (openTestStore migrates to the latest). */
async function unmigratedStore(dialect: Dialect): Promise<{ store: Store; schema?: string }> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-migrations-'));
    const store = createStore(`sqlite:${path.join(dir, 'akkoord.db')}`);
    cleanups.push(async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    return { store };
  }
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const base = process.env.TEST_DATABASE_URL!;
  const store = createStore(`${base}${base.includes('?') ? '&' : '?'}schema=${schema}`);
  await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(store.db);
  cleanups.push(async () => {
    await store.close();
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });
  return { store, schema };
}

function migrator(db: Kysely<Database>, schema?: string): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

/** Tenant `ten_a`, as the schema of the migration under test holds it. */
async function insertTenant(db: Kysely<Database>, now: string): Promise<void> {
  await db
    .insertInto('tenants')
    .values({
      id: 'ten_a',
      name: 'A',
      allowed_origins: '[]',
      public_key: 'pk_a',
      settings: '{}',
      status: 'active',
      delete_after: null,
      created_at: now,
    } as never)
    .execute();
}

describe.each(dialects)('migrations on %s', (dialect) => {
  it('2026_11_29_1810 fills in event_json for events stored before it, as the feed serves them', async () => {
    const { store, schema } = await unmigratedStore(dialect);
    const { error } = await retryCatalogueRace(() =>
      migrator(store.db, schema).migrateTo('2026_11_29_1800_cover_audience_index'),
    );
    expect(error).toBeUndefined();
    const now = new Date().toISOString();
    await insertTenant(store.db, now);
    const events = Array.from({ length: 1205 }, (_, i) => ({
      tenant_id: 'ten_a',
      seq: i + 1,
      id: `evt_${i}`,
      type: 'consent.updated',
      subject_id: i % 2 ? `sub_${i}` : null,
      external_id: i % 3 ? null : `crm "${i}"\n`,
      data: `{"n":${i}}`,
      occurred_at: now,
    }));
    for (let i = 0; i < events.length; i += 300)
      await store.db
        .insertInto('feed_events')
        .values(events.slice(i, i + 300) as never)
        .execute();

    expect(
      (await retryCatalogueRace(() => migrator(store.db, schema).migrateToLatest())).error,
    ).toBeUndefined();

    const stored = await store.db
      .selectFrom('feed_events')
      .select(['seq', 'event_json'])
      .orderBy('seq')
      .execute();
    expect(stored).toHaveLength(events.length);
    for (const [i, row] of stored.entries()) expect(row.event_json).toBe(feedEventJson(events[i]));
    expect(JSON.parse(stored[3].event_json)).toEqual({
      id: 'evt_3',
      type: 'consent.updated',
      occurredAt: now,
      subject: { id: 'sub_3', externalId: 'crm "3"\n' },
      data: { n: 3 },
    });
  });
});

describe.each(dialects)('answers keyed by subject on %s', (dialect) => {
  it('2026_12_03_0900 moves a banner answer to its subject, drops one whose visitor link is gone, keeps the rest', async () => {
    const { store, schema } = await unmigratedStore(dialect);
    const before = await retryCatalogueRace(() =>
      migrator(store.db, schema).migrateTo('2026_12_02_2121_add_objection_reason'),
    );
    expect(before.error).toBeUndefined();
    const now = new Date().toISOString();
    await insertTenant(store.db, now);
    await store.db
      .insertInto('subjects')
      .values({
        id: 'sub_1',
        tenant_id: 'ten_a',
        restricted: 0,
        created_at: now,
        updated_at: now,
        last_activity_at: now,
      } as never)
      .execute();
    await store.db
      .insertInto('subject_visitors')
      .values({ tenant_id: 'ten_a', visitor_hash: 'hash1', subject_id: 'sub_1', created_at: now })
      .execute();
    const answer = (owner: string, clientEventId: string) => ({
      tenant_id: 'ten_a',
      owner,
      client_event_id: clientEventId,
      response: `{"for":"${owner} ${clientEventId}"}`,
      created_at: now,
    });
    await store.db
      .insertInto('idempotency_keys')
      .values([answer('v:hash1', 'ce_1'), answer('v:gone', 'ce_2'), answer('s:sub_1', 'ce_3')])
      .execute();

    expect(
      (await retryCatalogueRace(() => migrator(store.db, schema).migrateToLatest())).error,
    ).toBeUndefined();

    const rows = await store.db
      .selectFrom('idempotency_keys')
      .select(['owner', 'client_event_id', 'response'])
      .orderBy('owner')
      .execute();
    expect(rows).toEqual([
      { owner: 'b:sub_1', client_event_id: 'ce_1', response: '{"for":"v:hash1 ce_1"}' },
      { owner: 's:sub_1', client_event_id: 'ce_3', response: '{"for":"s:sub_1 ce_3"}' },
    ]);
  });
});

describe.each(dialects)('migration order on %s', (dialect) => {
  it('a database that ran a later-named migration first still takes an earlier-named one that arrived after it', async () => {
    const { store, schema } = await unmigratedStore(dialect);
    // As if the mail-queue migration had landed after the database ran every other one.
    const { '2026_12_02_1300_add_mail_queue': _late, ...others } = migrations;
    const without = new Migrator({
      db: store.db,
      provider: { getMigrations: async () => others },
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
    expect((await retryCatalogueRace(() => without.migrateToLatest())).error).toBeUndefined();
    await store.migrate();
    // This schema's own table: Kysely's introspection would read every test's schema.
    const columns = await columnsOf({ ctx: { store, db: store.db } }, 'outbox');
    expect(columns).toEqual(
      expect.arrayContaining(['status', 'attempts', 'next_attempt_at', 'last_error']),
    );
  });
});

// Kysely's migrator on PostgreSQL serialises servers with this advisory lock, and reads the
// catalogue of every schema before it; a server with nothing to migrate needs neither.
const KYSELY_MIGRATION_LOCK = '3853314791062309107';

describe.runIf(dialects.includes('postgres'))(
  'start-up on an up-to-date PostgreSQL database',
  () => {
    it('does not wait for the migration lock when nothing is pending, so servers start while another migrates', async () => {
      const { store } = await unmigratedStore('postgres');
      await store.migrate();
      const other = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await other.connect();
      await other.query(`SELECT pg_advisory_lock(${KYSELY_MIGRATION_LOCK})`);
      try {
        const outcome = await Promise.race([
          store.migrate().then(() => 'started'),
          new Promise((resolve) => setTimeout(() => resolve('waited for the lock'), 2_000)),
        ]);
        expect(outcome).toBe('started');
      } finally {
        await other.query(`SELECT pg_advisory_unlock(${KYSELY_MIGRATION_LOCK})`);
        await other.end();
      }
    });
  },
);

describe('a migrator call that met a schema dropped meanwhile', () => {
  it('runs again, at most three times, and only for that error', async () => {
    const dropped = {
      error: Object.assign(new Error('schema "t_x" does not exist'), { code: '3F000' }),
    };
    const answers = [dropped, dropped, {}];
    let calls = 0;
    expect(await retryCatalogueRace(async () => answers[calls++])).toEqual({});
    expect(calls).toBe(3);

    calls = 0;
    expect(await retryCatalogueRace(async () => (calls++, dropped))).toBe(dropped);
    expect(calls).toBe(3);

    const other = { error: Object.assign(new Error('syntax error'), { code: '42601' }) };
    calls = 0;
    expect(await retryCatalogueRace(async () => (calls++, other))).toBe(other);
    expect(calls).toBe(1);
  });
});

describe.each(dialects)('the external-id index on %s', (dialect) => {
  it('2026_12_04_0900 keeps only subjects with an external id in the unique index, and still refuses a second one with the same id', async () => {
    const { store, schema } = await unmigratedStore(dialect);
    const previous = '2026_12_03_0900_key_answers_by_subject';
    expect(
      (await retryCatalogueRace(() => migrator(store.db, schema).migrateTo(previous))).error,
    ).toBeUndefined();
    const now = new Date().toISOString();
    await insertTenant(store.db, now);
    const subject = (id: string, externalId: string | null) => ({
      id,
      tenant_id: 'ten_a',
      external_id: externalId,
      restricted: 0,
      created_at: now,
      updated_at: now,
      last_activity_at: now,
    });
    await store.db
      .insertInto('subjects')
      .values([subject('sub_1', 'crm-1'), subject('sub_2', null), subject('sub_3', null)] as never)
      .execute();

    expect(
      (await retryCatalogueRace(() => migrator(store.db, schema).migrateToLatest())).error,
    ).toBeUndefined();

    const definition =
      dialect === 'sqlite'
        ? await sql<{
            definition: string;
          }>`SELECT sql AS definition FROM sqlite_master WHERE name = 'subjects_external'`.execute(
            store.db,
          )
        : await sql<{
            definition: string;
          }>`SELECT indexdef AS definition FROM pg_indexes WHERE indexname = 'subjects_external' AND schemaname = ${schema}`.execute(
            store.db,
          );
    expect(definition.rows[0].definition).toMatch(/unique/i);
    expect(definition.rows[0].definition).toMatch(/where \(?"?external_id"? is not null/i);
    await store.db
      .insertInto('subjects')
      .values(subject('sub_4', null) as never)
      .execute();
    await expect(
      store.db
        .insertInto('subjects')
        .values(subject('sub_5', 'crm-1') as never)
        .execute(),
    ).rejects.toThrow(/unique/i);
  });
});

describe.each(dialects)("the ledger tables' tenant keys on %s", (dialect) => {
  /** The tables each table's foreign keys reference, read from the database. */
  async function referenced(store: Store, schema: string | undefined, table: string) {
    const { rows } =
      dialect === 'sqlite'
        ? await sql<{
            target: string;
          }>`SELECT "table" AS target FROM pragma_foreign_key_list(${table})`.execute(store.db)
        : await sql<{ target: string }>`
            SELECT confrelid::regclass::text AS target FROM pg_constraint
            WHERE contype = 'f' AND conrelid = ${`${schema}.${table}`}::regclass`.execute(store.db);
    return rows.map((row) => row.target.replace(/^.*\./, '')).sort();
  }

  it('2026_12_04_1000 drops the key to tenants of the four tables written under the ledger head on PostgreSQL only, and keeps the keys to subjects', async () => {
    const { store, schema } = await unmigratedStore(dialect);
    expect(
      (await retryCatalogueRace(() => migrator(store.db, schema).migrateToLatest())).error,
    ).toBeUndefined();
    const tenantKey = dialect === 'sqlite' ? ['tenants'] : [];
    expect(await referenced(store, schema, 'consent_events')).toEqual(tenantKey);
    expect(await referenced(store, schema, 'feed_events')).toEqual(tenantKey);
    expect(await referenced(store, schema, 'idempotency_keys')).toEqual(tenantKey);
    expect(await referenced(store, schema, 'consent_state')).toEqual(
      [...tenantKey, 'subjects'].sort(),
    );
    expect(await referenced(store, schema, 'subject_visitors')).toEqual(['subjects', 'tenants']);

    // And back: down restores them.
    const previous = '2026_12_04_0900_make_external_index_partial';
    expect(
      (await retryCatalogueRace(() => migrator(store.db, schema).migrateTo(previous))).error,
    ).toBeUndefined();
    expect(await referenced(store, schema, 'consent_events')).toEqual(['tenants']);
    expect(await referenced(store, schema, 'consent_state')).toEqual(['subjects', 'tenants']);
  });
});
