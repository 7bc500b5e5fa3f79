// Consent insights without personal data: counters rolled up from the ledger, so a
// dashboard over months reads a few thousand rows instead of millions of events.
// `insight_decisions` counts ledger events per day, purpose, status and the context they
// were given in; `insight_choices` counts consent calls (one choice may write several
// events) per day and control. Neither holds a subject, visitor, IP or time finer than a
// day. `insight_cursors` keeps per tenant the ledger position counted so far, so the
// rollup resumes exactly where it stopped and never counts an event twice.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('insight_decisions')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('interaction', 'text', (c) => c.notNull())
    .addColumn('gpc', 'integer', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('config_version', 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('insight_decisions_pk', [
      'tenant_id',
      'day',
      'purpose',
      'status',
      'interaction',
      'gpc',
      'locale',
      'config_version',
    ])
    .execute();
  await db.schema
    .createTable('insight_choices')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('interaction', 'text', (c) => c.notNull())
    .addColumn('gpc', 'integer', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('config_version', 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('insight_choices_pk', [
      'tenant_id',
      'day',
      'interaction',
      'gpc',
      'locale',
      'config_version',
    ])
    .execute();
  await db.schema
    .createTable('insight_cursors')
    .addColumn('tenant_id', 'text', (c) =>
      c.primaryKey().references('tenants.id').onDelete('cascade'),
    )
    .addColumn('ledger_seq', 'integer', (c) => c.notNull())
    /** The consent call of the last event counted: a call split across two catch-ups is counted once. */
    .addColumn('last_consent_id', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('insight_cursors').execute();
  await db.schema.dropTable('insight_choices').execute();
  await db.schema.dropTable('insight_decisions').execute();
}
