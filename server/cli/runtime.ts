// What every `akkoord` command shares: opening the store from DATABASE_URL the way
// the server does, printing a result for people or (--json) for scripts, a progress
// bar on a terminal, and one error type that ends in a clear message and exit code.
import { createContext } from '../app.js';
import { loadConfig } from '../config.js';
import type { AppContext } from '../context.js';
import { sql } from 'kysely';
import { createStore, type Store } from '../db/create-db.js';
import { migrations } from '../db/migrations/index.js';
import { createLogger } from '../observability/logger.js';
import {
  checkSecret,
  ensureSecretFingerprint,
  SecretMismatchError,
} from '../services/tenants/secret-fingerprint.js';
import { CliError, type Output } from './output.js';

export { CliError, type Output } from './output.js';

/**
 * Opens the database of the command's DATABASE_URL (migrating it unless told not to),
 * runs `fn`, closes it.
 */
export async function withContext<T>(
  out: Output,
  fn: (ctx: AppContext) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  let config;
  try {
    config = loadConfig(out.io.env);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const store = createStore(config.databaseUrl);
  try {
    const migrate = options.migrate ?? true;
    if (migrate) await migrateIfPending(store);
    // Logs go to stderr: stdout carries only the result, which scripts parse (--json).
    const ctx = createContext({
      db: store,
      config,
      logger: createLogger(config.logLevel, out.io.stderr),
    });
    await checkSecretOrRefuse(ctx, migrate);
    return await fn(ctx);
  } finally {
    await store.close();
  }
}

/**
 * Every command refuses a database whose data belongs to another secret, as the server
 * does. A command that does not migrate may meet a database from before fingerprints
 * (no table yet): it then leaves the check to the server's next start.
 */
async function checkSecretOrRefuse(ctx: AppContext, migrated: boolean): Promise<void> {
  try {
    if (migrated) {
      await ensureSecretFingerprint(ctx.db, ctx.keyring, ctx.clock.now().toISOString());
      return;
    }
    const check = await checkSecret(ctx.db, ctx.keyring).catch(() => null);
    if (check?.status === 'mismatch') throw new SecretMismatchError(check);
  } catch (error) {
    if (error instanceof SecretMismatchError) {
      const [first, ...rest] = error.message.split('\n');
      throw new CliError(first!, rest);
    }
    throw error;
  }
}

/**
 * Migrates only when a migration is pending. The common case costs one query, and
 * it avoids the migrator's catalog scan, which on a PostgreSQL shared with other
 * schemas can fail while another schema is being dropped.
 */
async function migrateIfPending(store: Store): Promise<void> {
  try {
    const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(
      store.db,
    );
    const names = new Set(applied.rows.map((r) => r.name));
    if (Object.keys(migrations).every((name) => names.has(name))) return;
  } catch {
    // No migration table yet: a new database.
  }
  await store.migrate();
}

/** The tenant named by --tenant, or a clear error. */
export async function requireTenant(
  ctx: AppContext,
  tenantId: string | undefined,
): Promise<{ id: string; name: string; status: string }> {
  if (!tenantId) throw new CliError('Name the tenant with --tenant ten_...');
  const tenant = await ctx.db
    .selectFrom('tenants')
    .select(['id', 'name', 'status'])
    .where('id', '=', tenantId)
    .executeTakeFirst();
  if (!tenant) throw new CliError(`No tenant with id ${tenantId.slice(0, 60)} in this database`);
  return tenant;
}
