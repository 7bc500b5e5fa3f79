// One index for audiences instead of two. An audience read (server/services/consent/audience.ts)
// walks granted consents of one purpose and channel in subject order and checks their
// expiry: with status before subject_id and expires_at at the end, that walk is a range
// scan of this index alone (SQLite: "USING COVERING INDEX"), and each consent write
// maintains one index fewer than with the old (status) and (subject_id) pair.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('consent_state_audience').execute();
  await db.schema.dropIndex('consent_state_keyset').execute();
  await db.schema
    .createIndex('consent_state_audience')
    .on('consent_state')
    .columns(['tenant_id', 'purpose', 'channel', 'status', 'subject_id', 'expires_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('consent_state_audience').execute();
  await db.schema
    .createIndex('consent_state_audience')
    .on('consent_state')
    .columns(['tenant_id', 'purpose', 'channel', 'status'])
    .execute();
  await db.schema
    .createIndex('consent_state_keyset')
    .on('consent_state')
    .columns(['tenant_id', 'purpose', 'channel', 'subject_id'])
    .execute();
}
