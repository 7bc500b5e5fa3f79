// The studio's preview frame: a page (dist/console/preview.html) that runs the real banner
// bundle with a draft's data sent by the console. It is sandboxed by its own policy (an opaque
// origin, whatever embeds it) and may connect nowhere, so a preview never records a consent.
// The banner bundle and axe-core are served for that page only; axe-core loads when the
// studio asks for an accessibility check, never with the console itself.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { CONSOLE_DIR, PREVIEW_SCRIPT_HEADERS } from './console.js';
import { SETTINGS_BUNDLE_PATH, WIDGET_BUNDLE_PATH } from './widget.js';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Scripts from this server only, no connections, no forms, framed only by the console. */
const PREVIEW_POLICY = [
  'sandbox allow-scripts',
  "default-src 'none'",
  "script-src 'self'",
  // The banner's stylesheet sits in its shadow root as a style element.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "font-src 'self'",
  "connect-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join('; ');

const JS = 'text/javascript; charset=utf-8';
const notBuilt = (what: string) =>
  `/* akkoord: ${what} is not available on this server; run npm run build */\n`;

export function consolePreviewRoutes(
  _ctx: AppContext,
  dir = CONSOLE_DIR,
  bundlePath = WIDGET_BUNDLE_PATH,
  settingsPath = SETTINGS_BUNDLE_PATH,
) {
  // Built files do not change while the server runs: each is read once, when first asked
  // for. One not built yet is looked for again at the next request.
  const files = new Map<string, string>();
  const read = (file: string) => {
    const known = files.get(file);
    if (known !== undefined) return known;
    try {
      const text = fs.readFileSync(file, 'utf8');
      files.set(file, text);
      return text;
    } catch {
      return null;
    }
  };
  const script =
    (file: string, what: string) =>
    (c: {
      body: (data: string, status: 200 | 503, headers: Record<string, string>) => Response;
    }) => {
      const text = read(file);
      const headers = {
        ...PREVIEW_SCRIPT_HEADERS,
        'content-type': JS,
        'cache-control': 'no-cache',
      };
      return text === null ? c.body(notBuilt(what), 503, headers) : c.body(text, 200, headers);
    };
  const scriptResponses = {
    200: { description: 'The script', contentType: 'text/javascript' },
    503: {
      description: 'Not built on this server (a JavaScript comment)',
      contentType: 'text/javascript',
    },
  };
  return (
    new Hono()
      .get(
        '/console/preview',
        describe({
          tag: 'Console',
          auth: 'none',
          summary:
            "The banner studio's preview frame: the real banner with a draft configuration the console sends it; it records nothing",
          responses: {
            200: { description: 'The page', contentType: 'text/html' },
            503: {
              description: 'The console is not built on this server',
              contentType: 'text/plain',
            },
          },
        }),
        (c) => {
          const page = read(path.join(dir, 'preview.html'));
          if (page === null)
            return c.body('The console is not built: run npm run build', 503, {
              'content-type': 'text/plain; charset=utf-8',
            });
          return c.body(page, 200, {
            'content-type': 'text/html; charset=utf-8',
            'cache-control': 'no-store',
            'referrer-policy': 'no-referrer',
            'content-security-policy': PREVIEW_POLICY,
          });
        },
      )
      .get(
        '/console/preview/widget.js',
        describe({
          tag: 'Console',
          auth: 'none',
          summary: 'The banner bundle without a configuration, for the preview frame',
          responses: scriptResponses,
        }),
        script(bundlePath, 'the banner'),
      )
      // The banner loads its settings dialog from beside itself.
      .get(
        '/console/preview/widget-settings.js',
        describe({
          tag: 'Console',
          auth: 'none',
          summary: "The banner's settings dialog, for the preview frame",
          responses: scriptResponses,
        }),
        script(settingsPath, "the banner's settings dialog"),
      )
      .get(
        '/console/preview/axe.js',
        describe({
          tag: 'Console',
          auth: 'none',
          summary: "axe-core, for the preview frame's accessibility check",
          responses: scriptResponses,
        }),
        script(AXE_PATH, 'axe-core'),
      )
  );
}
