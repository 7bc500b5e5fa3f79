// Sends webhook deliveries (Standard Webhooks, see docs/webhooks.md): signed with the
// webhook's secret, `webhook-id` the same on every retry, a 2xx is the acknowledgement.
// Failures are retried with exponential backoff and jitter for at least 24 hours,
// then marked failed; every attempt is logged (GDPR Art. 19: recipients are told).
import { Webhook } from 'standardwebhooks';
import type { AppContext } from '../../context.js';
import type { Kysely } from 'kysely';
import type { Database, WebhookDeliveriesTable } from '../../db/database.js';
import { recordDisclosures } from '../registers/disclosures.js';
import { dispatchFeed } from './webhook-dispatch.js';
import { postToAddress } from './webhook-http.js';
import { checkWebhookTarget, systemResolver, type Resolver } from './webhook-target.js';

const HOUR_MS = 3_600_000;
/** Keep retrying until a failed attempt happens this long after the delivery was created. */
export const RETRY_WINDOW_MS = 24 * HOUR_MS;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 6 * HOUR_MS;
/** While one process sends, others leave the delivery alone for this long. */
const LEASE_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 10_000;
const PARALLEL = 8;

/** 30 s, 2 min, 8 min, 32 min, ~2 h, then every 6 h; ±20 % jitter so receivers are not hit in waves. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(FIRST_RETRY_MS * 4 ** (attempt - 1), MAX_RETRY_MS);
  return Math.round(base * (0.8 + 0.4 * random()));
}

type Due = Pick<
  WebhookDeliveriesTable,
  | 'id'
  | 'tenant_id'
  | 'webhook_id'
  | 'event_seq'
  | 'payload'
  | 'attempts'
  | 'next_attempt_at'
  | 'created_at'
> & { url: string; secret_enc: string };

export interface RunResult {
  dispatched: number;
  attempted: number;
  delivered: number;
  failed: number;
}

export interface RunOptions {
  limit?: number;
  /** How host names are resolved (once per attempt); tests pass a rebinding resolver. */
  resolve?: Resolver;
}

/** Dispatches new feed events, then sends every delivery that is due now. Tests call it directly. */
export async function runDueDeliveries(
  ctx: AppContext,
  options: RunOptions = {},
): Promise<RunResult> {
  const dispatched = await dispatchFeed(ctx);
  const now = ctx.clock.now().toISOString();
  const due: Due[] = await ctx.db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
    .select([
      'webhook_deliveries.id',
      'webhook_deliveries.tenant_id',
      'webhook_deliveries.webhook_id',
      'webhook_deliveries.event_seq',
      'webhook_deliveries.payload',
      'webhook_deliveries.attempts',
      'webhook_deliveries.next_attempt_at',
      'webhook_deliveries.created_at',
      'webhooks.url',
      'webhooks.secret_enc',
    ])
    .where('webhook_deliveries.status', '=', 'pending')
    .where('webhook_deliveries.next_attempt_at', '<=', now)
    .where('webhooks.disabled_at', 'is', null)
    // A paused webhook's deliveries wait as they are; they go out once it resumes.
    .where('webhooks.paused_at', 'is', null)
    .orderBy('webhook_deliveries.next_attempt_at')
    .orderBy('webhook_deliveries.event_seq')
    .limit(options.limit ?? 200)
    .execute();
  const result: RunResult = { dispatched, attempted: 0, delivered: 0, failed: 0 };
  let next = 0;
  const workers = Array.from({ length: Math.min(PARALLEL, due.length) }, async () => {
    while (next < due.length) {
      const outcome = await attemptDelivery(ctx, due[next++], options.resolve ?? systemResolver);
      if (outcome === 'skipped') continue;
      result.attempted += 1;
      if (outcome === 'delivered') result.delivered += 1;
      if (outcome === 'failed') result.failed += 1;
    }
  });
  await Promise.all(workers);
  return result;
}

