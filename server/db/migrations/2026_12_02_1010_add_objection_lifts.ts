// An objection to direct marketing (Art. 21) binds every marketing purpose and channel
// until the person, not a tool, grants one again. The ledger now records why a decision
// was taken when it was not simply the one asked for: `objected` (a tool's grant stored
// as refused) or `objection_lifted` (the person's own grant after their objection). The
// state row keeps when the objection was lifted for that purpose and channel, so check,
// audience and the preference center read the same answer. Both columns are empty for
// everything recorded before; the event hash covers `reason` only when it is set, so
// existing chains verify unchanged. The audience index gets the new column at its end,
// so a marketing audience (which reads it) stays a scan of the index alone.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('consent_events').addColumn('reason', 'text').execute();
  await db.schema.alterTable('consent_state').addColumn('objection_lifted_at', 'text').execute();
  await db.schema.dropIndex('consent_state_audience').execute();
  await db.schema
    .createIndex('consent_state_audience')
    .on('consent_state')
    .columns([
      'tenant_id',
      'purpose',
      'channel',
      'status',
      'subject_id',
      'expires_at',
      'objection_lifted_at',
    ])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('consent_state_audience').execute();
  await db.schema
    .createIndex('consent_state_audience')
    .on('consent_state')
    .columns(['tenant_id', 'purpose', 'channel', 'status', 'subject_id', 'expires_at'])
    .execute();
  await db.schema.alterTable('consent_state').dropColumn('objection_lifted_at').execute();
  await db.schema.alterTable('consent_events').dropColumn('reason').execute();
}
