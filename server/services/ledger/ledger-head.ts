// Each tenant has one head row holding the tip of its consent chain and the last
// positions of its feed and audit log. Every writer updates it first: on PostgreSQL
// that row lock orders concurrent transactions, so positions are handed out in
// commit order and a feed reader never sees a later position before an earlier one
// (the feed is gap-free). SQLite has a single writer anyway.
import { sql, type Kysely } from 'kysely';
import type { LedgerCursor } from '../../db/consent-writer.js';
import type { Database } from '../../db/database.js';

export const GENESIS_HASH = '0'.repeat(64);

export async function createHead(db: Kysely<Database>, tenantId: string): Promise<void> {
  await db
    .insertInto('ledger_heads')
    .values({
      tenant_id: tenantId,
      ledger_seq: 0,
      ledger_hash: GENESIS_HASH,
      feed_seq: 0,
      audit_seq: 0,
    })
    .execute();
}

/**
 * Takes the tenant's write lock (held until the caller's transaction ends) and reads the chain
 * tip and the feed's last position.
 */
export async function lockLedgerHead(
  trx: Kysely<Database>,
  tenantId: string,
): Promise<LedgerCursor> {
  const head = await trx
    .updateTable('ledger_heads')
    .set({ ledger_seq: sql`ledger_seq` })
    .where('tenant_id', '=', tenantId)
    .returning(['ledger_seq', 'ledger_hash', 'feed_seq'])
    .executeTakeFirst();
  if (!head) throw new Error(`tenant ${tenantId} has no ledger head`);
  return { seq: head.ledger_seq, hash: head.ledger_hash, feedSeq: head.feed_seq };
}

/** Reserves `count` positions of the feed or audit log; returns the first. Takes the lock too. */
export async function reserveSeq(
  trx: Kysely<Database>,
  tenantId: string,
  column: 'feed_seq' | 'audit_seq',
  count = 1,
): Promise<number> {
  const row = await trx
    .updateTable('ledger_heads')
    .set({ [column]: sql`${sql.ref(column)} + ${count}` })
    .where('tenant_id', '=', tenantId)
    .returning([column])
    .executeTakeFirst();
  if (!row) throw new Error(`tenant ${tenantId} has no ledger head`);
  return (row as Record<string, number>)[column] - count + 1;
}
