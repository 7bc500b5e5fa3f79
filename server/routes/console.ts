// GET /console: the console, a built Preact app (dist/console) that signs staff in and
// calls the /v1 API with their session; its hashed assets under /console/assets/. The
// page carries no data: everything comes from the API after sign-in.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import * as v from 'valibot';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { hashedAssets } from '../http/hashed-assets.js';
import { validate } from '../validate.js';

export const CONSOLE_DIR = fileURLToPath(new URL('../../dist/console', import.meta.url));

/** The studio's preview frame is sandboxed (an opaque origin), so its scripts are cross-origin requests. */
export const PREVIEW_SCRIPT_HEADERS = {
  'access-control-allow-origin': '*',
  'x-content-type-options': 'nosniff',
};

const AssetParams = v.object({
  file: v.pipe(
    v.string(),
    v.regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.(js|css|svg|woff2|json)$/, 'an asset name'),
  ),
});

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  woff2: 'font/woff2',
  json: 'application/json',
};

export function consoleRoutes(_ctx: AppContext, dir = CONSOLE_DIR) {
  let page: string | undefined;
  const readAsset = hashedAssets(path.join(dir, 'assets'));
  const serve = (c: {
    body: (data: string, status: 200 | 503, headers: Record<string, string>) => Response;
  }) => {
    try {
      page ??= fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    } catch {
      return c.body('The console is not built: run npm run build', 503, {
        'content-type': 'text/plain; charset=utf-8',
      });
    }
    return c.body(page, 200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
  };
  return new Hono()
    .get('/console', (c) => c.redirect('/console/', 301))
    .get(
      '/console/',
      describe({
        tag: 'Console',
        auth: 'none',
        summary:
          "The console for a tenant's staff (Dutch and English); sign-in tokens arrive in the URL fragment, #token=...",
        responses: {
          200: { description: 'The page', contentType: 'text/html' },
          503: {
            description: 'The console is not built on this server',
            contentType: 'text/plain',
          },
        },
      }),
      (c) => serve(c),
    )
    .get(
      '/console/assets/:file',
      describe({
        tag: 'Console',
        auth: 'none',
        params: AssetParams,
        summary:
          "The console's scripts, styles and message catalogs (content-hashed, cached for a year)",
        responses: {
          200: {
            description: 'The file, typed by its extension',
            contentType: 'text/javascript',
            alternatives: [
              { contentType: 'text/css' },
              { contentType: 'image/svg+xml' },
              { contentType: 'font/woff2' },
              { contentType: 'application/json', schema: v.record(v.string(), v.string()) },
            ],
          },
          404: 'No such file',
        },
      }),
      validate('param', AssetParams),
      (c) => {
        const { file } = c.req.valid('param');
        const asset = readAsset(file);
        if (!asset) return c.json({ error: { code: 'NOT_FOUND', message: 'No such file' } }, 404);
        // The studio's preview frame (opaque origin) loads its script from here too.
        return c.body(asset.body, 200, {
          ...PREVIEW_SCRIPT_HEADERS,
          'content-type': TYPES[asset.extension],
          'cache-control': 'public, max-age=31536000, immutable',
        });
      },
    );
}
