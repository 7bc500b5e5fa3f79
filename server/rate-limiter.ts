// Rate limits with rate-limiter-flexible, one limiter per configured rule; over the limit a
// count throws RateLimitedError (429 with Retry-After). The counters' store is the database
// layer's choice (db/rate-limit-store.ts); the middleware that counts requests is
// middleware/rate-limit.ts. Built by createContext, so it takes the few parts it needs
// rather than the context it is part of.
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { AppConfig, RateLimitName } from './config.js';
import type { Store } from './db/create-db.js';
import { openRateLimitCounters } from './db/rate-limit-store.js';
import { RateLimitedError } from './errors.js';
import { sha256Hex } from './ids.js';
import { tallyLocally, type Counters } from './rate-limit-tally.js';
import type { Logger } from './observability/logger.js';

export interface RateLimiter {
  /** Counts one hit for `key`; throws RateLimitedError when over the limit. */
  consume(key: string): Promise<void>;
  /** Throws RateLimitedError when `key` has no hits left, without counting one. */
  check(key: string): Promise<void>;
}

const unlimited: RateLimiter = { consume: async () => {}, check: async () => {} };

/**
 * The limits that guard capacity, hit by every visitor: where processes share the counters
 * they count in batches (rate-limit-tally.ts). The limits against guessing (logins, keys,
 * the admin token) count every attempt in the shared store.
 */
const countedInBatches: ReadonlySet<RateLimitName> = new Set(['publicPerIp', 'publicPerKey']);

/**
 * One limiter per rule; keys are hashed so no address or key is held in the store. The
 * store is made on the first count, not with the context: a context that never limits
 * anything (the akkoord command) then sends nothing to the database, and cannot close
 * it while a CREATE TABLE of the limiter is still on its way.
 */
export function createRateLimiter(
  deps: { store: Store; config: AppConfig; logger: Logger },
  name: RateLimitName,
): RateLimiter {
  const rule = deps.config.rateLimits[name];
  if (!rule) return unlimited;
  const { logger } = deps;
  let ready: Promise<Counters> | undefined;
  const counters = () =>
    (ready ??= openRateLimitCounters(
      deps.store,
      { keyPrefix: `akkoord_${name}`, points: rule.points, duration: rule.seconds },
      logger,
    ).then(({ counters, sharedByProcesses }) => {
      if (!sharedByProcesses || !countedInBatches.has(name)) return counters;
      const tallied = tallyLocally(counters, rule.points);
      deps.store.onClose(() => tallied.close());
      return tallied;
    }));
  const hashed = (key: string) => sha256Hex(key).slice(0, 32);
  return {
    async check(key) {
      const limiter = await counters();
      let used: RateLimiterRes | null;
      try {
        used = await limiter.get(hashed(key));
      } catch (error) {
        logger.error({ err: error as Error }, 'rate limiter store failed');
        return;
      }
      if (used && used.consumedPoints >= rule.points)
        throw new RateLimitedError(Math.max(1, Math.ceil(used.msBeforeNext / 1000)));
    },
    async consume(key) {
      const limiter = await counters();
      try {
        await limiter.consume(hashed(key));
      } catch (result) {
        if (result instanceof RateLimiterRes)
          throw new RateLimitedError(Math.max(1, Math.ceil(result.msBeforeNext / 1000)));
        // The store failed: log and let the request through rather than lock everyone out.
        logger.error({ err: result as Error }, 'rate limiter store failed');
      }
    },
  };
}
