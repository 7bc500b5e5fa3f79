// The outbox becomes the mail queue: every mail is a row first, and a worker sends it,
// retrying with backoff until it is sent or given up on (dead). Rows from before were
// kept without being sent (no SMTP), so they start as `kept`.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('outbox')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('kept'))
    .execute();
  await db.schema
    .alterTable('outbox')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('outbox').addColumn('next_attempt_at', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('last_error', 'text').execute();
  await db.schema
    .createIndex('outbox_due')
    .on('outbox')
    .columns(['status', 'next_attempt_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('outbox_due').execute();
  for (const column of ['last_error', 'next_attempt_at', 'attempts', 'status']) {
    await db.schema.alterTable('outbox').dropColumn(column).execute();
  }
}
