// Strict headers on every response (GDPR Art. 32). Hono's secureHeaders
// sets the usual set; Akkoord's own pages get a Content-Security-Policy without
// 'unsafe-inline' unless their route set one itself, and API answers a policy that
// allows nothing. The demo shop stands for a tenant's own site, so it keeps its own
// rules. The banner script must load on tenants' sites, so it is marked
// Cross-Origin-Resource-Policy: cross-origin.
import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';

const pagePolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'self'",
].join('; ');
const apiPolicy = "default-src 'none'; frame-ancestors 'none'";

/** Pages that are Akkoord's own and get the strict page policy. */
const strictPagePrefixes = ['/docs', '/p/', '/u/', '/c/', '/dev/', '/console'];

const crossOriginPaths = new Set([
  '/widget.js',
  '/widget-settings.js',
  '/widget-stub.js',
  '/.well-known/jwks.json',
  '/.well-known/gpc.json',
]);
/** Static scripts the console's sandboxed preview frame (an opaque origin) loads. */
const crossOriginPrefixes = ['/console/assets/', '/console/preview/'];

export function securityHeaders() {
  const base = secureHeaders({
    overwrite: false,
    crossOriginResourcePolicy: false,
    xFrameOptions: false,
  });
  return createMiddleware(async (c, next) => {
    await base(c, async () => {
      await next();
      c.res.headers.set(
        'Cross-Origin-Resource-Policy',
        crossOriginPaths.has(c.req.path) ||
          crossOriginPrefixes.some((p) => c.req.path.startsWith(p))
          ? 'cross-origin'
          : 'same-origin',
      );
      if (!c.res.headers.has('Content-Security-Policy')) {
        const isPage = (c.res.headers.get('content-type') ?? '').startsWith('text/html');
        if (!isPage) c.res.headers.set('Content-Security-Policy', apiPolicy);
        else if (strictPagePrefixes.some((prefix) => c.req.path.startsWith(prefix)))
          c.res.headers.set('Content-Security-Policy', pagePolicy);
      }
    });
  });
}
