// PostgreSQL checks a foreign key with a query of its own per inserted row: for a batch
// of banner consents about 200 of those checks confirmed, again and again, that the
// tenant exists, a tenth of what the batch cost the database. The four tables written
// only under the tenant's ledger head (consent_events, consent_state, feed_events,
// idempotency_keys) drop their key to `tenants` there: every write to them holds the
// tenant's `ledger_heads` row (FOR UPDATE), whose own key keeps the tenant from being
// deleted meanwhile, and offboarding deletes their rows table by table before the
// tenant, as it does on SQLite. SQLite checks keys in-process, cheaply, and could drop
// one only by rebuilding the table (the ledger may hold millions of rows): it keeps them.
// The keys to `subjects` stay on both.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const TABLES = ['consent_events', 'consent_state', 'feed_events', 'idempotency_keys'] as const;

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  for (const table of TABLES) {
    // Named by PostgreSQL when the table was made; found by what it references.
    const { rows } = await sql<{ name: string }>`
      SELECT conname AS name FROM pg_constraint
      WHERE contype = 'f' AND conrelid = ${table}::regclass AND confrelid = 'tenants'::regclass`.execute(
      db,
    );
    for (const { name } of rows) await db.schema.alterTable(table).dropConstraint(name).execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  for (const table of TABLES)
    await db.schema
      .alterTable(table)
      .addForeignKeyConstraint(`${table}_tenant_id_fkey`, ['tenant_id'], 'tenants', ['id'], (c) =>
        c.onDelete('cascade'),
      )
      .execute();
}
