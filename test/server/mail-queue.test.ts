// Mail leaves through a durable queue in the database, never inside an API answer:
// a stalled SMTP server (accepts, never answers DATA) delays no answer, and the mail
// goes out once the server recovers; failures retry with backoff and end dead after
// the last attempt; two servers on one database send each mail once. Real SMTP
// (smtp-server in this process), real databases.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext } from '../../server/app.js';
import { createSmtpMailer, type SmtpMailer } from '../../server/mail/smtp.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { dialects } from '../helpers/db.js';
import { PC_ORIGIN } from '../helpers/me.js';

type Mode = 'answer' | 'stall' | 'reject';

/** An SMTP server whose answer to DATA can be switched: answer, stall (never answer) or reject (451). */
async function startSmtp() {
  const state = { mode: 'answer' as Mode, accepted: [] as string[], stalledMessages: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (state.mode === 'stall') {
          state.stalledMessages += 1;
          return; // never answers: the client waits until it gives up
        }
        if (state.mode === 'reject')
          return callback(
            Object.assign(
              new Error(`temporary failure for ${session.envelope.rcptTo[0]?.address}`),
              { responseCode: 451 },
            ),
          );
        for (const rcpt of session.envelope.rcptTo) state.accepted.push(rcpt.address);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    state,
    url: `smtp://127.0.0.1:${port}?from=privacy@shop.example`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const until = async (check: () => Promise<boolean> | boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe.each(dialects)('the mail queue on %s', (dialect) => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let transport: SmtpMailer;
  let t: TestApp;
  let tenant: TestTenant;

  beforeEach(async () => {
    smtp = await startSmtp();
    // The queue's limit on a send (1.5 s) is the one that acts; the transport's own is longer.
    transport = createSmtpMailer(smtp.url, 'http://127.0.0.1:8080', { timeoutMs: 10_000 });
    t = await startTestApp(dialect, {
      mailer: transport,
      mailQueue: { timeoutMs: 1500, retryBaseMs: 150, retryMaxMs: 300, maxAttempts: 4 },
    });
    tenant = await createTestTenant(t);
    expect(
      (
        await t.call('PUT', '/v1/subjects/crm-1', {
          token: tenant.secretKey,
          body: { email: 'anna@example.com' },
        })
      ).status,
    ).toBeLessThan(300);
  });
  afterEach(async () => {
    await t.close();
    transport.close();
    await smtp.close();
  });

  const outbox = () =>
    t.ctx.db.selectFrom('outbox').select(['status', 'attempts', 'last_error']).execute();

  it('MAIL-08: a stalled SMTP server delays no answer: a double opt-in capture answers at once with pending; the mail goes out once SMTP recovers', async () => {
    smtp.state.mode = 'stall';
    const started = Date.now();
    const captured = await t.call('POST', '/v1/subjects/crm-1/consents', {
      token: tenant.secretKey,
      body: { decisions: { newsletter: { email: true } }, doubleOptIn: true, locale: 'en' },
    });
    const login = await t.call('POST', '/v1/me/login', {
      body: { tenant: tenant.tenantId, email: 'anna@example.com' },
      headers: { origin: PC_ORIGIN },
    });
    const tookMs = Date.now() - started;
    expect(captured.status).toBe(201);
    expect((await captured.json()).state.newsletter).toEqual({ email: 'pending' });
    expect(login.status).toBe(202);
    // A stalled send lasts until the 1.5 s timeout; neither answer waited on one.
    expect(tookMs).toBeLessThan(1500);

    // The server is reached and holds the message without answering; attempts time out and are retried.
    await until(
      async () =>
        smtp.state.stalledMessages >= 1 && (await outbox()).some((row) => row.attempts >= 1),
    );
    expect(smtp.state.accepted).toEqual([]);
    expect((await outbox()).every((row) => row.status === 'pending')).toBe(true);
    expect((await outbox()).map((row) => row.last_error)).toContain('timeout');

    smtp.state.mode = 'answer';
    await until(async () => (await outbox()).every((row) => row.status === 'sent'), 15_000);
    // Both mails, each exactly once.
    expect(smtp.state.accepted).toEqual(['anna@example.com', 'anna@example.com']);
    const metrics = await (await t.call('GET', '/metrics')).text();
    expect(metrics).toMatch(/akkoord_mail_queue\{status="sent"\} 2/);
    expect(metrics).toMatch(/akkoord_mail_queue\{status="pending"\} 0/);
    expect(metrics).toMatch(/akkoord_mail_sent_total 2/);
    expect(metrics).toMatch(/akkoord_mail_failed_attempts_total [1-9]/);
  });

  it("retries a failing server with backoff and marks the mail dead after the last attempt, without the server's text", async () => {
    smtp.state.mode = 'reject';
    const before = Date.now();
    await t.call('POST', '/v1/me/login', {
      body: { tenant: tenant.tenantId, email: 'anna@example.com' },
      headers: { origin: PC_ORIGIN },
    });
    await until(async () => (await outbox()).some((row) => row.status === 'dead'), 15_000);
    const elapsed = Date.now() - before;
    expect(await outbox()).toEqual([{ status: 'dead', attempts: 4, last_error: 'EMESSAGE 451' }]);
    // Three waits between four attempts, each at least 80 % of 150, 300, 300 ms.
    expect(elapsed).toBeGreaterThanOrEqual(0.8 * (150 + 300 + 300));
    expect(smtp.state.accepted).toEqual([]);
    const metrics = await (await t.call('GET', '/metrics')).text();
    expect(metrics).toMatch(/akkoord_mail_queue\{status="dead"\} 1/);
    expect(metrics).toMatch(/akkoord_mail_dead_total 1/);
    expect(metrics).toMatch(/akkoord_mail_failed_attempts_total 4/);
    // A dead mail stays dead when the server recovers.
    smtp.state.mode = 'answer';
    await t.ctx.mailQueue.drain();
    expect(smtp.state.accepted).toEqual([]);
  });

  it('stopping the worker does not wait for a stalled send: the mail stays due, no attempt counted, for the next worker', async () => {
    smtp.state.mode = 'stall';
    await t.ctx.mailer.send({ to: 'anna@example.com', subject: 'hello', text: 'hello' });
    await until(() => smtp.state.stalledMessages === 1);
    const started = Date.now();
    await t.ctx.mailQueue.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await outbox()).toEqual([{ status: 'pending', attempts: 0, last_error: null }]);
    smtp.state.mode = 'answer';
    await t.ctx.mailQueue.drain();
    expect(smtp.state.accepted).toEqual(['anna@example.com']);
  });

  it("queues in the caller's transaction: a mail queued in a rolled-back transaction is never sent", async () => {
    await expect(
      t.ctx.db.transaction().execute(async (trx) => {
        await t.ctx.mailer.send({ to: 'ghost@example.com', subject: 'never', text: 'never' }, trx);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await t.ctx.db.transaction().execute(async (trx) => {
      await t.ctx.mailer.send({ to: 'kept@example.com', subject: 'kept', text: 'kept' }, trx);
    });
    await until(async () => smtp.state.accepted.length === 1);
    await t.ctx.mailQueue.drain();
    expect(smtp.state.accepted).toEqual(['kept@example.com']);
  });

  it('two servers on one database send each queued mail once', async () => {
    await t.ctx.mailQueue.stop();
    const other = createContext({
      db: t.testStore.store,
      config: t.config,
      mailer: transport,
      logger: t.ctx.logger,
      mailQueue: { intervalMs: 10, timeoutMs: 2000 },
    });
    for (let i = 0; i < 30; i++)
      await t.ctx.mailer.send({ to: `person${i}@example.com`, subject: 'hello', text: 'hello' });
    t.ctx.mailQueue.start();
    other.mailQueue.start();
    try {
      await until(async () => (await outbox()).every((row) => row.status === 'sent'), 20_000);
    } finally {
      await other.mailQueue.stop();
    }
    expect(smtp.state.accepted).toHaveLength(30);
    expect(new Set(smtp.state.accepted).size).toBe(30);
  });
});
