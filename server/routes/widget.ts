// GET /widget.js?key=pk_...: the banner bundle with the tenant's current config bound inside it,
// so the banner needs no second request. Cacheable for a short while, revalidated
// by ETag; a new config version gives a new ETag. GET /widget-settings.js: the settings dialog's
// script, the same for every tenant, which widget.js loads beside itself when a person is about
// to open the dialog; served the same way.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { tenantForPublicKey } from '../auth.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { describe } from '../openapi/describe.js';
import { getPublishedConfig } from '../services/config/config.js';
import { toWidgetConfig } from './widget-config.js';
import { etagOf, matchesEtag } from '../http/etag.js';

export const WIDGET_BUNDLE_PATH = fileURLToPath(
  new URL('../../dist/widget/widget.js', import.meta.url),
);
export const SETTINGS_BUNDLE_PATH = fileURLToPath(
  new URL('../../dist/widget/widget-settings.js', import.meta.url),
);

const CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=86400';
const JS = 'text/javascript; charset=utf-8';
const NOT_BUILT = '/* akkoord: the widget is not built; run npm run build */\n';

export function widgetRoutes(
  ctx: AppContext,
  bundlePath = WIDGET_BUNDLE_PATH,
  settingsPath = SETTINGS_BUNDLE_PATH,
) {
  let bundle: string | undefined;
  let settings: { body: string; etag: string } | undefined;
  // Compressed bodies by ETag; a handful of tenants at a time is the common case.
  const gzipped = new Map<string, Uint8Array>();

  /** The script with its caching and cross-origin headers: 304 for its ETag, gzip when accepted. */
  const script = (c: Context, body: string, etag: string) => {
    const headers: Record<string, string> = {
      'content-type': JS,
      'cache-control': CACHE_CONTROL,
      etag,
      vary: 'Accept-Encoding',
      'x-content-type-options': 'nosniff',
      // Sites with Cross-Origin-Embedder-Policy may still load it.
      'cross-origin-resource-policy': 'cross-origin',
    };
    if (matchesEtag(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
    if (!/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) return c.body(body, 200, headers);
    let compressed = gzipped.get(etag);
    if (!compressed) {
      if (gzipped.size >= 100) gzipped.clear();
      compressed = gzipSync(body);
      gzipped.set(etag, compressed);
    }
    return c.body(compressed as Uint8Array<ArrayBuffer>, 200, {
      ...headers,
      'content-encoding': 'gzip',
    });
  };

  return new Hono()
    .get(
      '/widget.js',
      describe({
        tag: 'Banner',
        auth: 'public-key',
        summary: 'The banner script with the tenant configuration inlined',
        description:
          'Embed as an async script element whose src is /widget.js?key=pk_... on every page. Revalidate with If-None-Match.',
        query: v.object({ key: v.string() }),
        responses: {
          200: { description: 'The widget', contentType: 'text/javascript' },
          304: 'Not modified',
          404: {
            description: 'Unknown key or no published configuration (a JavaScript comment)',
            contentType: 'text/javascript',
          },
          503: {
            description: 'The widget bundle is not built on this server (a JavaScript comment)',
            contentType: 'text/javascript',
          },
        },
      }),
      async (c) => {
        const key = c.req.query('key') ?? '';
        // An unknown key is an expected answer here (404 below); anything else is a real failure.
        const tenant = await tenantForPublicKey(ctx, key).catch((error: unknown) => {
          if (error instanceof ApiError) return null;
          throw error;
        });
        const published = tenant && (await getPublishedConfig(ctx.db, tenant.id));
        if (!tenant || !published) {
          return c.body('/* akkoord: unknown key or no published configuration */\n', 404, {
            'content-type': JS,
          });
        }
        try {
          bundle ??= readFileSync(bundlePath, 'utf8');
        } catch {
          return c.body(NOT_BUILT, 503, { 'content-type': JS });
        }
        const config = toWidgetConfig(
          published,
          { id: tenant.id, publicKey: key },
          ctx.config.publicUrl,
        );
        // The bundle reads the free name __akkoordConfig; binding it as a parameter keeps it off window.
        const body = `(function(__akkoordConfig){${bundle}\n})(${JSON.stringify(config)});\n`;
        return script(c, body, etagOf(body));
      },
    )
    .get(
      '/widget-settings.js',
      describe({
        tag: 'Banner',
        auth: 'none',
        summary:
          "The banner's settings dialog, loaded by widget.js from beside itself when a person is about to open it",
        description:
          "The same for every tenant. Allow it wherever widget.js is allowed (Content-Security-Policy script-src); if it cannot load, the banner's Accept all and Reject all still work.",
        responses: {
          200: { description: "The settings dialog's script", contentType: 'text/javascript' },
          304: 'Not modified',
          503: {
            description: 'The widget bundle is not built on this server (a JavaScript comment)',
            contentType: 'text/javascript',
          },
        },
      }),
      (c) => {
        try {
          if (!settings) {
            const body = readFileSync(settingsPath, 'utf8');
            settings = { body, etag: etagOf(body) };
          }
        } catch {
          return c.body(NOT_BUILT, 503, { 'content-type': JS });
        }
        return script(c, settings.body, settings.etag);
      },
    );
}
