// The mailer for SMTP_URL: nodemailer over SMTP. The sender address comes from a
// `from` query parameter of SMTP_URL (smtp://host:587?from=privacy@shop.example),
// else no-reply at the PUBLIC_URL host. Headers such as List-Unsubscribe are set
// before any DKIM signing, never rewritten after (MAIL-02).
import { createTransport } from 'nodemailer';
import type { Mailer } from './mailer.js';

export interface SmtpMailer extends Mailer {
  close(): void;
}

export function createSmtpMailer(smtpUrl: string, publicUrl: string): SmtpMailer {
  const url = new URL(smtpUrl);
  const from = url.searchParams.get('from') ?? `Akkoord <no-reply@${new URL(publicUrl).hostname}>`;
  url.searchParams.delete('from');
  const transport = createTransport(url.toString());
  return {
    async send(mail) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
      });
    },
    close: () => transport.close(),
  };
}
