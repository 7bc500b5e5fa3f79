// The console's own mails to staff: a sign-in link and an invitation. Values are
// escaped: a tenant name is text, never markup.
import { escapeHtml, fill, messagesFor, type RenderedMail } from './templates.js';

export function staffMail(
  locale: string,
  input: { tenant: string; url: string; invitedAs?: string },
): RenderedMail {
  const m = messagesFor(locale).email;
  const values = { tenant: input.tenant, role: input.invitedAs ?? '' };
  const subject = fill(input.invitedAs ? m.staffInviteSubject : m.staffSignInSubject, values);
  const intro = fill(input.invitedAs ? m.staffInviteIntro : m.staffSignInIntro, values);
  const footer = fill(m.staffFooter, values);
  const text = [intro, '', input.url, '', m.staffIgnore, '', '-- ', footer, ''].join('\n');
  const url = escapeHtml(input.url);
  const html = `<!doctype html>
<html lang="${escapeHtml(locale)}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;color:#1a1a1a;line-height:1.5">
<p>${escapeHtml(intro)}</p>
<p><a href="${url}" style="display:inline-block;padding:10px 18px;background:#0b5394;color:#ffffff;text-decoration:none;border-radius:4px">${escapeHtml(m.staffButton)}</a></p>
<p style="font-size:90%">${url}</p>
<p>${escapeHtml(m.staffIgnore)}</p>
<hr><p style="font-size:90%;color:#444">${escapeHtml(footer)}</p>
</body></html>
`;
  return { subject, text, html };
}
