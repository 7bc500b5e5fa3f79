// The mailer used when no SMTP_URL is set: messages are kept, encrypted, in the
// outbox table (and listed at /dev/outbox outside production), so a newcomer can
// follow sign-in links without a mail server.
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { newId } from '../ids.js';
import type { Keyring } from '../keyring.js';
import type { Mailer } from './mailer.js';

export function createOutboxMailer(db: Kysely<Database>, keyring: Keyring, clock: Clock): Mailer {
  return {
    async send(mail) {
      await db
        .insertInto('outbox')
        .values({
          id: newId('mail'),
          tenant_id: mail.tenantId ?? null,
          subject_id: mail.subjectId ?? null,
          to_enc: keyring.encrypt(mail.to),
          subject: mail.subject,
          body_enc: keyring.encrypt(JSON.stringify({ text: mail.text, html: mail.html, headers: mail.headers ?? {} })),
          created_at: clock.now().toISOString(),
          sent_at: null,
        })
        .execute();
    },
  };
}
