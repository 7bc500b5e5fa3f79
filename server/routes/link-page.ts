// The small pages behind links in e-mails (unsubscribe, double opt-in): rendered on
// the server without JavaScript, every value escaped, with a policy that allows
// only their own inline style (by hash) and a form posting back to themselves.
import crypto from 'node:crypto';
import { escapeHtml, fill, messagesFor } from '../mail/templates.js';

const STYLE = [
  'body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}',
  'button{font:inherit;padding:.6rem 1.2rem;border:2px solid #0b5394;background:#0b5394;color:#fff;border-radius:4px;cursor:pointer}',
  'button:focus-visible,a:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}',
  'a{color:#0b5394}',
].join('');
const STYLE_HASH = crypto.createHash('sha256').update(STYLE).digest('base64');

export const LINK_PAGE_POLICY = [
  "default-src 'none'", `style-src 'sha256-${STYLE_HASH}'`, "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
].join('; ');

export interface LinkPage {
  locale: string;
  title: string;
  paragraphs: string[];
  /** A button posting to `action` with the hidden fields. */
  form?: { action: string; button: string; fields?: Record<string, string> };
  /** Announce the first paragraph as a status message (WCAG 4.1.3). */
  status?: boolean;
}

export function renderLinkPage(page: LinkPage): string {
  const [first, ...rest] = page.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`);
  const lead = page.status ? `<div role="status">${first ?? ''}</div>` : (first ?? '');
  const fields = Object.entries(page.form?.fields ?? {})
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('');
  const form = page.form
    ? `<form method="post" action="${escapeHtml(page.form.action)}">${fields}<button type="submit">${escapeHtml(page.form.button)}</button></form>`
    : '';
  return `<!doctype html>
<html lang="${escapeHtml(page.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">
<title>${escapeHtml(page.title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(page.title)}</h1>${lead}${rest.join('')}${form}</main></body></html>
`;
}

/** The headers every link page gets: its own policy, never cached (the answer depends on the token's state). */
export const linkPageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': LINK_PAGE_POLICY,
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

/** Words for a channel and the purpose's name in the page's language. */
export function describeChoice(locale: string, purposeName: string, channel: string, tenant: string) {
  const pc = messagesFor(locale).preferenceCenter as Record<string, string>;
  return { purpose: purposeName, channel: pc[`channel_${channel}`] ?? channel, tenant };
}

export { fill, messagesFor };
