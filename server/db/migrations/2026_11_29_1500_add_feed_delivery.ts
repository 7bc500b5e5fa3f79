// What the feed, webhooks, audiences and subject merges need beyond the first schema:
// a per-webhook feed cursor (the dispatcher resumes there after a restart and two
// processes cannot both claim one range), one delivery per webhook and event, a
// keyset index for audiences, and the link from a merged banner subject to the
// subject it became (its consent events keep their subject id: the chain must verify).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('webhooks')
    .addColumn('feed_cursor', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('subjects').addColumn('merged_into', 'text').execute();
  await db.schema
    .createIndex('webhook_deliveries_event')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'event_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_list')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'event_seq'])
    .execute();
  await db.schema
    .createIndex('consent_state_keyset')
    .on('consent_state')
    .columns(['tenant_id', 'purpose', 'channel', 'subject_id'])
    .execute();
  await db.schema
    .createIndex('subjects_merged')
    .on('subjects')
    .columns(['tenant_id', 'merged_into'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('subjects_merged').execute();
  await db.schema.dropIndex('consent_state_keyset').execute();
  await db.schema.dropIndex('webhook_deliveries_list').execute();
  await db.schema.dropIndex('webhook_deliveries_event').execute();
  await db.schema.alterTable('subjects').dropColumn('merged_into').execute();
  await db.schema.alterTable('webhooks').dropColumn('feed_cursor').execute();
}
