// Migrated template databases, so a test's store is a copy instead of a fresh migration.
// Migrating takes about 300 ms per store (SQLite) and over a second on PostgreSQL; copying the
// migrated file takes a few milliseconds, and replaying a dump of a migrated schema tens.
// Templates are keyed by a hash of the migration sources, so editing a migration makes a new
// one; they live in the temp directory and are shared by every test process of a run.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createStore } from '../../server/db/create-db.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../server/db/migrations/', import.meta.url));
const TEMPLATE_DIR = path.join(os.tmpdir(), 'akkoord-test-templates');

let migrationsHash: string | undefined;

/** Changes whenever a migration file does. */
function hashMigrations(): string {
  if (migrationsHash) return migrationsHash;
  const hash = crypto.createHash('sha256');
  for (const name of fs.readdirSync(MIGRATIONS_DIR).sort()) {
    hash
      .update(name)
      .update('\0')
      .update(fs.readFileSync(path.join(MIGRATIONS_DIR, name)))
      .update('\0');
  }
  migrationsHash = hash.digest('hex').slice(0, 16);
  return migrationsHash;
}

/** Writes through a temporary name and renames, so a reader never sees half a template. */
function publish(target: string, write: (temporary: string) => void): void {
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  const temporary = `${target}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  try {
    write(temporary);
    fs.renameSync(temporary, target);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** The path of a migrated SQLite file to copy; made on first use. */
export async function sqliteTemplate(): Promise<string> {
  const file = path.join(TEMPLATE_DIR, `sqlite-${hashMigrations()}.db`);
  if (fs.existsSync(file)) return file;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-template-'));
  try {
    const built = path.join(scratch, 'template.db');
    const store = createStore(`sqlite:${built}`);
    await store.migrate();
    // One self-contained file: the write-ahead log folded in and switched off for the copy
    // (each copy's store turns it back on when it opens).
    store.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
    store.sqlite!.pragma('journal_mode = DELETE');
    await store.close();
    publish(file, (temporary) => fs.copyFileSync(built, temporary));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return file;
}

/** Stands for the schema's name in the stored dump. */
const SCHEMA_PLACEHOLDER = '__akkoord_template_schema__';

/**
 * SQL that creates a migrated schema named `schema` (tables, indexes, constraints and
 * Kysely's migration rows), from a pg_dump of a schema migrated once; null when pg_dump
 * cannot be run, and the caller migrates instead.
 */
export async function postgresSchemaScript(
  baseUrl: string,
  schema: string,
): Promise<string | null> {
  const file = path.join(TEMPLATE_DIR, `postgres-${hashMigrations()}.sql`);
  if (!fs.existsSync(file)) {
    const dump = await dumpMigratedSchema(baseUrl);
    if (dump === null) return null;
    publish(file, (temporary) => fs.writeFileSync(temporary, dump, { mode: 0o600 }));
  }
  return fs.readFileSync(file, 'utf8').replaceAll(SCHEMA_PLACEHOLDER, schema);
}

let pgDumpMissing = false;

async function dumpMigratedSchema(baseUrl: string): Promise<string | null> {
  if (pgDumpMissing) return null;
  const schema = `tmpl_${crypto.randomBytes(6).toString('hex')}`;
  const store = createStore(`${baseUrl}${baseUrl.includes('?') ? '&' : '?'}schema=${schema}`);
  try {
    await store.migrate();
    let dump: string;
    try {
      dump = execFileSync(
        'pg_dump',
        ['--dbname', baseUrl, '--schema', schema, '--inserts', '--no-owner', '--no-privileges'],
        {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    } catch {
      pgDumpMissing = true;
      return null;
    }
    // psql's meta-commands (\restrict) are not SQL; the statements are run on their own connection,
    // so the dump's emptied search_path does not leak into the app's.
    return dump
      .split('\n')
      .filter((line) => !line.startsWith('\\'))
      .join('\n')
      .replaceAll(schema, SCHEMA_PLACEHOLDER);
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}
