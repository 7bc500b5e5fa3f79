// Lookups the data-subject rights need: an index of tombstone identifier hashes, so
// a re-import of an erased person is recognised without a table scan (GDPR-32), and
// how the subject was told of an extension (GDPR-20, Art. 12(3)).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tombstone_identifiers')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    /** `email:<hmac>`, `phone:<hmac>` or `external:<hmac>`. */
    .addColumn('identifier_hash', 'text', (c) => c.notNull())
    .addColumn('tombstone_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('tombstone_identifiers_pk', [
      'tenant_id',
      'identifier_hash',
      'tombstone_id',
    ])
    .execute();
  await db.schema.alterTable('requests').addColumn('extension_notice', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('requests').dropColumn('extension_notice').execute();
  await db.schema.dropTable('tombstone_identifiers').execute();
}
