// One-click unsubscribe at /u/{token} and one-click objection to all direct marketing
// at /u/object/{token} (RFC 8058; MAIL-03, MAIL-07, GDPR-42). POST with the body
// `List-Unsubscribe=One-Click`, form-encoded or multipart, takes effect at once: no
// cookie, no login, no CSRF token, no redirect, the same 200 every time. GET only
// shows a page with a button, because mail scanners and prefetchers follow links.
// These links never expire; a link whose person was erased (or that never existed)
// answers success and changes nothing, so an old mail's way out always works.
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { TokenParams } from '../../shared/schemas/links.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { describe } from '../openapi/describe.js';
import {
  objectByLink,
  readObjectionLink,
  readUnsubscribeLink,
  unsubscribe,
  type ObjectionLink,
  type UnsubscribeTarget,
} from '../services/me/unsubscribe.js';
import {
  describeChoice,
  fill,
  gonePage,
  linkPageHeaders,
  messagesFor,
  pickLanguage,
  renderLinkPage,
  tokenFrom,
} from './link-page.js';

const OneClickBody = v.object({ 'List-Unsubscribe': v.literal('One-Click') });
/** The answers of a one-click POST: its page, or why the click did nothing. */
const oneClickResponses = (done: string) => ({
  200: { description: done, contentType: 'text/html' },
  400: 'The body is not List-Unsubscribe=One-Click',
  404: { description: 'A truncated link', contentType: 'text/html' },
  415: 'Not a form body',
});
const oneClick =
  'Body `List-Unsubscribe=One-Click` as application/x-www-form-urlencoded or multipart/form-data. Needs no cookie or authorization, never redirects, ' +
  'and answers 200 again when repeated. The link never expires; a link whose person was erased, or that is unknown, answers 200 and changes nothing.';

/** An erased person's link, or one never issued: success, and nothing changes. */
function nothingMorePage(acceptLanguage: string | undefined): Response {
  const locale = pickLanguage(undefined, acceptLanguage, ['nl', 'en'], 'en');
  const m = messagesFor(locale).preferenceCenter;
  return new Response(
    renderLinkPage({ locale, title: m.linkTitle, paragraphs: [m.linkNothingMore], status: true }),
    { status: 200, headers: linkPageHeaders },
  );
}

function donePage(target: UnsubscribeTarget): string {
  const m = messagesFor(target.locale).preferenceCenter;
  const values = describeChoice(
    target.locale,
    target.purposeName,
    target.channel,
    target.tenantName,
  );
  return renderLinkPage({
    locale: target.locale,
    title: m.unsubscribeTitle,
    paragraphs: [fill(m.unsubscribed, values)],
    status: true,
  });
}

function objectedPage(link: ObjectionLink): string {
  const m = messagesFor(link.locale).preferenceCenter;
  return renderLinkPage({
    locale: link.locale,
    title: m.objectTitle,
    paragraphs: [m.objectDone],
    status: true,
  });
}

/** Reads the RFC 8058 body or throws the answer a client that sent something else gets. */
async function requireOneClick(c: Context): Promise<void> {
  const type = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
    throw new ApiError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Send List-Unsubscribe=One-Click as application/x-www-form-urlencoded or multipart/form-data',
    );
  }
  const body = await c.req.parseBody().catch(() => {
    throw new ApiError(400, 'VALIDATION_FAILED', 'The body is not a form');
  });
  if (body['List-Unsubscribe'] !== 'One-Click') {
    throw new ApiError(
      400,
      'VALIDATION_FAILED',
      'The body must be List-Unsubscribe=One-Click (RFC 8058)',
    );
  }
}