async function attemptDelivery(
  ctx: AppContext,
  delivery: Due,
  resolve: Resolver,
): Promise<'delivered' | 'retry' | 'failed' | 'skipped'> {
  const startedAt = ctx.clock.now();
  // Claim it: only the process that moves next_attempt_at from the value it read sends it.
  const claim = await ctx.db
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: new Date(startedAt.getTime() + LEASE_MS).toISOString() })
    .where('id', '=', delivery.id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '=', delivery.next_attempt_at)
    .executeTakeFirst();
  if (Number(claim.numUpdatedRows) !== 1) return 'skipped';

  const { statusCode, error } = await send(ctx, delivery, resolve);
  const attempt = delivery.attempts + 1;
  const at = ctx.clock.now();
  const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
  const givingUp = !ok && at.getTime() - Date.parse(delivery.created_at) >= RETRY_WINDOW_MS;
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('delivery_attempts')
      .values({
        delivery_id: delivery.id,
        tenant_id: delivery.tenant_id,
        attempt,
        attempted_at: startedAt.toISOString(),
        status_code: statusCode,
        error,
      })
      .execute();
    await trx
      .updateTable('webhook_deliveries')
      .set({
        attempts: attempt,
        last_status_code: statusCode,
        status: ok ? 'delivered' : givingUp ? 'failed' : 'pending',
        delivered_at: ok ? at.toISOString() : null,
        next_attempt_at:
          ok || givingUp
            ? at.toISOString()
            : new Date(at.getTime() + retryDelayMs(attempt)).toISOString(),
      })
      .where('id', '=', delivery.id)
      .execute();
    if (ok) await logDelivery(trx, delivery, at.toISOString());
  });
  return ok ? 'delivered' : givingUp ? 'failed' : 'retry';
}

/** Art. 19: the person the event was about is noted as disclosed to this webhook (their id and consent state). */
async function logDelivery(trx: Kysely<Database>, delivery: Due, at: string) {
  const event = await trx
    .selectFrom('feed_events')
    .select('subject_id')
    .where('tenant_id', '=', delivery.tenant_id)
    .where('seq', '=', delivery.event_seq)
    .executeTakeFirst();
  if (!event?.subject_id) return;
  await recordDisclosures(
    trx,
    delivery.tenant_id,
    [
      {
        subjectId: event.subject_id,
        kind: 'webhook',
        recipientId: delivery.webhook_id,
        categories: ['external_id', 'consent'],
      },
    ],
    at,
  );
}

async function send(
  ctx: AppContext,
  delivery: Due,
  resolve: Resolver,
): Promise<{ statusCode: number | null; error: string | null }> {
  // The signature's timestamp is wall time, not ctx.clock: receivers compare it with
  // their own clock to refuse replays (Standard Webhooks allows five minutes).
  const signedAt = new Date();
  try {
    // Resolved and checked again before each attempt (the name may point elsewhere than at
    // registration), and the connection goes to the address checked here, not to a new lookup.
    const target = await checkWebhookTarget(delivery.url, ctx.config.webhookAllowPrivate, resolve);
    // A refused target is never contacted, so there is nothing of it to record but "blocked".
    if (target.problem) return { statusCode: null, error: target.problem };
    const signature = new Webhook(ctx.keyring.decrypt(delivery.secret_enc)).sign(
      delivery.id,
      signedAt,
      delivery.payload,
    );
    const statusCode = await postToAddress(new URL(delivery.url), target.addresses[0], {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Akkoord-Webhooks/1',
        'webhook-id': delivery.id,
        'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: delivery.payload,
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    return { statusCode, error: null };
  } catch (error) {
    return { statusCode: null, error: describeFailure(error) };
  }
}

/** A short cause without the URL or anything the receiver sent back. */
function describeFailure(error: unknown): string {
  const err = error as { name?: string; code?: string; cause?: { code?: string } };
  if (err.name === 'TimeoutError') return 'timeout';
  return String(err.code ?? err.cause?.code ?? err.name ?? 'error').slice(0, 60);
}

export interface WebhookWorker {
  stop(): Promise<void>;
}

/** The background loop main.ts starts: one pass every `intervalMs`, never two at once. */
export function startWebhookWorker(
  ctx: AppContext,
  options: { intervalMs?: number } & RunOptions = {},
): WebhookWorker {
  const intervalMs = options.intervalMs ?? 1000;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = runDueDeliveries(ctx, options)
      .then(() => undefined)
      .catch((error: unknown) => ctx.logger.warn({ err: error }, 'webhook worker pass failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
