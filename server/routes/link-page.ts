// The small pages behind links in e-mails (unsubscribe, double opt-in): rendered on
// the server without JavaScript, every value escaped, with a policy that allows
// only their own inline style (by hash) and a form posting back to themselves.
import crypto from 'node:crypto';
import { escapeHtml, fill, messagesFor } from '../mail/templates.js';
import { FAVICON_LINK } from './favicon.js';

const STYLE = [
  'body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}',
  'button{font:inherit;padding:.6rem 1.2rem;border:2px solid #0b5394;background:#0b5394;color:#fff;border-radius:4px;cursor:pointer}',
  'button:focus-visible,a:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}',
  'a{color:#0b5394}',
].join('');
const STYLE_HASH = crypto.createHash('sha256').update(STYLE).digest('base64');

export const LINK_PAGE_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "img-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
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
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('');
  const form = page.form
    ? `<form method="post" action="${escapeHtml(page.form.action)}">${fields}<button type="submit">${escapeHtml(page.form.button)}</button></form>`
    : '';
  return `<!doctype html>
<html lang="${escapeHtml(page.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">
<title>${escapeHtml(page.title)}</title><meta name="description" content="${escapeHtml(page.paragraphs[0] ?? page.title)}">${FAVICON_LINK}<style>${STYLE}</style></head>
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
export function describeChoice(
  locale: string,
  purposeName: string,
  channel: string,
  tenant: string,
) {
  const pc = messagesFor(locale).preferenceCenter as Record<string, string>;
  return { purpose: purposeName, channel: pc[`channel_${channel}`] ?? channel, tenant };
}

/**
 * The page for a link that is unknown, used, expired or cut short (a mail client that broke
 * the line): HTML in the browser's language, never an error in JSON, and a 404 either way.
 */
export function gonePage(acceptLanguage: string | undefined): Response {
  const locale = pickLanguage(undefined, acceptLanguage, ['nl', 'en'], 'en');
  const m = messagesFor(locale).preferenceCenter;
  return new Response(
    renderLinkPage({ locale, title: m.linkTitle, paragraphs: [m.linkGone, m.linkGoneNext] }),
    { status: 404, headers: linkPageHeaders },
  );
}

/** The token from the path when it has a token's shape; a truncated one gets the page above. */
export const tokenFrom = (value: string | undefined): string | null =>
  value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;

/** The page's language: ?lang=, then Accept-Language, among the ones offered; else the fallback. */
export function pickLanguage(
  query: string | undefined,
  acceptLanguage: string | undefined,
  locales: string[],
  fallback: string,
): string {
  const candidates = [
    query ?? '',
    ...(acceptLanguage ?? '').split(',').map((part) => part.split(';')[0].trim()),
  ];
  for (const candidate of candidates) {
    const language = candidate.toLowerCase().split('-')[0];
    if (language && locales.includes(language) && (language === 'nl' || language === 'en'))
      return language;
  }
  return fallback;
}

export { escapeHtml, fill, messagesFor };
