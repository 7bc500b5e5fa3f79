// Turns feed events into webhook deliveries. Each webhook keeps the last feed
// position it was given (`feed_cursor`), so the dispatcher tails `feed_events`:
// it sees events written by any process, resumes after a restart, and, because the
// feed is gap-free, never skips one. Two processes claim a range by compare-and-set
// on that cursor, so an event becomes one delivery per webhook, never two.
import type { AppContext } from '../../context.js';
import { newId } from '../../ids.js';

const BATCH = 500;

/**
 * Event types a webhook or feed reader gets only when it names them: a breach warning
 * is for the privacy officer's tools, not for every marketing tool that follows consents.
 */
export const isOptInType = (type: string) => type.startsWith('breach.');

/** The Standard Webhooks body: `{ type, timestamp, data }` with the feed event as data. */
export function deliveryBody(row: {
  type: string;
  occurred_at: string;
  event_json: string;
}): string {
  return `{"type":${JSON.stringify(row.type)},"timestamp":${JSON.stringify(row.occurred_at)},"data":${row.event_json}}`;
}

/** Creates the deliveries for every active webhook up to the feed's end; returns how many. */
export async function dispatchFeed(ctx: Pick<AppContext, 'db' | 'clock'>): Promise<number> {
  const hooks = await ctx.db
    .selectFrom('webhooks')
    .select(['id', 'tenant_id', 'types', 'feed_cursor'])
    .where('disabled_at', 'is', null)
    .execute();
  let created = 0;
  for (const hook of hooks) {
    const types = JSON.parse(hook.types) as string[];
    let cursor = hook.feed_cursor;
    for (;;) {
      const rows = await ctx.db
        .selectFrom('feed_events')
        .select(['seq', 'id', 'type', 'occurred_at', 'event_json'])
        .where('tenant_id', '=', hook.tenant_id)
        .where('seq', '>', cursor)
        .orderBy('seq')
        .limit(BATCH)
        .execute();
      if (rows.length === 0) break;
      const last = rows[rows.length - 1].seq;
      const at = ctx.clock.now().toISOString();
      const claimed = await ctx.db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('webhooks')
          .set({ feed_cursor: last })
          .where('id', '=', hook.id)
          .where('feed_cursor', '=', cursor)
          .where('disabled_at', 'is', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return null;
        const wanted = rows.filter((r) =>
          types.length === 0 ? !isOptInType(r.type) : types.includes(r.type),
        );
        if (wanted.length > 0) {
          await trx
            .insertInto('webhook_deliveries')
            .values(
              wanted.map((r) => ({
                id: newId('msg'),
                tenant_id: hook.tenant_id,
                webhook_id: hook.id,
                event_id: r.id,
                event_seq: r.seq,
                payload: deliveryBody(r),
                status: 'pending' as const,
                attempts: 0,
                next_attempt_at: at,
                last_status_code: null,
                created_at: at,
                delivered_at: null,
              })),
            )
            .onConflict((oc) => oc.columns(['webhook_id', 'event_id']).doNothing())
            .execute();
        }
        // Counted after the commit: PostgreSQL may run the transaction again after a deadlock.
        return wanted.length;
      });
      // Another process moved this cursor first: it owns that range.
      if (claimed === null) break;
      created += claimed;
      cursor = last;
      if (rows.length < BATCH) break;
    }
  }
  return created;
}
