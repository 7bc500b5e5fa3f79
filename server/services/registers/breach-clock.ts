// The 72-hour clock of Art. 33(1): twelve hours before a breach's notification is
// due, and while the authority has not been notified, a `breach.deadline_near` event
// is written to the feed (and so to the webhooks that ask for it), once per breach.
// The compare-and-set on deadline_warned_at keeps two processes from both writing it.
import type { AppContext } from '../../context.js';
import { appendAudit } from './audit.js';
import { appendFeedEvent } from '../feed/feed-events.js';

export const WARN_BEFORE_MS = 12 * 3_600_000;

/** Writes the warning for every breach that has entered its last 12 hours (or passed them) unwarned; returns how many. */
export async function runBreachClock(ctx: Pick<AppContext, 'db' | 'clock'>): Promise<number> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const due = await ctx.db
    .selectFrom('breaches')
    .select(['id', 'tenant_id', 'aware_at', 'due_at'])
    .where('deadline_warned_at', 'is', null)
    .where('notification_required', '=', 1)
    .where('ap_notified_at', 'is', null)
    .where('due_at', '<=', new Date(now.getTime() + WARN_BEFORE_MS).toISOString())
    .orderBy('due_at')
    .limit(500)
    .execute();
  let warned = 0;
  for (const breach of due) {
    const done = await ctx.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('breaches')
        .set({ deadline_warned_at: at })
        .where('id', '=', breach.id)
        .where('deadline_warned_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return false;
      const hoursLeft = Math.round((Date.parse(breach.due_at) - now.getTime()) / 360_000) / 10;
      await appendFeedEvent(
        trx,
        breach.tenant_id,
        {
          type: 'breach.deadline_near',
          subjectId: null,
          externalId: null,
          data: {
            breachId: breach.id,
            awareAt: breach.aware_at,
            dueAt: breach.due_at,
            hoursLeft,
            overdue: hoursLeft < 0,
          },
        },
        at,
      );
      await appendAudit(
        trx,
        breach.tenant_id,
        {
          actor: 'system',
          action: 'breach.deadline_warned',
          target: breach.id,
          details: { dueAt: breach.due_at },
        },
        at,
      );
      return true;
    });
    if (done) warned += 1;
  }
  return warned;
}

/** Runs runBreachClock every `intervalMs` (five minutes by default) in this process; returns a stop function. */
export function startBreachClockJob(ctx: AppContext, intervalMs = 5 * 60_000): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      await runBreachClock(ctx);
    } catch (error) {
      ctx.logger.error({ err: error as Error }, 'breach clock failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
