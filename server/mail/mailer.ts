// What the server needs of e-mail. Callers hand a Mail to `ctx.mailer.send`, which only
// queues it in the database (queue.ts); a worker gives it to the transport: SMTP
// through nodemailer when SMTP_URL is set, else none (the mail is kept in the outbox).
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers, e.g. List-Unsubscribe (RFC 8058); added before any signing. */
  headers?: Record<string, string>;
  /** So an erasure can delete the person's mail too. */
  tenantId?: string;
  subjectId?: string;
}

export interface Mailer {
  /**
   * Queues the mail. Pass the caller's transaction as `db` to queue it together with
   * what the mail is about (both or neither); on SQLite, do not call this with ctx.db
   * while a transaction is open.
   */
  send(mail: Mail, db?: Kysely<Database>): Promise<void>;
}

/** Where the worker hands queued mails; `signal` aborts a send that takes too long. */
export interface MailTransport {
  send(mail: Mail, signal?: AbortSignal): Promise<void>;
}
