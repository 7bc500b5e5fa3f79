// The mail transport for SMTP_URL: nodemailer over SMTP. The sender address comes from a
// `from` query parameter of SMTP_URL (smtp://host:587?from=privacy@shop.example),
// else no-reply at the PUBLIC_URL host. Headers such as List-Unsubscribe are set
// before any DKIM signing, never rewritten after (MAIL-02). Every step has a timeout:
// a server that stalls must not hold a send (and its queue row) for long.
import { createTransport } from 'nodemailer';
import type { MailTransport } from './mailer.js';

export interface SmtpMailer extends MailTransport {
  close(): void;
}

export function createSmtpMailer(
  smtpUrl: string,
  publicUrl: string,
  options: { timeoutMs?: number } = {},
): SmtpMailer {
  const url = new URL(smtpUrl);
  const from = url.searchParams.get('from') ?? `Akkoord <no-reply@${new URL(publicUrl).hostname}>`;
  url.searchParams.delete('from');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const transport = createTransport({
    url: url.toString(),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async send(mail, signal) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
        signal,
      });
    },
    close: () => transport.close(),
  };
}
