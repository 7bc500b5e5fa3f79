// Where rate-limit counters live: in memory on SQLite (one process serves the file), and in a
// PostgreSQL table when several processes serve one database, so a flood is counted once
// however many servers it is spread over.
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Logger } from '../observability/logger.js';
import type { Store } from './create-db.js';

export interface CounterOptions {
  keyPrefix: string;
  points: number;
  /** Seconds. */
  duration: number;
}

/** Per PostgreSQL pool: the counters' table, made once for all limiters. */
const tables = new WeakMap<object, Promise<void>>();

/**
 * The counters' store, ready. On PostgreSQL the table is made once, before any limiter
 * counts: each limiter making it itself ran several CREATE TABLE IF NOT EXISTS at once,
 * and the loser of that race (a duplicate pg_type row) was left with a limiter that
 * refused every count, so its limit was silently off.
 */
export function openRateLimitCounters(
  store: Store,
  options: CounterOptions,
  logger: Logger,
): Promise<{ counters: RateLimiterAbstract; sharedByProcesses: boolean }> {
  const pool = store.pgPool;
  if (!pool)
    return Promise.resolve({ counters: new RateLimiterMemory(options), sharedByProcesses: false });
  const shared = {
    storeClient: pool,
    storeType: 'pool',
    tableName: 'akkoord_rate_limits',
    clearExpiredByTimeout: false,
  };
  let table = tables.get(pool);
  if (!table) {
    table = new Promise<void>((resolve) => {
      void new RateLimiterPostgres({ ...options, ...shared }, (error?: Error) => {
        // Resolved either way: without its table a limiter fails each count, which consume logs and lets through.
        if (error) logger.error({ err: error }, 'rate-limit table could not be created');
        resolve();
      });
    });
    tables.set(pool, table);
  }
  return table.then(() => ({
    counters: new RateLimiterPostgres({ ...options, ...shared, tableCreated: true }),
    sharedByProcesses: true,
  }));
}
