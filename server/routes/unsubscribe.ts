// One-click unsubscribe at /u/{token} (RFC 8058; MAIL-03). POST with the body
// `List-Unsubscribe=One-Click`, form-encoded or multipart, takes effect at once: no
// cookie, no login, no CSRF token, no redirect, the same 200 every time. GET only
// shows a page with a button, because mail scanners and prefetchers follow links.
import { Hono } from 'hono';
import * as v from 'valibot';
import { TokenParams } from '../../shared/schemas/links.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { Operation } from '../openapi/operation.js';
import { readUnsubscribeLink, unsubscribe, type UnsubscribeTarget } from '../services/unsubscribe.js';
import { validate } from '../validate.js';
import { describeChoice, fill, linkPageHeaders, messagesFor, renderLinkPage } from './link-page.js';

export const unsubscribeOperations: Operation[] = [
  {
    method: 'get', path: '/u/{token}', tag: 'Links', auth: 'signed-token', params: TokenParams,
    summary: 'The unsubscribe page: a button, never an unsubscription by itself',
    responses: { 200: { description: 'The page', contentType: 'text/html' }, 404: { description: 'Unknown or expired link', contentType: 'text/html' } },
  },
  {
    method: 'post', path: '/u/{token}', tag: 'Links', auth: 'signed-token', params: TokenParams,
    summary: 'One-click unsubscribe (RFC 8058): withdraws that purpose and channel at once',
    description: 'Body `List-Unsubscribe=One-Click` as application/x-www-form-urlencoded or multipart/form-data. Needs no cookie or authorization, never redirects, and answers 200 again when repeated. Recorded in the ledger with source `unsubscribe` and sent on the feed.',
    body: v.object({ 'List-Unsubscribe': v.literal('One-Click') }), bodyContentType: 'application/x-www-form-urlencoded',
    responses: { 200: { description: 'Unsubscribed', contentType: 'text/html' }, 400: 'The body is not List-Unsubscribe=One-Click', 404: 'Unknown or expired link' },
  },
];

function goneResponse(locale: string, status: 404) {
  const m = messagesFor(locale).preferenceCenter;
  return new Response(renderLinkPage({ locale, title: m.linkTitle, paragraphs: [m.linkGone] }), { status, headers: linkPageHeaders });
}

function donePage(target: UnsubscribeTarget): string {
  const m = messagesFor(target.locale).preferenceCenter;
  const values = describeChoice(target.locale, target.purposeName, target.channel, target.tenantName);
  return renderLinkPage({ locale: target.locale, title: m.unsubscribeTitle, paragraphs: [fill(m.unsubscribed, values)], status: true });
}

export function unsubscribeRoutes(ctx: AppContext) {
  return new Hono()
    .get('/u/:token', validate('param', TokenParams), async (c) => {
      const target = await readUnsubscribeLink(ctx, c.req.valid('param').token);
      if (!target) return goneResponse('en', 404);
      const m = messagesFor(target.locale).preferenceCenter;
      const values = describeChoice(target.locale, target.purposeName, target.channel, target.tenantName);
      const html = renderLinkPage({
        locale: target.locale, title: m.unsubscribeTitle, paragraphs: [fill(m.unsubscribeAsk, values)],
        form: { action: `/u/${c.req.valid('param').token}`, button: m.unsubscribeButton, fields: { 'List-Unsubscribe': 'One-Click' } },
      });
      return c.body(html, 200, linkPageHeaders);
    })
    .post('/u/:token', validate('param', TokenParams), async (c) => {
      const type = c.req.header('content-type') ?? '';
      if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
        throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send List-Unsubscribe=One-Click as application/x-www-form-urlencoded or multipart/form-data');
      }
      const body = await c.req.parseBody().catch(() => {
        throw new ApiError(400, 'VALIDATION_FAILED', 'The body is not a form');
      });
      if (body['List-Unsubscribe'] !== 'One-Click') {
        throw new ApiError(400, 'VALIDATION_FAILED', 'The body must be List-Unsubscribe=One-Click (RFC 8058)');
      }
      const target = await readUnsubscribeLink(ctx, c.req.valid('param').token);
      if (!target) return goneResponse('en', 404);
      await unsubscribe(ctx, target);
      return c.body(donePage(target), 200, linkPageHeaders);
    });
}
