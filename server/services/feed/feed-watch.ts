// Wakes long-polling feed readers (GET /v1/feed `wait`). Writes through this
// process call notifyFeed after they commit; writes by other server processes on
// the same database are seen by one shared poller per tenant that reads the feed's
// head every POLL_MS while anyone waits, so the database load does not grow with
// the number of waiting consumers.
import type { AppContext } from '../../context.js';
import type { Queryable } from '../../db/database.js';

const POLL_MS = 100;

interface Waiter {
  after: number;
  wake(found: boolean): void;
}

interface TenantWatch {
  waiters: Set<Waiter>;
  timer: ReturnType<typeof setTimeout> | null;
  polling: boolean;
  again: boolean;
}

/** Per database handle, so two apps in one test process never share a poller. */
const watches = new WeakMap<object, Map<string, TenantWatch>>();

/**
 * The last feed position of a tenant that is committed and visible to readers. Read
 * from the head row rather than max(seq): it never moves back, even if an erasure
 * removes the newest events.
 */
export async function readFeedHead(db: Queryable, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('ledger_heads')
    .select('feed_seq')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return Number(row?.feed_seq ?? 0);
}

function tenantWatches(ctx: Pick<AppContext, 'db'>): Map<string, TenantWatch> {
  let map = watches.get(ctx.db);
  if (!map) watches.set(ctx.db, (map = new Map()));
  return map;
}

async function poll(
  ctx: Pick<AppContext, 'db'>,
  tenantId: string,
  watch: TenantWatch,
): Promise<void> {
  if (watch.polling) {
    watch.again = true;
    return;
  }
  watch.polling = true;
  watch.timer = null;
  let head = -1;
  try {
    head = await readFeedHead(ctx.db, tenantId);
  } catch {
    // The store may be closing; waiters still end at their own deadline.
  }
  watch.polling = false;
  for (const waiter of watch.waiters) if (head > waiter.after) waiter.wake(true);
  if (watch.waiters.size === 0) {
    tenantWatches(ctx).delete(tenantId);
    return;
  }
  const delay = watch.again ? 0 : POLL_MS;
  watch.again = false;
  watch.timer = setTimeout(() => void poll(ctx, tenantId, watch), delay);
}

/** Tells waiting readers of this process that the tenant's feed grew (call after commit). */
export function notifyFeed(ctx: Pick<AppContext, 'db'>, tenantId: string): void {
  const watch = tenantWatches(ctx).get(tenantId);
  if (!watch) return;
  if (watch.timer) clearTimeout(watch.timer);
  void poll(ctx, tenantId, watch);
}

/**
 * Resolves true once the tenant's feed head passes `after`, false after `timeoutMs`
 * or when `signal` aborts (the client went away).
 */
export function waitForFeed(
  ctx: Pick<AppContext, 'db'>,
  tenantId: string,
  after: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  const map = tenantWatches(ctx);
  let watch = map.get(tenantId);
  const fresh = !watch;
  if (!watch)
    map.set(tenantId, (watch = { waiters: new Set(), timer: null, polling: false, again: false }));
  const current = watch;
  return new Promise((resolve) => {
    const onAbort = () => waiter.wake(false);
    const timeout = setTimeout(() => waiter.wake(false), timeoutMs);
    const waiter: Waiter = {
      after,
      wake(found) {
        clearTimeout(timeout);
        signal?.removeEventListener('abort', onAbort);
        current.waiters.delete(waiter);
        resolve(found);
      },
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    current.waiters.add(waiter);
    if (fresh) current.timer = setTimeout(() => void poll(ctx, tenantId, current), POLL_MS);
  });
}
