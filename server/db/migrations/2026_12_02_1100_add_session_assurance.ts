// Preference-center sessions carry an assurance level and where they came from. A session
// opened by a link a tool minted, or by the banner's visitor link, is "low": consents and
// objection only, until the person confirms by a link mailed to the address on file. The
// link and the key that minted it are kept so every action in the session names them.
// Sessions that exist when this runs are marked low: where they came from is not known.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sessions')
    .addColumn('assurance', 'text', (c) => c.notNull().defaultTo('low'))
    .execute();
  await db.schema
    .alterTable('sessions')
    .addColumn('via', 'text', (c) => c.notNull().defaultTo('unknown'))
    .execute();
  await db.schema.alterTable('sessions').addColumn('link_id', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('key_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['key_id', 'link_id', 'via', 'assurance'])
    await db.schema.alterTable('sessions').dropColumn(column).execute();
}
