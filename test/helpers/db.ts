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
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const separator = base.includes('?') ? '&' : '?';
  const url = `${base}${separator}schema=${schema}`;
  const script = await postgresSchemaScript(base, schema);
  if (script !== null) await runOnce(base, script);
  const store = createStore(url);
  if (script === null) await migrateDespiteConcurrentDrops(store);
  return {
    store,
    url,
    file: null,
    async cleanup() {
      await store.close();
      await runOnce(base, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
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
        !/schema "t_[0-9a-f]+" does not exist/.test(String((error as Error).message))
      )
        throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
