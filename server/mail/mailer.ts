// What the server needs of an e-mail transport. Two implementations: SMTP through
// nodemailer when SMTP_URL is set, else the outbox in the database.
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
  send(mail: Mail): Promise<void>;
}
