// A banner write's stored answer was owned by the visitor's hash ('v:<hash>'), a random
// key: every new answer landed on a random page of the key's index, a page written per
// write. It is now owned by the visitor's subject ('b:<subject id>'), whose ids are
// ordered by creation time, so new answers go to the end of the index. Answers stored
// before are moved to their subject's name where the visitor link still exists (a retry
// within the day still gets its first answer); the rest are dropped, as a retry without
// its visitor link has no subject to answer for.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`INSERT INTO idempotency_keys (tenant_id, owner, client_event_id, response, created_at)
    SELECT k.tenant_id, 'b:' || v.subject_id, k.client_event_id, k.response, k.created_at
    FROM idempotency_keys k
    JOIN subject_visitors v ON v.tenant_id = k.tenant_id AND v.visitor_hash = substr(k.owner, 3)
    WHERE k.owner LIKE 'v:%'
    ON CONFLICT (tenant_id, owner, client_event_id) DO NOTHING`.execute(db);
  await sql`DELETE FROM idempotency_keys WHERE owner LIKE 'v:%'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`INSERT INTO idempotency_keys (tenant_id, owner, client_event_id, response, created_at)
    SELECT k.tenant_id, 'v:' || v.visitor_hash, k.client_event_id, k.response, k.created_at
    FROM idempotency_keys k
    JOIN subject_visitors v ON v.tenant_id = k.tenant_id AND v.subject_id = substr(k.owner, 3)
    WHERE k.owner LIKE 'b:%'
    ON CONFLICT (tenant_id, owner, client_event_id) DO NOTHING`.execute(db);
  await sql`DELETE FROM idempotency_keys WHERE owner LIKE 'b:%'`.execute(db);
}
