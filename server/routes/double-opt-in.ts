// The double opt-in confirmation at /c/{token} (MAIL-08): GET shows what is being
// confirmed and a button; only the POST of that button grants the consent, so a
// mail scanner following the link confirms nothing.
import { Hono } from 'hono';
import { TokenParams } from '../../shared/schemas/links.js';
import type { AppContext } from '../context.js';
import type { Operation } from '../openapi/operation.js';
import { confirmDoubleOptIn, readConfirmationLink, type ConfirmationLink } from '../services/double-opt-in.js';
import { validate } from '../validate.js';
import { describeChoice, fill, linkPageHeaders, messagesFor, renderLinkPage } from './link-page.js';

export const doubleOptInOperations: Operation[] = [
  {
    method: 'get', path: '/c/{token}', tag: 'Links', auth: 'signed-token', params: TokenParams,
    summary: 'The double opt-in page: what is being confirmed and a button',
    responses: { 200: { description: 'The page', contentType: 'text/html' }, 404: { description: 'Unknown, used or expired link', contentType: 'text/html' } },
  },
  {
    method: 'post', path: '/c/{token}', tag: 'Links', auth: 'signed-token', params: TokenParams,
    summary: 'Confirm a pending consent: it becomes granted',
    responses: { 200: { description: 'Confirmed, or nothing left to confirm', contentType: 'text/html' }, 404: { description: 'Unknown, used or expired link', contentType: 'text/html' } },
  },
];

const page = (link: Pick<ConfirmationLink, 'locale' | 'purposeName' | 'channel' | 'tenantName'>, text: 'confirmAsk' | 'confirmed' | 'confirmNotPending', form?: string) => {
  const m = messagesFor(link.locale).preferenceCenter;
  const values = describeChoice(link.locale, link.purposeName, link.channel, link.tenantName);
  return renderLinkPage({
    locale: link.locale, title: m.confirmTitle, paragraphs: [fill(m[text], values)], status: !form,
    ...(form ? { form: { action: form, button: m.confirmButton } } : {}),
  });
};

const gone = () => {
  const m = messagesFor('en').preferenceCenter;
  return new Response(renderLinkPage({ locale: 'en', title: m.linkTitle, paragraphs: [m.linkGone] }), { status: 404, headers: linkPageHeaders });
};

export function doubleOptInRoutes(ctx: AppContext) {
  return new Hono()
    .get('/c/:token', validate('param', TokenParams), async (c) => {
      const { token } = c.req.valid('param');
      const link = await readConfirmationLink(ctx, token);
      if (!link) return gone();
      return c.body(page(link, link.pending ? 'confirmAsk' : 'confirmNotPending', link.pending ? `/c/${token}` : undefined), 200, linkPageHeaders);
    })
    .post('/c/:token', validate('param', TokenParams), async (c) => {
      const { token } = c.req.valid('param');
      const link = await readConfirmationLink(ctx, token);
      if (!link) return gone();
      const outcome = await confirmDoubleOptIn(ctx, token);
      if (outcome === 'gone') return gone();
      return c.body(page(link, outcome === 'confirmed' ? 'confirmed' : 'confirmNotPending'), 200, linkPageHeaders);
    });
}
