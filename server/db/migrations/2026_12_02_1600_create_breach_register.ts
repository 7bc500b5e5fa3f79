// The breach register (Art. 33(5)) and the record of who was sent an Art. 34 notice.
// The narrative fields are one JSON column: they are read and written together and
// never queried; the times the deadline job and lists filter on are columns.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('breaches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('aware_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('notification_required', 'integer', (c) => c.notNull())
    .addColumn('ap_notified_at', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('people_told', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('people_told_at', 'text')
    .addColumn('deadline_warned_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('breaches_tenant')
    .on('breaches')
    .columns(['tenant_id', 'aware_at'])
    .execute();
  await db.schema.createIndex('breaches_due').on('breaches').columns(['due_at']).execute();

  await db.schema
    .createTable('breach_notices')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('breach_id', 'text', (c) =>
      c.notNull().references('breaches.id').onDelete('cascade'),
    )
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('breach_notices_pk', ['breach_id', 'subject_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('breach_notices').execute();
  await db.schema.dropTable('breaches').execute();
}
