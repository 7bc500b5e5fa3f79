// Stored idempotency answers were keyed by tenant and clientEventId alone: a second
// visitor who happened to send the same id got the first one's answer and receipt, and
// their own choice was not stored; and the answers never expired, so an erased person's
// ids outlived the erasure in them. They are now keyed by tenant, owner (the banner
// visitor's hash, or the subject for captured consent) and clientEventId, so an erasure
// finds a person's answers by primary key (their subject and visitor hashes), and expire
// after 24 hours (index on created_at for the pruning). The old rows are dropped: they are short-lived retry answers, and some
// hold ids of people who were erased since.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('client_event_id', 'text', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['tenant_id', 'owner', 'client_event_id'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_created')
    .on('idempotency_keys')
    .column('created_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('client_event_id', 'text', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['tenant_id', 'client_event_id'])
    .execute();
}
