// Which control made a banner choice: `accept_all`, `reject_all`, `save_choices`, the
// button on a gated element (`placeholder`) or a site's own script through window.akkoord
// (`script`), so a script's acceptAll() is never taken for a person's click. Empty for
// everything recorded before and for writes that are not the banner's; the event hash
// covers it only when it is set, so existing chains verify unchanged.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('consent_events').addColumn('interaction', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('consent_events').dropColumn('interaction').execute();
}
