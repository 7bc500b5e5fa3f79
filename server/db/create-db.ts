// The only module that knows which database is behind Kysely: SQLite through
// better-sqlite3 (the default, one file) or PostgreSQL through pg (several servers).
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Database } from './database.js';
import { migrations } from './migrations/index.js';
import { createSqliteConsentWriter, type SyncConsentWriter } from './sqlite-consent-writer.js';
import { withStatementCache } from './statement-cache.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The better-sqlite3 handle, for the few paths that need it (backup); null on PostgreSQL. */
  sqlite: SQLite.Database | null;
  /** The pg pool, for libraries that keep shared state in PostgreSQL (rate limits); null on SQLite. */
  pgPool: pg.Pool | null;
  /** The consent write path as synchronous prepared statements (SQLite); null where writes are asynchronous (PostgreSQL). */
  consentWriter: SyncConsentWriter | null;
  /**
   * Make deleted rows unreadable in the files: SQLite overwrites freed pages
   * (secure_delete) and this checkpoints the WAL so no old copy of a page remains;
   * PostgreSQL vacuums the tables personal data lives in.
   */
  scrub(): Promise<void>;
  /** Apply every pending migration; throws with the failing migration's name. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

// int8 (COUNT, SUM) arrives as a string from pg; our counts fit a double.
pg.types.setTypeParser(20, (value) => Number(value));

export function createStore(databaseUrl: string): Store {
  if (databaseUrl.startsWith('sqlite:')) return openSqlite(databaseUrl.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return openPostgres(databaseUrl);
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://, got "${databaseUrl.split(':')[0]}:"`);
}

function openSqlite(file: string): Store {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const handle = new SQLite(file);
  handle.pragma('journal_mode = WAL');
  // FULL: a write acknowledged to a client is on disk even after power loss, not only kill -9.
  handle.pragma('synchronous = FULL');
  handle.pragma('foreign_keys = ON');
  handle.pragma('secure_delete = ON');
  // Temporary data (statement journals, sorts) in memory: no personal data in temp files,
  // and no temp-file writes on the consent write path.
  handle.pragma('temp_store = MEMORY');
  handle.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(handle) }) });
  return {
    db,
    dialect: 'sqlite',
    sqlite: handle,
    pgPool: null,
    consentWriter: createSqliteConsentWriter(handle, db),
    async scrub() {
      handle.pragma('wal_checkpoint(TRUNCATE)');
    },
    migrate: () => migrate(db),
    async close() {
      await db.destroy();
    },
  };
}

function openPostgres(url: string): Store {
  const parsed = new URL(url);
  // ?schema=NAME keeps several databases in one (the test suite runs each file in its own).
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    sqlite: null,
    pgPool: pool,
    consentWriter: null,
    async scrub() {
      for (const table of ['subjects', 'records', 'outbox', 'tokens', 'subject_visitors', 'consent_events']) {
        await sql`VACUUM ${sql.table(table)}`.execute(db);
      }
    },
    async migrate() {
      if (schema) await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
      await migrate(db, schema ?? undefined);
    },
    async close() {
      await db.destroy();
    },
  };
}

/** `schema`: keep Kysely's bookkeeping tables there too; its existence check would otherwise see another schema's. */
async function migrate(db: Kysely<Database>, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${String((error as Error).message ?? error)}`);
  }
}
