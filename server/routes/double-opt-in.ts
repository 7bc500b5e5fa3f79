// The double opt-in confirmation at /c/{token} (MAIL-08): GET shows what is being
// confirmed and a button; only the POST of that button grants the consent, so a
// mail scanner following the link confirms nothing.
import { Hono } from 'hono';
import { TokenParams } from '../../shared/schemas/links.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import {
  confirmDoubleOptIn,
  readConfirmationLink,
  type ConfirmationLink,
} from '../services/me/double-opt-in.js';
import {
  describeChoice,
  fill,
  gonePage,
  linkPageHeaders,
  messagesFor,
  renderLinkPage,
  tokenFrom,
} from './link-page.js';

const page = (
  link: Pick<ConfirmationLink, 'locale' | 'purposeName' | 'channel' | 'tenantName'>,
  text: 'confirmAsk' | 'confirmed' | 'confirmNotPending',
  form?: string,
) => {
  const m = messagesFor(link.locale).preferenceCenter;
  const values = describeChoice(link.locale, link.purposeName, link.channel, link.tenantName);
  return renderLinkPage({
    locale: link.locale,
    title: m.confirmTitle,
    paragraphs: [fill(m[text], values)],
    status: !form,
    ...(form ? { form: { action: form, button: m.confirmButton } } : {}),
  });
};

export function doubleOptInRoutes(ctx: AppContext) {
  return new Hono()
    .get(
      '/c/:token',
      describe({
        tag: 'Links',
        auth: 'signed-token',
        params: TokenParams,
        summary: 'The double opt-in page: what is being confirmed and a button',
        responses: {
          200: { description: 'The page', contentType: 'text/html' },
          404: {
            description:
              "Unknown, used, expired or truncated link: a page in the browser's language (Accept-Language)",
            contentType: 'text/html',
          },
        },
      }),
      async (c) => {
        const token = tokenFrom(c.req.param('token'));
        const link = token ? await readConfirmationLink(ctx, token) : null;
        if (!token || !link) return gonePage(c.req.header('accept-language'));
        return c.body(
          page(
            link,
            link.pending ? 'confirmAsk' : 'confirmNotPending',
            link.pending ? `/c/${token}` : undefined,
          ),
          200,
          linkPageHeaders,
        );
      },
    )
    .post(
      '/c/:token',
      describe({
        tag: 'Links',
        auth: 'signed-token',
        params: TokenParams,
        summary: 'Confirm a pending consent: it becomes granted',
        responses: {
          200: { description: 'Confirmed, or nothing left to confirm', contentType: 'text/html' },
          404: {
            description:
              "Unknown, used, expired or truncated link: a page in the browser's language (Accept-Language)",
            contentType: 'text/html',
          },
        },
      }),
      async (c) => {
        const token = tokenFrom(c.req.param('token'));
        const link = token ? await readConfirmationLink(ctx, token) : null;
        if (!token || !link) return gonePage(c.req.header('accept-language'));
        const outcome = await confirmDoubleOptIn(ctx, token);
        if (outcome === 'gone') return gonePage(c.req.header('accept-language'));
        return c.body(
          page(link, outcome === 'confirmed' ? 'confirmed' : 'confirmNotPending'),
          200,
          linkPageHeaders,
        );
      },
    );
}
