// A person may say why they object (Art. 21(1): the controller weighs their grounds). The text
// is theirs and may name anyone, so it is kept encrypted on the objection's request, never in
// its scope (which the audit log and the feed may repeat), and emptied when the person is erased.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('requests').addColumn('reason_enc', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('requests').dropColumn('reason_enc').execute();
}
