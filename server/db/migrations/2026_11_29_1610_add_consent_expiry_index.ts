// Lets the expiry job find granted consents past their expiry without scanning every
// tenant's state (server/services/consent/consent-expiry.ts).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('consent_state_expiry')
    .on('consent_state')
    .columns(['status', 'expires_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('consent_state_expiry').execute();
}
