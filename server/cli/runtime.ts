// What every `akkoord` command shares: opening the store from DATABASE_URL the way
// the server does, printing a result for people or (--json) for scripts, a progress
// bar on a terminal, and one error type that ends in a clear message and exit code.
import cliProgress from 'cli-progress';
import pino from 'pino';
import { createContext } from '../app.js';
import { loadConfig } from '../config.js';
import type { AppContext } from '../context.js';
import { sql } from 'kysely';
import { createStore, type Store } from '../db/create-db.js';
import { migrations } from '../db/migrations/index.js';
import { createLogger } from '../observability/logger.js';

/** An expected failure: bad input, an unknown id, a refused operation. */
export class CliError extends Error {
  constructor(message: string, readonly details: string[] = [], readonly exitCode = 1) {
    super(message);
  }
}

export interface Output {
  json: boolean;
  /** A result: `human` for a terminal, `data` as one JSON document with --json. */
  result(data: unknown, human: string): void;
  /** A note for people; silent with --json (stdout is then only the result). */
  note(text: string): void;
  progress(total: number, label: string): Progress;
}

export interface Progress {
  update(done: number): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

export function createOutput(json: boolean): Output {
  return {
    json,
    result(data, human) {
      process.stdout.write(json ? JSON.stringify(data, null, 2) + '\n' : human + '\n');
    },
    note(text) {
      if (!json) process.stderr.write(text + '\n');
    },
    progress(total, label) {
      // A bar only where a person watches: not in scripts, pipes or --json.
      if (json || !process.stderr.isTTY) return silent;
      const bar = new cliProgress.SingleBar({
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
        stream: process.stderr,
        hideCursor: true,
      }, cliProgress.Presets.shades_classic);
      bar.start(Math.max(total, 1), 0);
      return {
        update: (done) => bar.update(Math.min(done, Math.max(total, 1))),
        stop: () => bar.stop(),
      };
    },
  };
}

/** Opens the database of DATABASE_URL (migrating it unless told not to), runs `fn`, closes it. */
export async function withContext<T>(fn: (ctx: AppContext) => Promise<T>, options: { migrate?: boolean } = {}): Promise<T> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const store = createStore(config.databaseUrl);
  try {
    if (options.migrate ?? true) await migrateIfPending(store);
    // Logs go to stderr: stdout carries only the result, which scripts parse (--json).
    return await fn(createContext({ db: store, config, logger: createLogger(config.logLevel, pino.destination(2)) }));
  } finally {
    await store.close();
  }
}

/**
 * Migrates only when a migration is pending. The common case costs one query, and
 * it avoids the migrator's catalog scan, which on a PostgreSQL shared with other
 * schemas can fail while another schema is being dropped.
 */
async function migrateIfPending(store: Store): Promise<void> {
  try {
    const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(store.db);
    const names = new Set(applied.rows.map((r) => r.name));
    if (Object.keys(migrations).every((name) => names.has(name))) return;
  } catch {
    // No migration table yet: a new database.
  }
  await store.migrate();
}

/** The tenant named by --tenant, or a clear error. */
export async function requireTenant(ctx: AppContext, tenantId: string | undefined): Promise<{ id: string; name: string; status: string }> {
  if (!tenantId) throw new CliError('Name the tenant with --tenant ten_...');
  const tenant = await ctx.db.selectFrom('tenants').select(['id', 'name', 'status']).where('id', '=', tenantId).executeTakeFirst();
  if (!tenant) throw new CliError(`No tenant with id ${tenantId.slice(0, 60)} in this database`);
  return tenant;
}
