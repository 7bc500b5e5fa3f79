// An SMTP server in the test process (smtp-server) that parses every message it
// receives, so a test reads the very mail a person would get.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
  inbox: ParsedMail[];
  /** SMTP_URL for createSmtpMailer. */
  url: string;
  /** The `count`-th mail to `address`, waiting up to 10 s for it. */
  mailTo(address: string, count?: number): Promise<ParsedMail>;
  close(): Promise<void>;
}

/** `from` is the sender address the mailer built from `url` writes. */
export async function startSmtp(from = 'console@akkoord.example'): Promise<TestSmtp> {
  const inbox: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        inbox.push(mail);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    inbox,
    url: `smtp://127.0.0.1:${port}?from=${from}`,
    async mailTo(address, count = 1) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const mails = inbox.filter(
          (mail) => (mail.to && !Array.isArray(mail.to) ? mail.to.text : '') === address,
        );
        if (mails.length >= count) return mails[count - 1];
        if (Date.now() > deadline) throw new Error(`no mail #${count} for ${address}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
