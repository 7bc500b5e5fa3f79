// GET /favicon.ico: a small SVG icon (a tick in a rounded square), so browsers stop logging
// a 404 on every page; Akkoord's pages link it with type image/svg+xml.
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { describe } from '../openapi/describe.js';

export const FAVICON_LINK = '<link rel="icon" href="/favicon.ico" type="image/svg+xml">';

const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
  '<rect width="32" height="32" rx="7" fill="#1d5c4f"/>' +
  '<path d="M8.5 16.5l5 5 10-11" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/></svg>';
const ETAG = `"${createHash('sha256').update(ICON).digest('base64url').slice(0, 16)}"`;

export function faviconRoutes() {
  return new Hono().get(
    '/favicon.ico',
    describe({
      tag: 'Operations',
      auth: 'none',
      summary: 'The site icon (SVG), cached for a day and revalidated by ETag',
      responses: {
        200: { description: 'The icon', contentType: 'image/svg+xml' },
        304: 'Not modified',
      },
    }),
    (c) => {
      const headers = {
        'content-type': 'image/svg+xml',
        'cache-control': 'public, max-age=86400',
        etag: ETAG,
      };
      if (
        (c.req.header('if-none-match') ?? '')
          .split(',')
          .some((tag) => tag.trim().replace(/^W\//, '') === ETAG)
      )
        return c.body(null, 304, headers);
      return c.body(ICON, 200, headers);
    },
  );
}
