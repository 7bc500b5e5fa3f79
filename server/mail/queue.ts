// The mail queue. `send` only writes the mail, encrypted, into the outbox table (in the
// caller's transaction when given one), so no API answer ever waits on a mail server.
// A worker in each server process sends due mails with a timeout, retries failures
// with exponential backoff and jitter, and after the last attempt marks the mail dead.
// Processes share one database: a mail is sent by the process that claimed it (a
// compare-and-set on its due time), so two servers never both send it. Without a
// mail server configured (no SMTP_URL) mails are `kept` in the outbox, for /dev/outbox.
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database, OutboxTable } from '../db/database.js';
import { newId } from '../ids.js';
import type { Keyring } from '../keyring.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Mail, Mailer, MailTransport } from './mailer.js';

export interface MailQueueOptions {
  /** How often the worker looks for due mail when nothing wakes it. */
  intervalMs?: number;
  /** The longest one send may take before it counts as failed. */
  timeoutMs?: number;
  /** Attempts before a mail is dead. */
  maxAttempts?: number;
  /** The first retry's delay; each further one doubles, up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

const DEFAULTS: Required<MailQueueOptions> = {
  intervalMs: 1000,
  timeoutMs: 30_000,
  maxAttempts: 10,
  retryBaseMs: 30_000,
  retryMaxMs: 60 * 60_000,
};
const BATCH = 20;

interface QueueDeps {
  /**
   * Whether this deployment sends mail (SMTP_URL set, or a transport given). A process
   * without a transport of its own (the akkoord command) still queues mail as pending
   * then, for the servers' workers.
   */
  sendsMail: boolean;
  db: Kysely<Database>;
  keyring: Keyring;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}

export interface PassResult {
  attempted: number;
  sent: number;
  failed: number;
  dead: number;
}

export interface MailQueue {
  /** The `ctx.mailer` callers use: it queues. */
  readonly mailer: Mailer;
  /** Where mails go; null when they are only kept. */
  readonly transport: MailTransport | null;
  /** One pass: sends every mail due now. */
  runDue(): Promise<PassResult>;
  /** Starts the background worker (once per process; a no-op without a transport). */
  start(): void;
  /** Stops the worker; a send in progress is abandoned and its mail left due for the next worker. */
  stop(): Promise<void>;
  /** Looks for due mail now, e.g. after a transaction that queued some committed. */
  wake(): void;
  /** Sends until no mail is due now; for tests and shutdown. */
  drain(timeoutMs?: number): Promise<void>;
}

