// Real databases for tests: a fresh SQLite file per call, and, when
// TEST_DATABASE_URL is set, a fresh PostgreSQL schema per call. Storage tests loop
// over `dialects` so the same suite runs on both (no mocks). Each starts as a copy of a
// migrated template (db-template.ts), which is what a fresh migration would give.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createStore, type Dialect, type Store } from '../../server/db/create-db.js';
import { postgresSchemaScript, sqliteTemplate } from './db-template.js';

export const dialects: Dialect[] = process.env.TEST_DATABASE_URL
  ? ['sqlite', 'postgres']
  : ['sqlite'];

export interface TestStore {
  store: Store;
  url: string;
  /** The SQLite file, for tests that read its bytes. */
  file: string | null;
  cleanup(): Promise<void>;
}

export async function openTestStore(dialect: Dialect): Promise<TestStore> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-test-'));
    const file = path.join(dir, 'akkoord.db');
    const url = `sqlite:${file}`;
    fs.copyFileSync(await sqliteTemplate(), file);
    fs.chmodSync(file, 0o600);
    const store = createStore(url);
    return {
      store,
      url,
      file,
      async cleanup() {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const pooled = emptiedSchemas.pop();
  const schema = pooled ?? newSchemaName();
  const separator = base.includes('?') ? '&' : '?';
  const url = `${base}${separator}schema=${schema}`;
  const script = pooled ? null : await postgresSchemaScript(base, schema);
  if (script !== null) await runOnce(base, script);
  const store = createStore(url);
  if (!pooled && script === null) await migrateDespiteConcurrentDrops(store);
  // Once only: a schema put back twice would be handed to two later tests, and dropped
  // under one of them when the other's cleanup finds it too large to empty.
  let cleaned: Promise<void> | undefined;
  return {
    store,
    url,
    file: null,
    cleanup: () =>
      (cleaned ??= (async () => {
        await store.close();
        if (process.env.AKKOORD_TEST_RUN && (await emptied(base, schema))) {
          emptiedSchemas.push(schema);
          return;
        }
        await runOnce(base, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      })()),
  };
}

/**
 * Schemas a test of this process finished with, emptied for the next one: replaying the
 * template's dump takes about 170 ms and dropping a schema 75 ms, emptying one a few. Only
 * within a run that drops them all at its end (postgres-schemas.global-setup.ts).
 */
const emptiedSchemas: string[] = [];

/** The run's prefix first, so the run's end finds the schemas its tests left. */
const newSchemaName = () =>
  `t_${process.env.AKKOORD_TEST_RUN ?? 'x'}_${crypto.randomBytes(6).toString('hex')}`;

/**
 * Deletes every row of the schema but its migration records; false (the caller drops it) when
 * it holds too much to delete quickly or a row cannot be deleted. Tenants go first: nearly every
 * table's rows cascade from theirs.
 */
async function emptied(base: string, schema: string): Promise<boolean> {
  try {
    await runOnce(
      base,
      `DO $$
      DECLARE t record;
      BEGIN
        IF (SELECT coalesce(sum(pg_relation_size(c.oid)), 0) FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = '${schema}' AND c.relkind = 'r') > 4194304 THEN
          RAISE EXCEPTION 'too large to empty';
        END IF;
        DELETE FROM ${schema}.tenants;
        FOR t IN SELECT tablename FROM pg_tables
            WHERE schemaname = '${schema}' AND tablename NOT LIKE 'kysely_migration%' LOOP
          EXECUTE format('DELETE FROM %I.%I', '${schema}', t.tablename);
        END LOOP;
      END $$`,
    );
    return true;
  } catch {
    return false;
  }
}

/** Runs SQL (several statements allowed) on a connection of its own. */
async function runOnce(url: string, statements: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statements);
  } finally {
    await client.end();
  }
}

/**
 * Kysely's migrator introspects the tables of every schema in the database; when another
 * test file drops its schema during that read, PostgreSQL fails the read with "schema
 * ... does not exist" naming the other schema. Only tests drop schemas like that, so
 * the helper tries again.
 */
async function migrateDespiteConcurrentDrops(store: Store): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await store.migrate();
      return;
    } catch (error) {
      if (
        attempt >= 5 ||
        !/schema "t_[0-9a-fx_]+" does not exist/.test(String((error as Error).message))
      )
        throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
