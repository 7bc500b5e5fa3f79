// Most subjects are banner visitors without an external id, and the unique
// (tenant_id, external_id) index held an entry for each of them: one more index insertion
// per new visitor, and an index as large as the table for nothing, as NULLs never collide.
// It now holds the subjects that have an external id; lookups by `external_id = value` use it
// as before, and the one upsert names its predicate in ON CONFLICT.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await recreateIndex(db, { partial: true });
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await recreateIndex(db, { partial: false });
}

async function recreateIndex(db: Kysely<unknown>, { partial }: { partial: boolean }) {
  await db.schema.dropIndex('subjects_external').execute();
  const index = db.schema
    .createIndex('subjects_external')
    .unique()
    .on('subjects')
    .columns(['tenant_id', 'external_id']);
  await (partial ? index.where(sql.ref('external_id'), 'is not', null) : index).execute();
}
