// Helpers for preference-center tests: a mailer that keeps what it sends, people
// stored the way the subjects API stores them, and signing in through the real API.
import type { Mail, MailTransport } from '../../server/mail/mailer.js';
import { newId } from '../../server/ids.js';
import { sealEmail, sealJson } from '../../server/services/subjects/personal-data.js';
import { issueToken, preferenceCenterUrl } from '../../server/services/me/links.js';
import {
  createSubject,
  findSubjectByExternalId,
} from '../../server/services/subjects/subjects-core.js';
import type { TestApp } from './app.js';

export const PC_ORIGIN = 'http://127.0.0.1:8080';

export interface CapturingMailer extends MailTransport {
  sent: Mail[];
  /** Waits until a mail to `to` has arrived (the sign-in mail is sent after the answer). */
  waitFor(to: string, count?: number, timeoutMs?: number): Promise<Mail>;
}

export function capturingMailer(): CapturingMailer {
  const sent: Mail[] = [];
  return {
    sent,
    async send(mail) {
      sent.push(mail);
    },
    async waitFor(to, count = 1, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mails = sent.filter((m) => m.to === to);
        if (mails.length >= count) return mails[count - 1];
        if (Date.now() > deadline)
          throw new Error(`no mail #${count} to ${to} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

export async function addPerson(
  t: TestApp,
  tenantId: string,
  person: {
    externalId?: string;
    email?: string;
    attributes?: Record<string, unknown>;
    records?: Record<string, unknown[]>;
  },
): Promise<string> {
  const at = new Date().toISOString();
  const subjectId = await createSubject(t.ctx.db, tenantId, at, person.externalId ?? null);
  const update = {
    ...(person.email ? sealEmail(t.ctx.keyring, person.email) : {}),
    ...(person.attributes ? { attributes_enc: sealJson(t.ctx.keyring, person.attributes) } : {}),
  };
  if (Object.keys(update).length > 0)
    await t.ctx.db.updateTable('subjects').set(update).where('id', '=', subjectId).execute();
  for (const [dataset, rows] of Object.entries(person.records ?? {})) {
    for (const row of rows) {
      await t.ctx.db
        .insertInto('records')
        .values({
          id: newId('rec'),
          tenant_id: tenantId,
          subject_id: subjectId,
          dataset,
          data_enc: sealJson(t.ctx.keyring, row),
          created_at: at,
        })
        .execute();
    }
  }
  return subjectId;
}

export const tokenOf = (mail: Mail): string => {
  const match =
    /#token=([A-Za-z0-9_-]{43})/.exec(mail.text) ?? /\/[uc]\/([A-Za-z0-9_-]{43})/.exec(mail.text);
  if (!match) throw new Error('no link token in the mail');
  return match[1];
};

export interface SignedIn {
  cookie: string;
  csrf: string;
  /** Calls with the session cookie, the preference center's Origin and the CSRF token. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
}

export function cookieFrom(response: Response): string {
  const header = response.headers.get('set-cookie') ?? '';
  return header.split(';')[0];
}

export async function exchange(t: TestApp, token: string): Promise<Response> {
  return t.call('POST', '/v1/me/session', { body: { token }, headers: { origin: PC_ORIGIN } });
}

export function asSignedIn(t: TestApp, cookie: string, csrf: string): SignedIn {
  return {
    cookie,
    csrf,
    call: (method, path, body, headers) =>
      t.call(method, path, {
        body,
        headers: { cookie, origin: PC_ORIGIN, 'x-csrf-token': csrf, ...headers },
      }),
  };
}

/** Asks for a sign-in link, reads it from the mail and exchanges it for a session. */
export async function signIn(
  t: TestApp,
  mailer: CapturingMailer,
  tenantId: string,
  email: string,
): Promise<SignedIn> {
  const before = mailer.sent.filter((m) => m.to === email).length;
  const asked = await t.call('POST', '/v1/me/login', {
    body: { tenant: tenantId, email },
    headers: { origin: PC_ORIGIN },
  });
  if (asked.status !== 202) throw new Error(`login: ${asked.status} ${await asked.text()}`);
  const mail = await mailer.waitFor(email, before + 1);
  const exchanged = await exchange(t, tokenOf(mail));
  if (exchanged.status !== 200)
    throw new Error(`session: ${exchanged.status} ${await exchanged.text()}`);
  const { csrfToken } = (await exchanged.json()) as { csrfToken: string };
  return asSignedIn(t, cookieFrom(exchanged), csrfToken);
}

/**
 * The preference-center URL a sign-in (or step-up) mail carries for a person: it opens a
 * high-assurance session, like following the mail. For browser tests that are about
 * something else than the mail itself.
 */
export async function mailedSignInUrl(
  t: TestApp,
  tenantId: string,
  externalId: string,
): Promise<string> {
  const subject = await findSubjectByExternalId(t.ctx.db, tenantId, externalId);
  if (!subject) throw new Error(`no subject ${externalId}`);
  const { token } = await issueToken(t.ctx.db, t.ctx, {
    tenantId,
    kind: 'login',
    subjectId: subject.id,
  });
  return preferenceCenterUrl(t.ctx, tenantId, token);
}
