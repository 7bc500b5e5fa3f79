// No personal data in logs (a log captured during the end-to-end
// flows contains none of the test's e-mail addresses, phone numbers or tokens). Realistic
// flows run over real HTTP twice: against an app whose debug logger writes into memory,
// and against the real server/main.ts process at LOG_LEVEL=debug, whose stdout and
// stderr are read. Every e-mail address, phone number, key, webhook secret, session
// cookie, CSRF token, link token and visitor id the flows used must be absent.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mail, MailTransport } from '../../server/mail/mailer.js';
import { createLogger, scrubText } from '../../server/observability/logger.js';
import { runDueDeliveries } from '../../server/services/webhooks/webhook-delivery.js';
import { ADMIN_TOKEN, TEST_SECRET } from '../helpers/app.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';
import { serveTestApp, type ServedApp } from '../helpers/server.js';

/** What the flows used that must never reach a log line. */
class Secrets {
  readonly values = new Set<string>();
  add(...values: Array<string | null | undefined>): void {
    for (const value of values) if (value) this.values.add(value);
  }
  /** The secrets found in `log`, so a failure names them. */
  foundIn(log: string): string[] {
    const lower = log.toLowerCase();
    return [...this.values].filter((value) => lower.includes(value.toLowerCase()));
  }
}

interface Flows {
  base: string;
  /** The text of the newest mail to `to` (the capturing mailer, or /dev/outbox of the process). */
  mailTo(to: string, count: number): Promise<string>;
  /** Runs webhook deliveries now (in-process) or waits for the process's worker. */
  deliverWebhooks(): Promise<void>;
  secrets: Secrets;
}

