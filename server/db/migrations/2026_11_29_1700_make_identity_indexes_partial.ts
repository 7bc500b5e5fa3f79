// Most subjects are banner visitors with no e-mail or phone and never merged. Indexing
// only the rows that have one spares every banner write three index insertions (and
// keeps the indexes small); a lookup by `column = value` can still use a partial index.
// The unique (tenant_id, external_id) index stays whole: upserts name it in ON CONFLICT.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

const partial = [
  { name: 'subjects_email', columns: ['tenant_id', 'email_hash'], column: 'email_hash' },
  { name: 'subjects_phone', columns: ['tenant_id', 'phone_hash'], column: 'phone_hash' },
  { name: 'subjects_merged', columns: ['tenant_id', 'merged_into'], column: 'merged_into' },
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const index of partial) {
    await db.schema.dropIndex(index.name).execute();
    await db.schema
      .createIndex(index.name)
      .on('subjects')
      .columns([...index.columns])
      .where(sql.ref(index.column), 'is not', null)
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of partial) {
    await db.schema.dropIndex(index.name).execute();
    await db.schema
      .createIndex(index.name)
      .on('subjects')
      .columns([...index.columns])
      .execute();
  }
}
