// The e-mails Akkoord sends itself (sign-in and step-up links, double opt-in, notices about
// requests, the export link), in the person's language, as plain text and as HTML built from
// the same paragraphs, so the two always say the same. Every mail ends with the controller's
// name and contact. Every value from configuration or a person is escaped: copy is text,
// never markup.
//
// Dutch register: "je" throughout, never "u". The person meets Akkoord first in the banner
// and the preference center, which speak "je"; a mail in "u" after a page in "je" reads as
// two different senders. "je" is also what most Dutch consumer brands and shops write.
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
  return value.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
}

/** Who the mail is from: the tenant's name, and the controller's name and contact for the footer. */
export interface Tenant {
  name: string;
  contact: string;
  /** The controller's legal name; the tenant's name when not given. */
  controller?: string;
}

/** A date in words in the mail's language: "2 maart 2027", "2 March 2027". */
export function dateInWords(locale: string, iso: string): string {
  return new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Europe/Amsterdam',
  }).format(new Date(iso));
}

/** A request type in words ("kopie van gegevens"), from the preference center's own labels. */
export function requestTypeInWords(locale: string, type: string): string {
  return (
    (messagesFor(locale).preferenceCenter as Record<string, string>)[`type_${type}`] ??
    type.replace(/_/g, ' ')
  );
}

interface Parts {
  subject: string;
  paragraphs: string[];
  /** A button-like link, shown after the paragraphs, with its address written out too. */
  link?: { label: string; url: string };
  /** Said after the link: what to do if it was not you. */
  after?: string;
  tenant: Tenant;
}

/** One mail: paragraphs, an optional link, a closing line and the footer; text and HTML from the same parts. */
export function compose(locale: string, parts: Parts): RenderedMail {
  const footer = fill(messagesFor(locale).email.footer, {
    controller: parts.tenant.controller ?? parts.tenant.name,
    contact: parts.tenant.contact,
  });
  const body = [
    ...parts.paragraphs,
    ...(parts.link ? [`${parts.link.label}:\n${parts.link.url}`] : []),
    ...(parts.after ? [parts.after] : []),
  ];
  const text = [...body.flatMap((p) => [p, '']), '-- ', footer, ''].join('\n');
  const link = parts.link
    ? `<p><a href="${escapeHtml(parts.link.url)}" style="display:inline-block;padding:10px 18px;background:#0b5394;color:#ffffff;text-decoration:none;border-radius:4px">${escapeHtml(parts.link.label)}</a></p>
<p style="font-size:90%">${escapeHtml(parts.link.url)}</p>\n`
    : '';
  const html = `<!doctype html>
<html lang="${escapeHtml(locale)}"><head><meta charset="utf-8"><title>${escapeHtml(parts.subject)}</title></head>
<body style="font-family:system-ui,sans-serif;color:#1a1a1a;line-height:1.5">
${parts.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>\n`).join('')}${link}${parts.after ? `<p>${escapeHtml(parts.after)}</p>\n` : ''}<hr><p style="font-size:90%;color:#444">${escapeHtml(footer)}</p>
</body></html>
`;
  return { subject: parts.subject, text, html };
}

export function loginMail(locale: string, input: { tenant: Tenant; url: string }): RenderedMail {
  const m = messagesFor(locale).email;
  const values = { tenant: input.tenant.name };
  return compose(locale, {
    subject: fill(m.loginSubject, values),
    paragraphs: [fill(m.loginIntro, values)],
    link: { label: m.loginButton, url: input.url },
    after: m.loginIgnore,
    tenant: input.tenant,
  });
}

/** The step-up mail: confirms that the person behind a link session owns the address on file. */
export function stepUpMail(locale: string, input: { tenant: Tenant; url: string }): RenderedMail {
  const m = messagesFor(locale).email;
  const values = { tenant: input.tenant.name };
  return compose(locale, {
    subject: fill(m.stepUpSubject, values),
    paragraphs: [fill(m.stepUpIntro, values)],
    link: { label: m.stepUpButton, url: input.url },
    after: m.stepUpIgnore,
    tenant: input.tenant,
  });
}

export function doubleOptInMail(
  locale: string,
  input: { tenant: Tenant; purposeName: string; channel: string; url: string },
): RenderedMail {
  const messages = messagesFor(locale);
  const m = messages.email;
  const channel =
    (messages.preferenceCenter as Record<string, string>)[`channel_${input.channel}`] ??
    input.channel;
  const values = { tenant: input.tenant.name, purpose: input.purposeName, channel };
  return compose(locale, {
    subject: fill(m.confirmSubject, values),
    paragraphs: [fill(m.confirmIntro, values)],
    link: { label: m.confirmButton, url: input.url },
    after: m.confirmIgnore,
    tenant: input.tenant,
  });
}

/** More time for a request (Art. 12(3)): why, and the new date in words. */
export function extensionMail(
  locale: string,
  input: { tenant: Tenant; requestType: string; reason: string; dueAt: string },
): RenderedMail {
  const m = messagesFor(locale).email;
  const controller = input.tenant.controller ?? input.tenant.name;
  return compose(locale, {
    subject: fill(m.extensionSubject, { controller }),
    paragraphs: [
      fill(m.extensionIntro, { type: requestTypeInWords(locale, input.requestType) }),
      fill(m.extensionReason, { reason: input.reason }),
      fill(m.extensionDue, { date: dateInWords(locale, input.dueAt) }),
      m.extensionComplaint,
    ],
    tenant: input.tenant,
  });
}

/** A refusal (Art. 12(4)): the ground in words, why, and where to complain. */
export function refusalMail(
  locale: string,
  input: { tenant: Tenant; requestType: string; ground: string; explanation: string },
): RenderedMail {
  const m = messagesFor(locale).email;
  const controller = input.tenant.controller ?? input.tenant.name;
  const ground =
    (m as Record<string, string>)[`ground_${input.ground}`] ?? input.ground.replace(/_/g, ' ');
  return compose(locale, {
    subject: fill(m.refusalSubject, { controller }),
    paragraphs: [
      fill(m.refusalIntro, { type: requestTypeInWords(locale, input.requestType), ground }),
      fill(m.refusalReason, { explanation: input.explanation }),
      m.refusalComplaint,
    ],
    tenant: input.tenant,
  });
}

/** Before a restriction is lifted (Art. 18(3)). */
export function restrictionLiftMail(locale: string, input: { tenant: Tenant }): RenderedMail {
  const m = messagesFor(locale).email;
  return compose(locale, {
    subject: fill(m.liftSubject, { controller: input.tenant.controller ?? input.tenant.name }),
    paragraphs: [m.liftIntro, m.liftNext],
    tenant: input.tenant,
  });
}

/** A completed access or portability request: a one-time link to the download, behind the e-mail sign-in. */
export function exportReadyMail(
  locale: string,
  input: { tenant: Tenant; requestType: string; url: string; expiresAt: string },
): RenderedMail {
  const m = messagesFor(locale).email;
  const controller = input.tenant.controller ?? input.tenant.name;
  return compose(locale, {
    subject: fill(m.exportSubject, { tenant: input.tenant.name }),
    paragraphs: [
      fill(m.exportIntro, {
        type: requestTypeInWords(locale, input.requestType),
        date: dateInWords(locale, input.expiresAt),
      }),
    ],
    link: { label: m.exportButton, url: input.url },
    after: fill(m.exportIgnore, { controller, contact: input.tenant.contact }),
    tenant: input.tenant,
  });
}
