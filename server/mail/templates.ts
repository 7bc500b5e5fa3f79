// The e-mails Akkoord sends itself (sign-in links, double opt-in confirmations), in
// the person's language, as plain text and as HTML. Every value from configuration
// or a person is escaped: copy is text, never markup (STYLE.md, convention 7).
import en from '../../shared/i18n/en.json' with { type: 'json' };
import nl from '../../shared/i18n/nl.json' with { type: 'json' };

type Messages = typeof en;
const MESSAGES: Record<string, Messages> = { en, nl };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export const messagesFor = (locale: string): Messages => MESSAGES[locale] ?? en;

/** Fills `{name}` placeholders with plain values. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

interface Tenant {
  name: string;
  contact: string;
}

/** One message: an intro, a button-like link, a line on what to do if it was not you, a footer. */
function compose(locale: string, parts: { subject: string; intro: string; button: string; url: string; ignore: string; tenant: Tenant }): RenderedMail {
  const footer = fill(messagesFor(locale).email.footer, { tenant: parts.tenant.name, contact: parts.tenant.contact });
  const text = [parts.intro, '', parts.url, '', parts.ignore, '', '-- ', footer, ''].join('\n');
  const url = escapeHtml(parts.url);
  const html = `<!doctype html>
<html lang="${escapeHtml(locale)}"><head><meta charset="utf-8"><title>${escapeHtml(parts.subject)}</title></head>
<body style="font-family:system-ui,sans-serif;color:#1a1a1a;line-height:1.5">
<p>${escapeHtml(parts.intro)}</p>
<p><a href="${url}" style="display:inline-block;padding:10px 18px;background:#0b5394;color:#ffffff;text-decoration:none;border-radius:4px">${escapeHtml(parts.button)}</a></p>
<p style="font-size:90%">${url}</p>
<p>${escapeHtml(parts.ignore)}</p>
<hr><p style="font-size:90%;color:#444">${escapeHtml(footer)}</p>
</body></html>
`;
  return { subject: parts.subject, text, html };
}

export function loginMail(locale: string, input: { tenant: Tenant; url: string }): RenderedMail {
  const m = messagesFor(locale).email;
  const values = { tenant: input.tenant.name };
  return compose(locale, {
    subject: fill(m.loginSubject, values), intro: fill(m.loginIntro, values), button: m.loginButton,
    url: input.url, ignore: m.loginIgnore, tenant: input.tenant,
  });
}

export function doubleOptInMail(locale: string, input: { tenant: Tenant; purposeName: string; channel: string; url: string }): RenderedMail {
  const messages = messagesFor(locale);
  const m = messages.email;
  const channel = (messages.preferenceCenter as Record<string, string>)[`channel_${input.channel}`] ?? input.channel;
  const values = { tenant: input.tenant.name, purpose: input.purposeName, channel };
  return compose(locale, {
    subject: fill(m.confirmSubject, values), intro: fill(m.confirmIntro, values), button: m.confirmButton,
    url: input.url, ignore: m.confirmIgnore, tenant: input.tenant,
  });
}