/** A webhook receiver that fails the first attempt (a 500 with personal data in its answer). */
async function startReceiver() {
  let calls = 0;
  const server = http.createServer((req, res) => {
    calls += 1;
    req.resume();
    res.statusCode = calls === 1 ? 500 : 200;
    res.end('failed for anna.log@example.com +31612345678');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    calls: () => calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const tokenIn = (text: string, pattern: RegExp): string => {
  const match = pattern.exec(text);
  if (!match) throw new Error(`no token ${pattern} in: ${text}`);
  return match[1];
};

/** Banner choice, subjects with e-mail and phone, sign-in and session, export, erasure, unsubscribe, webhooks and errors. */
async function runFlows(f: Flows): Promise<void> {
  const { base, secrets } = f;
  const own = new URL(base).origin;
  const call = async (
    method: string,
    url: string,
    options: {
      token?: string;
      body?: unknown;
      headers?: Record<string, string>;
      raw?: string;
    } = {},
  ) => {
    const response = await fetch(base + url, {
      method,
      headers: {
        ...(options.body !== undefined || options.raw !== undefined
          ? { 'content-type': 'application/json' }
          : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      redirect: 'manual',
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const json = (r: { text: string }) => JSON.parse(r.text);
  secrets.add(ADMIN_TOKEN, TEST_SECRET);

  // A tenant whose banner lives on the served origin.
  const created = await call('POST', '/v1/admin/tenants', {
    token: ADMIN_TOKEN,
    body: { name: 'Logwinkel BV', allowedOrigins: [own] },
  });
  expect(created.status).toBe(201);
  const { tenant, publicKey, secretKey } = json(created) as {
    tenant: { id: string };
    publicKey: string;
    secretKey: string;
  };
  secrets.add(publicKey, secretKey);
  const { demoConfig } = await import('../../server/services/config/demo.js');
  const published = await call('PUT', '/v1/config', { token: secretKey, body: demoConfig(own) });
  expect(published.status).toBe(201);
  const configVersion = (json(published) as { version: number }).version;
  const api = (method: string, url: string, body?: unknown) =>
    call(method, url, { token: secretKey, body });

  // A banner choice, then the visitor reads its own consents.
  const visitorId = `v_${crypto.randomBytes(18).toString('base64url')}`;
  secrets.add(visitorId);
  const choice = await call('POST', '/v1/consents', {
    headers: { origin: own },
    body: {
      key: publicKey,
      visitorId,
      decisions: { analytics: true, ads: false },
      configVersion,
      locale: 'nl',
      clientEventId: `evt-${crypto.randomUUID()}`,
    },
  });
  expect(choice.status).toBe(201);
  expect((await call('GET', `/v1/consents/${visitorId}?key=${publicKey}`)).status).toBe(200);
  const visitorLink = await call('POST', '/v1/me/visitor-link', {
    headers: { origin: own },
    body: { key: publicKey, visitorId },
  });
  expect(visitorLink.status).toBe(201);
  secrets.add(tokenIn(json(visitorLink).url, /#token=([A-Za-z0-9_-]{43})/));

  // People with e-mail and phone; one tool uses the e-mail address as its own id.
  const anna = { email: 'anna.log@example.com', phone: '+31 6 1234 5678' };
  secrets.add(
    anna.email,
    anna.phone,
    '+31612345678',
    '612345678',
    'bram.log@example.com',
    'Annelies-Logtest',
  );
  const visitor2 = `v_${crypto.randomBytes(18).toString('base64url')}`;
  secrets.add(visitor2);
  expect(
    (
      await api('PUT', '/v1/subjects/crm-anna', {
        ...anna,
        attributes: { firstName: 'Annelies-Logtest' },
        visitorIds: [visitor2],
      })
    ).status,
  ).toBeLessThan(300);
  expect(
    (
      await api('PUT', `/v1/subjects/${encodeURIComponent('bram.log@example.com')}`, {
        email: 'bram.log@example.com',
        phone: '+31 20 765 4321',
      })
    ).status,
  ).toBeLessThan(300);
  secrets.add('+31 20 765 4321', '+31207654321', '207654321');
  expect(
    (await api('GET', `/v1/subjects/${encodeURIComponent('bram.log@example.com')}`)).status,
  ).toBe(200);
  expect(
    (
      await api('POST', '/v1/subjects/crm-anna/records/orders', [
        { order: 'A-1', shipTo: 'Logstraat 1, Utrecht' },
      ])
    ).status,
  ).toBe(201);
  secrets.add('Logstraat 1');
  // Consent from a form with double opt-in: Akkoord mails a confirmation link.
  expect(
    (
      await api('POST', '/v1/subjects/crm-anna/consents', {
        decisions: { newsletter: { email: true } },
        doubleOptIn: true,
      })
    ).status,
  ).toBe(201);
  const confirmation = await f.mailTo(anna.email, 1);
  const confirmToken = tokenIn(confirmation, /\/c\/([A-Za-z0-9_-]{43})/);
  secrets.add(confirmToken);
  expect((await call('GET', `/c/${confirmToken}`)).status).toBe(200);

  // Sign-in by e-mail, then the session: read, change, correct, export.
  const pc = { origin: own };
  expect(
    (
      await call('POST', '/v1/me/login', {
        headers: pc,
        body: { tenant: tenant.id, email: 'Anna.Log@Example.com' },
      })
    ).status,
  ).toBe(202);
  expect(
    (
      await call('POST', '/v1/me/login', {
        headers: pc,
        body: { tenant: tenant.id, email: 'nobody.log@example.com' },
      })
    ).status,
  ).toBe(202);
  secrets.add('nobody.log@example.com');
  // A known person whose mail server refuses the sign-in mail (see recordingMailer).
  expect(
    (await api('PUT', '/v1/subjects/crm-rejected', { email: 'rejected.log@example.com' })).status,
  ).toBeLessThan(300);
  expect(
    (
      await call('POST', '/v1/me/login', {
        headers: pc,
        body: { tenant: tenant.id, email: 'rejected.log@example.com' },
      })
    ).status,
  ).toBe(202);
  secrets.add('rejected.log@example.com');
  const signInToken = tokenIn(await f.mailTo(anna.email, 2), /#token=([A-Za-z0-9_-]{43})/);
  secrets.add(signInToken);
  const session = await call('POST', '/v1/me/session', {
    headers: pc,
    body: { token: signInToken },
  });
  expect(session.status).toBe(200);
  const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0];
  const csrf = (json(session) as { csrfToken: string }).csrfToken;
  secrets.add(cookie.split('=')[1], csrf);
  // The same token again: refused (401), and the refusal must not log it either.
  expect(
    (await call('POST', '/v1/me/session', { headers: pc, body: { token: signInToken } })).status,
  ).toBe(401);
  const me = (method: string, url: string, body?: unknown) =>
    call(method, url, { body, headers: { ...pc, cookie, 'x-csrf-token': csrf } });
  expect((await me('GET', '/v1/me')).status).toBe(200);
  expect((await me('PUT', '/v1/me/consents', { decisions: { analytics: true } })).status).toBe(200);
  expect(
    (
      await me('PATCH', '/v1/me/profile', {
        email: 'anna.new@example.com',
        phone: '+31 6 8765 4321',
      })
    ).status,
  ).toBe(200);
  secrets.add('anna.new@example.com', '+31 6 8765 4321', '+31687654321', '687654321');
  expect((await me('POST', '/v1/me/export', { format: 'json' })).status).toBe(200);
  expect((await me('POST', '/v1/me/export', { format: 'csv' })).status).toBe(200);

  // A preference-center link and a one-click unsubscribe (RFC 8058).
  const prefs = json(await api('POST', '/v1/subjects/crm-anna/links', { kind: 'preferences' }));
  secrets.add(tokenIn(prefs.url, /#token=([A-Za-z0-9_-]{43})/));
  const unsub = json(
    await api('POST', '/v1/subjects/crm-anna/links', {
      kind: 'unsubscribe',
      purpose: 'newsletter',
      channel: 'email',
    }),
  );
  const unsubToken = tokenIn(unsub.url, /\/u\/([A-Za-z0-9_-]{43})/);
  secrets.add(unsubToken);
  expect((await call('GET', `/u/${unsubToken}`)).status).toBe(200);
  const oneClick = await fetch(`${base}/u/${unsubToken}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(oneClick.status).toBe(200);

  // Webhooks: a receiver that fails once, then takes the events.
  const receiver = await startReceiver();
  try {
    const hook = await api('POST', '/v1/webhooks', {
      url: `${receiver.url}?contact=anna.log@example.com`,
    });
    expect(hook.status).toBe(201);
    secrets.add((json(hook) as { secret: string }).secret);
    // A webhook starts at the feed's end: this change is its first event.
    expect(
      (await api('POST', '/v1/subjects/crm-anna/consents', { decisions: { analytics: false } }))
        .status,
    ).toBe(201);
    await f.deliverWebhooks();
    expect(receiver.calls()).toBeGreaterThan(0);
  } finally {
    await receiver.close();
  }

  // Requests by a tool: access, then erasure of the person known by an e-mail id.
  const access = json(await api('POST', '/v1/requests', { subject: 'crm-anna', type: 'access' }));
  expect((await api('GET', `/v1/requests/${access.id}/export?format=csv`)).status).toBe(200);
  expect(
    (
      await api('POST', '/v1/requests', {
        subject: 'bram.log@example.com',
        type: 'erasure',
        scope: { all: true },
      })
    ).status,
  ).toBe(201);
  expect((await api('GET', '/v1/audience?purpose=newsletter&channel=email')).status).toBe(200);

  // Errors with personal data and credentials in the body, the path, the query and the headers.
  const errors = [
    await call('POST', '/v1/me/login', {
      headers: pc,
      body: { tenant: tenant.id, email: 'not valid anna.log@example.com' },
    }),
    await call('POST', '/v1/me/login', {
      headers: pc,
      raw: '{"tenant":"' + tenant.id + '","email":"anna.log@example.com"',
    }),
    await api('PUT', '/v1/subjects/crm-x', {
      email: 'broken@@example.com',
      phone: '+31 6 1234 5678 ext',
    }),
    await api('GET', `/v1/subjects/${encodeURIComponent('unknown.log@example.com')}`),
    await api(
      'GET',
      `/v1/check?subject=${encodeURIComponent('anna.log@example.com')}&purpose=nope&channel=email`,
    ),
    await call(
      'GET',
      `/v1/nothing/here/anna.log@example.com?phone=${encodeURIComponent('+31612345678')}`,
    ),
    await call('GET', '/v1/keys', { token: `${secretKey}x` }),
    await call('GET', `/v1/consents/${visitorId}?key=${publicKey}x`),
    await call('POST', '/v1/me/session', { headers: pc, body: { token: 'A'.repeat(43) } }),
    await call('GET', '/v1/me', { headers: { cookie: `${cookie}x` } }),
    await call('PUT', '/v1/me/consents', {
      headers: { ...pc, cookie },
      body: { decisions: { analytics: true } },
    }),
  ];
  secrets.add('broken@@example.com', 'unknown.log@example.com', `${secretKey}x`);
  errors.forEach((error, i) => expect(error.status, `error #${i}`).toBeGreaterThanOrEqual(400));
  expect(errors.every((e) => e.status < 500)).toBe(true);

  // Finally everything of the signed-in person, which ends the session.
  expect((await me('POST', '/v1/me/erasure', { all: true })).status).toBe(200);
}

/** The mails a mailer was asked to send; the one address that is refused throws the way SMTP servers answer. */
function recordingMailer(): MailTransport & { sent: Mail[]; refused: Mail[] } {
  const sent: Mail[] = [];
  const refused: Mail[] = [];
  return {
    sent,
    refused,
    async send(mail) {
      if (mail.to === 'rejected.log@example.com') {
        refused.push(mail);
        // Some servers quote the message back; the error then holds the link and its token.
        throw new Error(
          `550 5.1.1 <${mail.to}>: Recipient address rejected; message was: ${mail.text}`,
        );
      }
      sent.push(mail);
    },
  };
}

async function waitFor<T>(
  read: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('no personal data or credentials in the logs of the end-to-end flows', () => {
  it('scrubText masks link tokens, session and CSRF tokens and whole whsec_ secrets in free text', () => {
    const link = `https://cmp.example/p/ten_8mE6wZkHWnppm4eHikDCxw#token=${crypto.randomBytes(32).toString('base64url')}`;
    expect(scrubText(`see ${link}`)).toBe(
      'see https://cmp.example/p/ten_8mE6wZkHWnppm4eHikDCxw#token=[token]',
    );
    expect(scrubText(`csrf ${crypto.randomBytes(24).toString('base64url')}`)).toBe('csrf [token]');
    expect(scrubText('secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw+/=abc')).toBe(
      'secret whsec_[redacted]',
    );
    // Ids stay readable: they are not secrets and say what went wrong.
    expect(scrubText('subject sub_AbCdEfGhIjKlMnOpQrStUv not found')).toBe(
      'subject sub_AbCdEfGhIjKlMnOpQrStUv not found',
    );
  });

  describe('an app served over HTTP with a debug logger writing into memory', () => {
    const lines: string[] = [];
    const secrets = new Secrets();
    let served: ServedApp;

    beforeAll(async () => {
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
          done();
        },
      });
      const mailer = recordingMailer();
      served = await serveTestApp({ logger: createLogger('debug', stream), mailer });
      await runFlows({
        base: served.url,
        secrets,
        mailTo: (to, count) =>
          waitFor(() => mailer.sent.filter((m) => m.to === to)[count - 1]?.text, `mail #${count}`),
        deliverWebhooks: async () => {
          await runDueDeliveries(served.t.ctx);
          // The first attempt failed; make the retry due and send again.
          await served.t.ctx.db
            .updateTable('webhook_deliveries')
            .set({ next_attempt_at: '1970-01-01T00:00:00.000Z' })
            .where('status', '=', 'pending')
            .execute();
          await runDueDeliveries(served.t.ctx);
        },
      });
      // The refused sign-in mail is logged by the mail worker, after the answer: wait for it.
      await waitFor(
        () => lines.find((line) => line.includes('mail could not be sent')),
        'the mailer error line',
      );
      for (const mail of mailer.refused)
        secrets.add(tokenIn(mail.text, /#token=([A-Za-z0-9_-]{43})/));
    }, 120_000);
    afterAll(async () => served?.close());

    it('logged the flows: a line per request with route and status, and the mailer failure', () => {
      const requests = lines
        .map((line) => JSON.parse(line) as { msg: string; route?: string; status?: number })
        .filter((l) => l.msg === 'request');
      expect(requests.length).toBeGreaterThan(40);
      expect(requests.some((l) => l.route === '/v1/subjects/:externalId' && l.status === 404)).toBe(
        true,
      );
      expect(requests.some((l) => l.status === 401)).toBe(true);
    });

    it('contains none of the e-mail addresses, phone numbers, tokens, keys or visitor ids', () => {
      expect(secrets.values.size).toBeGreaterThan(25);
      expect(secrets.foundIn(lines.join('\n'))).toEqual([]);
    });

    it('contains no IP address, no cookie and no request or response body', () => {
      const log = lines.join('\n');
      expect(log).not.toMatch(/\b127\.0\.0\.1\b|::ffff:/);
      expect(log).not.toMatch(/akkoord_pc=|akkoord_session=|set-cookie|"body"|"headers"/i);
      expect(log).not.toMatch(/[^\s@"]+@[^\s@"]+\.[a-z]{2,}/i);
    });
  });

  describe('the real server/main.ts process at LOG_LEVEL=debug', () => {
    const secrets = new Secrets();
    let server: ServerProcess;
    let dir: string;
    let output = '';

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-log-capture-'));
      server = await startServerProcess({
        DATABASE_URL: `sqlite:${path.join(dir, 'akkoord.db')}`,
        AKKOORD_SECRET: TEST_SECRET,
        AKKOORD_ADMIN_TOKEN: ADMIN_TOKEN,
        LOG_LEVEL: 'debug',
        AKKOORD_WEBHOOK_ALLOW_PRIVATE: 'true',
        AKKOORD_RATE_LIMITS: '',
      });
      const outbox = async (to: string, count: number) => {
        const response = await fetch(`${server.url}/dev/outbox`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        const { mails } = (await response.json()) as { mails: Array<{ to: string; text: string }> };
        return mails.filter((m) => m.to === to).reverse()[count - 1]?.text;
      };
      await runFlows({
        base: server.url,
        secrets,
        mailTo: (to, count) => waitFor(() => outbox(to, count), `mail #${count} in /dev/outbox`),
        // The worker in the process retries after ~30 s: the first, failed attempt is enough here.
        deliverWebhooks: () => new Promise((resolve) => setTimeout(resolve, 2500)),
      });
      await server.kill('SIGTERM');
      output = server.output();
    }, 120_000);
    afterAll(async () => {
      await server?.kill('SIGKILL');
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('wrote JSON log lines at debug level and shut down cleanly', () => {
      expect(output).toContain('"msg":"request"');
      expect(output).toContain('"msg":"shutting down"');
    });

    it("stdout and stderr contain none of the flows' e-mail addresses, phone numbers, tokens, keys or visitor ids", () => {
      expect(secrets.values.size).toBeGreaterThan(25);
      expect(secrets.foundIn(output)).toEqual([]);
      const logLines = output.split('\n').filter((line) => line.startsWith('{'));
      expect(logLines.join('\n')).not.toMatch(/\b127\.0\.0\.1\b|[^\s@"]+@[^\s@"]+\.[a-z]{2,}/i);
    });
  });
});
