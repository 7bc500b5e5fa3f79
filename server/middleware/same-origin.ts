// Calls that change something in the preference center must come from the preference
// center itself. It is served by this server, so the Origin header names our own origin
// (PUBLIC_URL's, or this request's host with the scheme a trusted proxy reports), or (where
// a browser omits Origin) Sec-Fetch-Site says same-origin. A form or fetch from any other
// site, and a call that names no origin at all, is refused.
import { createMiddleware } from 'hono/factory';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { isHttps } from './trusted-proxies.js';

export function sameOrigin(ctx: AppContext) {
  const own = new Set([new URL(ctx.config.publicUrl).origin]);
  return createMiddleware(async (c, next) => {
    const origin = c.req.header('origin');
    const fromUs =
      origin !== undefined
        ? own.has(origin) ||
          origin === `${isHttps(c) ? 'https:' : 'http:'}//${new URL(c.req.url).host}`
        : c.req.header('sec-fetch-site') === 'same-origin';
    if (!fromUs)
      throw new ApiError(
        403,
        'CSRF_FAILED',
        'This call must come from the preference center itself',
      );
    await next();
  });
}
