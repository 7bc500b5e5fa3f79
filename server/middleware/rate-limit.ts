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

function limiterFor(ctx: AppContext, name: RateLimitName, rule: RateRule): RateLimiterAbstract {
  const options = { keyPrefix: `akkoord_${name}`, points: rule.points, duration: rule.seconds };
  if (ctx.store.pgPool) {
    return new RateLimiterPostgres(
      { ...options, storeClient: ctx.store.pgPool, storeType: 'pool', tableName: 'akkoord_rate_limits', clearExpiredByTimeout: false },
      (error?: Error) => {
        if (error) ctx.logger.error({ err: error }, 'rate-limit table could not be created');
      },
    );
  }
  return new RateLimiterMemory(options);
}

/** One limiter per rule; keys are hashed so no address or key is held in the store. */
export function createRateLimiter(ctx: AppContext, name: RateLimitName): RateLimiter {
  const rule = ctx.config.rateLimits[name];
  if (!rule) return unlimited;
  const limiter = limiterFor(ctx, name, rule);
  return {
    async consume(key) {
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
