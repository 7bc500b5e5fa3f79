// Rate limits (issue 8) with rate-limiter-flexible: counters in memory by default,
// and in PostgreSQL when several processes serve one database, so a flood is
// counted once however many servers it is spread over. Over the limit: 429 with
// Retry-After.
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import type { AppContext } from '../context.js';
import { RateLimitedError } from '../errors.js';
import { sha256Hex } from '../ids.js';
import type { RateLimitName, RateRule } from '../config.js';

export interface RateLimiter {
  /** Counts one hit for `key`; throws RateLimitedError when over the limit. */
  consume(key: string): Promise<void>;
}

const unlimited: RateLimiter = { consume: async () => {} };

/** Per PostgreSQL pool: the counters' table, made once for all limiters. */
const tables = new WeakMap<object, Promise<void>>();

/**
 * The limiter's store, ready. On PostgreSQL the table is made once, before any limiter
 * counts: each limiter making it itself ran several CREATE TABLE IF NOT EXISTS at once,
 * and the loser of that race (a duplicate pg_type row) was left with a limiter that
 * refused every count, so its limit was silently off.
 */
function limiterFor(ctx: AppContext, name: RateLimitName, rule: RateRule): Promise<RateLimiterAbstract> {
  const options = { keyPrefix: `akkoord_${name}`, points: rule.points, duration: rule.seconds };
  const pool = ctx.store.pgPool;
  if (!pool) return Promise.resolve(new RateLimiterMemory(options));
  const store = { storeClient: pool, storeType: 'pool', tableName: 'akkoord_rate_limits', clearExpiredByTimeout: false };
  let table = tables.get(pool);
  if (!table) {
    table = new Promise<void>((resolve) => {
      void new RateLimiterPostgres({ ...options, ...store }, (error?: Error) => {
        // Resolved either way: without its table a limiter fails each count, which consume logs and lets through.
        if (error) ctx.logger.error({ err: error }, 'rate-limit table could not be created');
        resolve();
      });
    });
    tables.set(pool, table);
  }
  return table.then(() => new RateLimiterPostgres({ ...options, ...store, tableCreated: true }));
}

/**
 * One limiter per rule; keys are hashed so no address or key is held in the store. The
 * store is made on the first count, not with the context: a context that never limits
 * anything (the akkoord command) then sends nothing to the database, and cannot close
 * it while a CREATE TABLE of the limiter is still on its way.
 */
export function createRateLimiter(ctx: AppContext, name: RateLimitName): RateLimiter {
  const rule = ctx.config.rateLimits[name];
  if (!rule) return unlimited;
  let ready: Promise<RateLimiterAbstract> | undefined;
  return {
    async consume(key) {
      const limiter = await (ready ??= limiterFor(ctx, name, rule));
      try {
        await limiter.consume(sha256Hex(key).slice(0, 32));
      } catch (result) {
        if (result instanceof RateLimiterRes) throw new RateLimitedError(Math.max(1, Math.ceil(result.msBeforeNext / 1000)));
        // The store failed: log and let the request through rather than lock everyone out.
        ctx.logger.error({ err: result as Error }, 'rate limiter store failed');
      }
    },
  };
}

/** Middleware that consumes one hit per request under the key `keyOf` returns (null: not limited). */
export function rateLimit(limiter: RateLimiter, keyOf: (c: Context) => string | null | Promise<string | null>) {
  return createMiddleware(async (c, next) => {
    const key = await keyOf(c);
    if (key !== null) await limiter.consume(key);
    await next();
  });
}
