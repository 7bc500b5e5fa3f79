// The middleware that counts each request against a rate limiter (rate-limiter.ts); over the
// limit the limiter's RateLimitedError answers 429 with Retry-After.
import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import type { RateLimiter } from '../rate-limiter.js';

/** Middleware that consumes one hit per request under the key `keyOf` returns (null: not limited). */
export function rateLimit(
  limiter: RateLimiter,
  keyOf: (c: Context) => string | null | Promise<string | null>,
) {
  return createMiddleware(async (c, next) => {
    const key = await keyOf(c);
    if (key !== null) await limiter.consume(key);
    await next();
  });
}
