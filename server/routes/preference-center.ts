// GET /p/{tenantId}: the preference center page, the built Preact
// app with the tenant's name, languages, notice links and purposes injected as JSON
// in a non-executing script element; and its static assets under /p/assets/.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import * as v from 'valibot';
import { isMarketingPurpose } from '../../shared/schemas/config.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { hasLiveSession, SESSION_COOKIE, tenantPageInfo } from '../services/me/me-session.js';
import { matchesEtag } from '../http/etag.js';
import { hashedAssets } from '../http/hashed-assets.js';
import { validate } from '../validate.js';
import {
  escapeHtml,
  fill,
  linkPageHeaders,
  messagesFor,
  pickLanguage,
  renderLinkPage,
} from './link-page.js';

export const PREFERENCE_CENTER_DIR = fileURLToPath(
  new URL('../../dist/preference-center', import.meta.url),
);

const TenantParams = v.object({
  tenantId: v.pipe(v.string(), v.regex(/^ten_[A-Za-z0-9_-]{1,60}$/, 'a tenant id')),
});
const AssetParams = v.object({
  file: v.pipe(
    v.string(),
    v.regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.(js|css|svg|woff2)$/, 'an asset name'),
  ),
});
const LangQuery = v.object({ lang: v.optional(v.pipe(v.string(), v.maxLength(10))) });

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  woff2: 'font/woff2',
};

/** JSON safe inside <script>: no `</script>`, no HTML comment, no line separators that end a JS string. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The built page with its stylesheet inlined: the first paint needs no second request, so
 * nothing blocks rendering. The policy allows exactly that style by its hash; scripts stay
 * 'self' only, never inline.
 */
function loadTemplate(dir: string): { html: string; policy: string } {
  let html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const hashes: string[] = [];
  html = html.replace(
    /<link rel="stylesheet"[^>]*href="\/p\/assets\/([^"]+\.css)"[^>]*>/g,
    (whole, file: string) => {
      const css = fs.readFileSync(path.join(dir, 'assets', file), 'utf8');
      if (/<\/style/i.test(css)) return whole;
      hashes.push(`'sha256-${createHash('sha256').update(css).digest('base64')}'`);
      return `<style>${css}</style>`;
    },
  );
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    ["style-src 'self'", ...hashes].join(' '),
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
  return { html, policy };
}

export function preferenceCenterRoutes(ctx: AppContext, dir = PREFERENCE_CENTER_DIR) {
  let template: { html: string; policy: string } | undefined;
  const readAsset = hashedAssets(path.join(dir, 'assets'));
  const pageHeaders = {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  };

  return new Hono()
    .get(
      '/p/assets/:file',
      describe({
        tag: 'Preference center',
        auth: 'none',
        params: AssetParams,
        summary:
          "The page's scripts and styles (content-hashed, cached for a year as immutable; ETag and If-None-Match)",
        responses: {
          200: {
            description: 'The file, typed by its extension',
            contentType: 'text/javascript',
            alternatives: [
              { contentType: 'text/css' },
              { contentType: 'image/svg+xml' },
              { contentType: 'font/woff2' },
            ],
          },
          304: 'Not modified',
          404: 'No such file',
        },
      }),
      validate('param', AssetParams),
      (c) => {
        const asset = readAsset(c.req.valid('param').file);
        if (!asset) return c.json({ error: { code: 'NOT_FOUND', message: 'No such file' } }, 404);
        const headers = {
          'content-type': TYPES[asset.extension],
          'cache-control': 'public, max-age=31536000, immutable',
          etag: asset.etag,
        };
        if (matchesEtag(c.req.header('if-none-match'), asset.etag))
          return c.body(null, 304, headers);
        return c.body(asset.body, 200, headers);
      },
    )
    .get(
      '/p/:tenantId',
      describe({
        tag: 'Preference center',
        auth: 'none',
        params: TenantParams,
        query: LangQuery,
        summary:
          'The preference center page (Dutch and English); sign-in tokens arrive in the URL fragment, #token=...',
        description:
          'The banner\'s "manage my data" opens it with #visitor={visitorId}&key={publicKey}; the page removes the fragment at once and asks ' +
          'POST /v1/me/visitor-link itself. See /v1/me/session for what each kind of link allows. The page data says whether a live session of this ' +
          'tenant came with the request (signedIn), read without extending it, so the page calls GET /v1/me only when there is one; a completed ' +
          "request's download link arrives as #export={token} (see POST /v1/me/exports). Served with its stylesheet inline, allowed by hash in its own policy.",
        responses: {
          200: { description: 'The page', contentType: 'text/html' },
          404: { description: 'No such tenant', contentType: 'text/html' },
        },
      }),
      validate('param', TenantParams),
      validate('query', LangQuery),
      async (c) => {
        const page = await tenantPageInfo(ctx, c.req.valid('param').tenantId);
        if (!page) {
          const locale = pickLanguage(
            undefined,
            c.req.header('accept-language'),
            ['nl', 'en'],
            'en',
          );
          const m = messagesFor(locale).preferenceCenter;
          // The link page's own policy allows its inline style by hash.
          return c.body(
            renderLinkPage({ locale, title: m.linkTitle, paragraphs: [m.linkGone] }),
            404,
            linkPageHeaders,
          );
        }
        try {
          template ??= loadTemplate(dir);
        } catch {
          return c.text('The preference center is not built: run npm run build', 503);
        }
        const { config } = page;
        const locale = pickLanguage(
          c.req.valid('query').lang,
          c.req.header('accept-language'),
          config.locales,
          config.defaultLocale,
        );
        const data = {
          tenantId: page.id,
          tenantName: page.name,
          locale,
          locales: config.locales,
          defaultLocale: config.defaultLocale,
          // Known before the first render, so the page draws the signed-in layout at once (no
          // layout shift) and never asks /v1/me without a session (no 401 in the console).
          signedIn: await hasLiveSession(ctx, getCookie(c, SESSION_COOKIE), page.id),
          // The page's words come with it, in its one language: the script carries none.
          messages: messagesFor(locale).preferenceCenter,
          privacyNoticeUrl: config.privacyNoticeUrl,
          controller: config.controller,
          purposes: config.purposes.map((p) => ({
            key: p.key,
            required: p.required ?? false,
            marketing: isMarketingPurpose(p),
            channels: p.channels ?? [],
            text: p.text,
          })),
        };
        // Replacer functions, not strings: in a replacement string `$\`` and `$'` are patterns,
        // and a purpose name containing them would splice the template into the JSON.
        const m = messagesFor(locale).preferenceCenter;
        const title = escapeHtml(fill(m.title, { tenant: page.name }));
        const description = escapeHtml(fill(m.metaDescription, { tenant: page.name }));
        const html = template.html
          .replace('<html lang="en">', () => `<html lang="${locale}">`)
          .replace(
            '<title>Akkoord</title>',
            () => `<title>${title}</title>\n<meta name="description" content="${description}">`,
          )
          .replace(
            '</head>',
            () =>
              `<script type="application/json" id="akkoord-page">${jsonForScript(data)}</script>\n</head>`,
          );
        return c.body(html, 200, { ...pageHeaders, 'content-security-policy': template.policy });
      },
    );
}