export function unsubscribeRoutes(ctx: AppContext) {
  return new Hono()
    .get(
      '/u/:token',
      describe({
        tag: 'Links',
        auth: 'signed-token',
        params: TokenParams,
        summary: 'The unsubscribe page: a button, never an unsubscription by itself',
        description:
          'A link whose person was erased, or that is unknown, shows a page saying nothing more is sent through it.',
        responses: {
          200: { description: 'The page', contentType: 'text/html' },
          404: {
            description: "A truncated link: a page in the browser's language (Accept-Language)",
            contentType: 'text/html',
          },
        },
      }),
      async (c) => {
        const token = tokenFrom(c.req.param('token'));
        if (!token) return gonePage(c.req.header('accept-language'));
        const target = await readUnsubscribeLink(ctx, token);
        if (!target) return nothingMorePage(c.req.header('accept-language'));
        const m = messagesFor(target.locale).preferenceCenter;
        const values = describeChoice(
          target.locale,
          target.purposeName,
          target.channel,
          target.tenantName,
        );
        const html = renderLinkPage({
          locale: target.locale,
          title: m.unsubscribeTitle,
          paragraphs: [fill(m.unsubscribeAsk, values)],
          form: {
            action: `/u/${token}`,
            button: m.unsubscribeButton,
            fields: { 'List-Unsubscribe': 'One-Click' },
          },
        });
        return c.body(html, 200, linkPageHeaders);
      },
    )
    .post(
      '/u/:token',
      describe({
        tag: 'Links',
        auth: 'signed-token',
        params: TokenParams,
        summary: 'One-click unsubscribe (RFC 8058): withdraws that purpose and channel at once',
        description: `${oneClick} Recorded in the ledger with source \`unsubscribe\` and sent on the feed.`,
        body: OneClickBody,
        bodyContentType: 'application/x-www-form-urlencoded',
        responses: oneClickResponses('Unsubscribed (or nothing to do)'),
      }),
      async (c) => {
        const token = tokenFrom(c.req.param('token'));
        if (!token) return gonePage(c.req.header('accept-language'));
        await requireOneClick(c);
        const target = await readUnsubscribeLink(ctx, token);
        if (!target) return nothingMorePage(c.req.header('accept-language'));
        await unsubscribe(ctx, target);
        return c.body(donePage(target), 200, linkPageHeaders);
      },
    )
    .get(
      '/u/object/:token',
      describe({
        tag: 'Links',
        auth: 'signed-token',
        params: TokenParams,
        summary:
          'The page of the objection to all direct marketing: a button, never an objection by itself',
        responses: {
          200: { description: 'The page', contentType: 'text/html' },
          404: {
            description: "A truncated link: a page in the browser's language (Accept-Language)",
            contentType: 'text/html',
          },
        },
      }),
      async (c) => {
        const token = tokenFrom(c.req.param('token'));
        if (!token) return gonePage(c.req.header('accept-language'));
        const link = await readObjectionLink(ctx, token);
        if (!link) return nothingMorePage(c.req.header('accept-language'));
        const m = messagesFor(link.locale).preferenceCenter;
        const html = renderLinkPage({
          locale: link.locale,
          title: m.objectTitle,
          paragraphs: [m.objectIntro],
          form: {
            action: `/u/object/${token}`,
            button: m.object,
            fields: { 'List-Unsubscribe': 'One-Click' },
          },
        });
        return c.body(html, 200, linkPageHeaders);
      },
    )
    .post(
      '/u/object/:token',
      describe({
        tag: 'Links',
        auth: 'signed-token',
        params: TokenParams,
        summary:
          'One click objects to all direct marketing (Art. 21(2)-(3)): every marketing purpose by every channel',
        description:
          `${oneClick} Recorded as an objection: the subject is marked objected, every granted or pending marketing consent is withdrawn in the ledger ` +
          '(source `unsubscribe`), the feed carries subject.objected, and later grants by a tool are stored as refused until the person lifts it themselves.',
        body: OneClickBody,
        bodyContentType: 'application/x-www-form-urlencoded',
        responses: oneClickResponses('Objected (or nothing to do)'),
      }),
      async (c) => {
        const token = tokenFrom(c.req.param('token'));
        if (!token) return gonePage(c.req.header('accept-language'));
        await requireOneClick(c);
        const link = await readObjectionLink(ctx, token);
        if (!link) return nothingMorePage(c.req.header('accept-language'));
        await objectByLink(ctx, link);
        return c.body(objectedPage(link), 200, linkPageHeaders);
      },
    );
}
