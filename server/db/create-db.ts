// The only module that knows which database is behind Kysely: SQLite through
// better-sqlite3 (the default, one file) or PostgreSQL through pg (several servers).
import path from 'node:path';
import type SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { makePrivateDir, narrowToOwner, touchPrivateFile } from '../private-files.js';
import type { Database } from './database.js';
import { migrations } from './migrations/index.js';
import { RetryingKysely } from './transaction-retry.js';
import { preparingPool } from './prepared-statements.js';
import { createSqliteConsentWriter, type SyncConsentWriter } from './sqlite-consent-writer.js';
import { openSqliteHandle } from './sqlite-handle.js';
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
   * The database the banner's consent batches are written to by a worker thread with
   * connections of its own (services/consent/banner-write-client.ts): `sqlite:` and the
   * file's absolute path, or the PostgreSQL URL; null where they are written on the event
   * loop (an in-memory database, or `consentWrites: 'inline'`).
   */
  writeWorkerUrl: string | null;
  /** Runs `close` before the store closes (a worker's connection before the server's). */
  onClose(close: () => Promise<void>): void;
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

export interface StoreOptions {
  /**
   * Where a SQLite file's banner consents are written: in a worker thread (the default)
   * or inline on the event loop (the benchmark compares the two). An in-memory database
   * has no second connection, so it is always written inline. PostgreSQL's are always
   * written by a worker.
   */
  consentWrites?: 'worker' | 'inline';
  /** PostgreSQL: connections this store keeps at most (10; the write worker's store 3). */
  connections?: number;
}

export function createStore(databaseUrl: string, options: StoreOptions = {}): Store {
  if (databaseUrl.startsWith('sqlite:'))
    return openSqlite(databaseUrl.slice('sqlite:'.length), options);
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return openPostgres(databaseUrl, options);
  throw new Error(
    `DATABASE_URL must start with sqlite: or postgres://, got "${databaseUrl.split(':')[0]}:"`,
  );
}

function openSqlite(file: string, options: StoreOptions): Store {
  if (file !== ':memory:') {
    makePrivateDir(path.dirname(path.resolve(file)));
    // A database SQLite creates itself would be 0644; one that exists empty keeps its 0600,
    // and SQLite makes its -wal and -shm with the same mode.
    touchPrivateFile(file);
    for (const suffix of ['', '-wal', '-shm']) narrowToOwner(file + suffix);
  }
  const handle = openSqliteHandle(file);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(handle) }),
  });
  const closers: Array<() => Promise<void>> = [];
  return {
    db,
    dialect: 'sqlite',
    sqlite: handle,
    pgPool: null,
    consentWriter: createSqliteConsentWriter(handle, db),
    writeWorkerUrl:
      file !== ':memory:' && options.consentWrites !== 'inline'
        ? `sqlite:${path.resolve(file)}`
        : null,
    onClose: (close) => closers.push(close),
    async scrub() {
      handle.pragma('wal_checkpoint(TRUNCATE)');
    },
    migrate: () => migrate(db, 'sqlite'),
    async close() {
      for (const close of closers.splice(0)) await close();
      await db.destroy();
    },
  };
}

function openPostgres(url: string, options: StoreOptions): Store {
  const parsed = new URL(url);
  // ?schema=NAME keeps several databases in one (the test suite runs each file in its own).
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: options.connections ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // Every transaction runs again on a deadlock or serialization failure (transaction-retry.ts).
  const db = new RetryingKysely<Database>({
    dialect: new PostgresDialect({ pool: preparingPool(pool) }),
  });
  const closers: Array<() => Promise<void>> = [];
  return {
    db,
    dialect: 'postgres',
    sqlite: null,
    pgPool: pool,
    consentWriter: null,
    writeWorkerUrl: url,
    onClose: (close) => closers.push(close),
    async scrub() {
      for (const table of [
        'subjects',
        'records',
        'outbox',
        'tokens',
        'subject_visitors',
        'consent_events',
      ]) {
        await sql`VACUUM ${sql.table(table)}`.execute(db);
      }
    },
    async migrate() {
      if (schema) await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
      await migrate(db, 'postgres', schema ?? undefined);
    },
    async close() {
      for (const close of closers.splice(0)) await close();
      await db.destroy();
    },
  };
}

/** `schema`: keep Kysely's bookkeeping tables there too; its existence check would otherwise see another schema's. */
async function migrate(db: Kysely<Database>, dialect: Dialect, schema?: string): Promise<void> {
  if (await upToDate(db, dialect, schema)) return;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
    // Work lands from parallel branches: a database that already ran a later-named migration
    // must still take an earlier-named one that arrived after it (each touches its own tables).
    allowUnorderedMigrations: true,
  });
  const { error, results } = await retryCatalogueRace(() => migrator.migrateToLatest());
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(
      `migration ${failed?.migrationName ?? '(unknown)'} failed: ${String((error as Error).message ?? error)}`,
    );
  }
}

/**
 * Runs a migrator call again when it failed because a schema it was reading was dropped
 * meanwhile: Kysely's migrator reads the tables of every schema in the database, so
 * another application (or test) dropping its own schema on the same PostgreSQL makes it
 * fail with "schema does not exist" (3F000) though nothing is wrong with ours. Nothing
 * was migrated when it failed that way: the check comes before any migration.
 */
export async function retryCatalogueRace<T extends { error?: unknown }>(
  run: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const result = await run();
    const code = (result.error as { code?: string } | undefined)?.code;
    if (code !== '3F000' || attempt === 3) return result;
  }
}

/**
 * Whether every migration of this build has run. A server starting on an up-to-date database
 * (the usual start, and every server after the first on a shared PostgreSQL) then skips the
 * migrator: its table check reads the catalogue of every schema in the database, which is slow
 * and fails outright when another schema is dropped while it reads.
 */
async function upToDate(db: Kysely<Database>, dialect: Dialect, schema?: string): Promise<boolean> {
  const qualified = schema ? `${schema}.kysely_migration` : 'kysely_migration';
  const exists =
    dialect === 'postgres'
      ? (await sql<{ found: string | null }>`SELECT to_regclass(${qualified}) AS found`.execute(db))
          .rows[0]?.found
      : (
          await sql<{
            name: string;
          }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'`.execute(
            db,
          )
        ).rows[0];
  if (!exists) return false;
  const ran = await sql<{ name: string }>`SELECT name FROM ${sql.table(qualified)}`.execute(db);
  const names = new Set(ran.rows.map((row) => row.name));
  return Object.keys(migrations).every((name) => names.has(name));
}
