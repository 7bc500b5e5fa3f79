// The rollup's background catch-up: every few seconds, a bounded batch of the ledger events
// not yet counted, the tenants furthest behind first. A burst of consent writes is counted
// shortly after it, so the next dashboard read has little left to count and stays fast; a
// tick never holds the database for long (each step is its own short transaction, and the
// batch caps the whole tick). Reads still count whatever is left, so counts stay exact.
import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/database.js';
import { advanceInsights } from './insight-rollup.js';

/** Events counted per tick, across tenants: about 0.2-0.5 s of work on a small machine. */
const BATCH_EVENTS = 20_000;
/** Tenants looked at per tick. */
const TENANTS_PER_TICK = 20;

/** Counts up to `maxEvents` events of the tenants whose counters lag their ledger; returns how many it counted. */
export async function catchUpInsights(
  db: Kysely<Database>,
  maxEvents = BATCH_EVENTS,
): Promise<number> {
  const behind = await db
    .selectFrom('ledger_heads')
    .leftJoin('insight_cursors', 'insight_cursors.tenant_id', 'ledger_heads.tenant_id')
    .select(['ledger_heads.tenant_id as tenantId'])
    .where(sql<boolean>`ledger_heads.ledger_seq > coalesce(insight_cursors.ledger_seq, 0)`)
    .orderBy(sql`ledger_heads.ledger_seq - coalesce(insight_cursors.ledger_seq, 0)`, 'desc')
    .limit(TENANTS_PER_TICK)
    .execute();
  let counted = 0;
  for (const { tenantId } of behind) {
    if (counted >= maxEvents) break;
    counted += await advanceInsights(db, tenantId, maxEvents - counted);
  }
  return counted;
}

/**
 * Runs catchUpInsights every `intervalMs` (default 10 s) in this process; overlapping ticks are
 * skipped, and two processes at once count nothing twice (each step claims its cursor).
 * Returns a function that stops it.
 */
export function startInsightsCatchUpJob(
  ctx: AppContext,
  { intervalMs = 10_000, batchEvents = BATCH_EVENTS } = {},
): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const counted = await catchUpInsights(ctx.db, batchEvents);
      if (counted > 0) ctx.logger.debug({ counted }, 'insights caught up');
    } catch (error) {
      ctx.logger.error({ err: error as Error }, 'insights catch-up failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
