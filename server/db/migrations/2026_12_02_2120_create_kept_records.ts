// Records a law obliges the controller to keep (Art. 17(3)(b)) after the person was erased:
// moved here from `records` with their ciphertext unchanged, no longer tied to a subject (that
// row is gone), with the term they are kept until and the law they are kept for. Retention
// deletes a row when `keep_until` has passed; the index serves exactly that scan.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('kept_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('data_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('keep_until', 'text', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    // The erasure that left it: its request and the tombstone of the person (ids only).
    .addColumn('request_id', 'text')
    .addColumn('tombstone_id', 'text')
    .addColumn('kept_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('kept_records_due')
    .on('kept_records')
    .columns(['tenant_id', 'keep_until'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('kept_records').execute();
}