/** 30 s, 1 min, 2 min, ... up to an hour, ±20 % jitter so a recovered server is not hit in one wave. */
export function mailRetryDelayMs(
  attempt: number,
  options: Pick<Required<MailQueueOptions>, 'retryBaseMs' | 'retryMaxMs'>,
  random = Math.random,
): number {
  const base = Math.min(options.retryBaseMs * 2 ** (attempt - 1), options.retryMaxMs);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** A short cause for the log and the row: an error code or SMTP status, never the server's text (it may quote the address). */
function failureCode(error: unknown): string {
  const err = error as { name?: string; code?: unknown; responseCode?: unknown };
  if (err.name === 'TimeoutError') return 'timeout';
  const code = typeof err.code === 'string' ? err.code : null;
  const response = typeof err.responseCode === 'number' ? String(err.responseCode) : null;
  return [code, response].filter(Boolean).join(' ') || 'error';
}

/** Runs `send` until it settles, the timeout passes or `stopping` fires, whichever is first. */
function withTimeout(
  send: (signal: AbortSignal) => Promise<void>,
  timeoutMs: number,
  stopping: AbortSignal,
): Promise<void> {
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), stopping]);
  // Raced too, for a transport that ignores the signal.
  const aborted = new Promise<never>((_, reject) => {
    const fail = () =>
      reject(
        stopping.aborted
          ? new Error('mail worker stopping')
          : Object.assign(new Error('mail send timed out'), { name: 'TimeoutError' }),
      );
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
  return Promise.race([send(signal), aborted]);
}

type Row = Pick<
  OutboxTable,
  | 'id'
  | 'tenant_id'
  | 'subject_id'
  | 'to_enc'
  | 'subject'
  | 'body_enc'
  | 'attempts'
  | 'next_attempt_at'
>;

export function createMailQueue(
  deps: QueueDeps,
  transport: MailTransport | null,
  options: MailQueueOptions = {},
): MailQueue {
  const o = { ...DEFAULTS, ...options };
  // Another process leaves a claimed mail alone this long: longer than any send may take.
  const leaseMs = o.timeoutMs + 60_000;
  let stopped = true;
  // Fired by stop(): a send in progress is given up rather than waited for.
  let stopping = new AbortController();
  let timer: ReturnType<typeof setTimeout> | null = null;
  // Passes in this process run one after another, whether the timer, a wake-up or drain starts them.
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work, work);
    chain = next.catch(() => undefined);
    return next;
  };

  const mailer: Mailer = {
    async send(mail, db) {
      const now = deps.clock.now().toISOString();
      await (db ?? deps.db)
        .insertInto('outbox')
        .values({
          id: newId('mail'),
          tenant_id: mail.tenantId ?? null,
          subject_id: mail.subjectId ?? null,
          to_enc: deps.keyring.encrypt(mail.to),
          subject: mail.subject,
          body_enc: deps.keyring.encrypt(
            JSON.stringify({ text: mail.text, html: mail.html, headers: mail.headers ?? {} }),
          ),
          created_at: now,
          sent_at: null,
          status: deps.sendsMail ? 'pending' : 'kept',
          attempts: 0,
          next_attempt_at: deps.sendsMail ? now : null,
          last_error: null,
        })
        .execute();
      // Queued outside a transaction: visible now, so send it now rather than at the next tick.
      if (!db) wake();
    },
  };

  async function attempt(row: Row): Promise<'sent' | 'failed' | 'dead' | 'skipped'> {
    const started = deps.clock.now();
    const claim = await deps.db
      .updateTable('outbox')
      .set({ next_attempt_at: new Date(started.getTime() + leaseMs).toISOString() })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', row.next_attempt_at)
      .executeTakeFirst();
    if (Number(claim.numUpdatedRows) !== 1) return 'skipped';
    const body = JSON.parse(deps.keyring.decrypt(row.body_enc)) as {
      text: string;
      html?: string;
      headers?: Record<string, string>;
    };
    const mail: Mail = {
      to: deps.keyring.decrypt(row.to_enc),
      subject: row.subject,
      text: body.text,
      html: body.html,
      headers: body.headers,
      tenantId: row.tenant_id ?? undefined,
      subjectId: row.subject_id ?? undefined,
    };
    const attempts = row.attempts + 1;
    const stopSignal = stopping.signal;
    try {
      await withTimeout((signal) => transport!.send(mail, signal), o.timeoutMs, stopSignal);
    } catch (error) {
      if (stopSignal.aborted) {
        // Not the mail's fault: hand it back, due now, without counting an attempt.
        await deps.db
          .updateTable('outbox')
          .set({ next_attempt_at: deps.clock.now().toISOString() })
          .where('id', '=', row.id)
          .execute();
        return 'skipped';
      }
      const code = failureCode(error);
      const dead = attempts >= o.maxAttempts;
      const at = deps.clock.now();
      await deps.db
        .updateTable('outbox')
        .set({
          attempts,
          last_error: code,
          status: dead ? 'dead' : 'pending',
          next_attempt_at: dead
            ? null
            : new Date(at.getTime() + mailRetryDelayMs(attempts, o)).toISOString(),
        })
        .where('id', '=', row.id)
        .execute();
      deps.metrics.mailFailedAttempts.inc();
      if (dead) {
        deps.metrics.mailDead.inc();
        deps.logger.error(
          { mailId: row.id, attempts, error: code },
          'mail given up after its last attempt',
        );
      } else {
        deps.logger.warn(
          { mailId: row.id, attempt: attempts, error: code },
          'mail could not be sent; will retry',
        );
      }
      return dead ? 'dead' : 'failed';
    }
    await deps.db
      .updateTable('outbox')
      .set({
        attempts,
        status: 'sent',
        sent_at: deps.clock.now().toISOString(),
        next_attempt_at: null,
        last_error: null,
      })
      .where('id', '=', row.id)
      .execute();
    deps.metrics.mailSent.inc();
    return 'sent';
  }

  async function pass(): Promise<PassResult & { due: number }> {
    const result = { attempted: 0, sent: 0, failed: 0, dead: 0, due: 0 };
    if (!transport) return result;
    const due: Row[] = await deps.db
      .selectFrom('outbox')
      .select([
        'id',
        'tenant_id',
        'subject_id',
        'to_enc',
        'subject',
        'body_enc',
        'attempts',
        'next_attempt_at',
      ])
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', deps.clock.now().toISOString())
      .orderBy('next_attempt_at')
      .limit(BATCH)
      .execute();
    result.due = due.length;
    for (const row of due) {
      const outcome = await attempt(row);
      if (outcome === 'skipped') continue;
      result.attempted += 1;
      result[outcome] += 1;
    }
    return result;
  }

  const runDue = () => exclusive(pass).then(({ due: _due, ...result }) => result);

  function schedule(delayMs: number) {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, delayMs);
  }

  function tick() {
    timer = null;
    void exclusive(pass)
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'mail worker pass failed'))
      // A full batch means more may be due: go on at once.
      .then((result) => schedule(result && result.due >= BATCH ? 0 : o.intervalMs));
  }

  function wake() {
    if (!stopped && transport) schedule(0);
  }

  return {
    mailer,
    transport,
    runDue,
    wake,
    start() {
      if (!transport || !stopped) return;
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      stopping.abort();
      await chain;
      stopping = new AbortController();
    },
    async drain(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const result = await exclusive(pass);
        if (result.due === 0) return;
        if (Date.now() > deadline) throw new Error('the mail queue did not drain in time');
      }
    },
  };
}
