// GET /p/{tenantId}: the preference center page (CONTRACT.md §8), the built Preact
// app with the tenant's name, languages, notice links and purposes injected as JSON
// in a non-executing script element; and its static assets under /p/assets/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import * as v from 'valibot';
import { isMarketingPurpose } from '../../shared/schemas/config.js';
import type { AppContext } from '../context.js';
import type { Operation } from '../openapi/operation.js';
import { tenantPageInfo } from '../services/me-session.js';
import { validate } from '../validate.js';
import { linkPageHeaders, messagesFor, renderLinkPage } from './link-page.js';

export const PREFERENCE_CENTER_DIR = fileURLToPath(new URL('../../dist/preference-center', import.meta.url));

const TenantParams = v.object({ tenantId: v.pipe(v.string(), v.regex(/^ten_[A-Za-z0-9_-]{1,60}$/, 'a tenant id')) });
const AssetParams = v.object({ file: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.(js|css|svg|woff2)$/, 'an asset name')) });
const LangQuery = v.object({ lang: v.optional(v.pipe(v.string(), v.maxLength(10))) });

export const preferenceCenterOperations: Operation[] = [
  {
    method: 'get', path: '/p/{tenantId}', tag: 'Preference center', auth: 'none', params: TenantParams, query: LangQuery,
    summary: 'The preference center page (Dutch and English); sign-in tokens arrive in the URL fragment, #token=...',
    responses: { 200: { description: 'The page', contentType: 'text/html' }, 404: { description: 'No such tenant', contentType: 'text/html' } },
  },
  {
    method: 'get', path: '/p/assets/{file}', tag: 'Preference center', auth: 'none', params: AssetParams,
    summary: 'The page\'s scripts and styles (content-hashed, cached for a year)',
    responses: { 200: { description: 'The file', contentType: 'text/javascript' }, 404: 'No such file' },
  },
];

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml', woff2: 'font/woff2',
};

/** JSON safe inside <script>: no `</script>`, no HTML comment, no line separators that end a JS string. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function pickLanguage(query: string | undefined, acceptLanguage: string | undefined, locales: string[], fallback: string): string {
  const candidates = [query ?? '', ...(acceptLanguage ?? '').split(',').map((part) => part.split(';')[0].trim())];
  for (const candidate of candidates) {
    const language = candidate.toLowerCase().split('-')[0];
    if (language && locales.includes(language) && (language === 'nl' || language === 'en')) return language;
  }
  return fallback;
}

export function preferenceCenterRoutes(ctx: AppContext, dir = PREFERENCE_CENTER_DIR) {
  let template: string | undefined;
  const pageHeaders = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };

  return new Hono()
    .get('/p/assets/:file', validate('param', AssetParams), (c) => {
      const { file } = c.req.valid('param');
      const full = path.join(dir, 'assets', file);
      if (!fs.existsSync(full)) return c.json({ error: { code: 'NOT_FOUND', message: 'No such file' } }, 404);
      const extension = file.slice(file.lastIndexOf('.') + 1);
      return c.body(fs.readFileSync(full), 200, { 'content-type': TYPES[extension], 'cache-control': 'public, max-age=31536000, immutable' });
    })
    .get('/p/:tenantId', validate('param', TenantParams), validate('query', LangQuery), async (c) => {
      const page = await tenantPageInfo(ctx, c.req.valid('param').tenantId);
      if (!page) {
        const m = messagesFor('en').preferenceCenter;
        // The link page's own policy allows its inline style by hash.
        return c.body(renderLinkPage({ locale: 'en', title: m.linkTitle, paragraphs: [m.linkGone] }), 404, linkPageHeaders);
      }
      try {
        template ??= fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
      } catch {
        return c.text('The preference center is not built: run npm run build', 503);
      }
      const { config } = page;
      const locale = pickLanguage(c.req.valid('query').lang, c.req.header('accept-language'), config.locales, config.defaultLocale);
      const data = {
        tenantId: page.id,
        tenantName: page.name,
        locale,
        locales: config.locales,
        defaultLocale: config.defaultLocale,
        privacyNoticeUrl: config.privacyNoticeUrl,
        controller: config.controller,
        purposes: config.purposes.map((p) => ({
          key: p.key, required: p.required ?? false, marketing: isMarketingPurpose(p), channels: p.channels ?? [], text: p.text,
        })),
      };
      // Replacer functions, not strings: in a replacement string `$\`` and `$'` are patterns,
      // and a purpose name containing them would splice the template into the JSON.
      const html = template
        .replace('<html lang="en">', () => `<html lang="${locale}">`)
        .replace('</head>', () => `<script type="application/json" id="akkoord-page">${jsonForScript(data)}</script>\n</head>`);
      return c.body(html, 200, pageHeaders);
    });
}
