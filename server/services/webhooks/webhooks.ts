// Registering webhooks (docs/webhooks.md): each gets a Standard Webhooks secret, shown
// once and kept encrypted (GDPR Art. 32), and starts at the feed's current end.
// Deleting one keeps its delivery log (Art. 19: proof that recipients were told).
import crypto from 'node:crypto';
import type { FeedEventType } from '../../../shared/schemas/feed.js';
import type { CreateWebhookBody } from '../../../shared/schemas/webhooks.js';
import type { AppContext } from '../../context.js';
import { notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import { appendAudit } from '../registers/audit.js';
import { readFeedHead } from '../feed/feed-watch.js';
import { assertWebhookTarget } from './webhook-target.js';

export interface WebhookView {
  id: string;
  url: string;
  types: FeedEventType[];
  createdAt: string;
  paused: boolean;
}

export async function createWebhook(
  ctx: AppContext,
  tenantId: string,
  input: CreateWebhookBody,
  actor: string,
): Promise<WebhookView & { secret: string }> {
  await assertWebhookTarget(input.url, ctx.config.webhookAllowPrivate);
  const at = ctx.clock.now().toISOString();
  const id = newId('wh');
  // The Standard Webhooks format: whsec_ and the base64 of the HMAC key.
  const secret = `whsec_${crypto.randomBytes(32).toString('base64')}`;
  const types = [...new Set(input.types)];
  await ctx.db.transaction().execute(async (trx) => {
    const head = await readFeedHead(trx, tenantId);
    await trx
      .insertInto('webhooks')
      .values({
        id,
        tenant_id: tenantId,
        url: input.url,
        types: JSON.stringify(types),
        secret_enc: ctx.keyring.encrypt(secret),
        created_at: at,
        disabled_at: null,
        feed_cursor: head,
        paused_at: null,
      })
      .execute();
    // The URL may name a person's server; the audit keeps only its origin.
    await appendAudit(
      trx,
      tenantId,
      {
        actor,
        action: 'webhook.created',
        target: id,
        details: { origin: new URL(input.url).origin, types },
      },
      at,
    );
  });
  return { id, url: input.url, types, createdAt: at, paused: false, secret };
}

export async function listWebhooks(ctx: AppContext, tenantId: string): Promise<WebhookView[]> {
  const rows = await ctx.db
    .selectFrom('webhooks')
    .select(['id', 'url', 'types', 'created_at', 'paused_at'])
    .where('tenant_id', '=', tenantId)
    .where('disabled_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    url: r.url,
    types: JSON.parse(r.types) as FeedEventType[],
    createdAt: r.created_at,
    paused: r.paused_at !== null,
  }));
}

/** An active webhook of this tenant; another tenant's id is 404 like an unknown one. */
export async function requireWebhook(
  ctx: AppContext,
  tenantId: string,
  id: string,
  includeDeleted = false,
) {
  let query = ctx.db
    .selectFrom('webhooks')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id);
  if (!includeDeleted) query = query.where('disabled_at', 'is', null);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('webhook');
  return row;
}

export async function deleteWebhook(
  ctx: AppContext,
  tenantId: string,
  id: string,
  actor: string,
): Promise<void> {
  await requireWebhook(ctx, tenantId, id);
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('webhooks').set({ disabled_at: at }).where('id', '=', id).execute();
    // Nothing more goes out to a deleted receiver; the log shows what never arrived.
    await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'failed' })
      .where('webhook_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    await appendAudit(trx, tenantId, { actor, action: 'webhook.deleted', target: id }, at);
  });
}

export async function listDeliveries(
  ctx: AppContext,
  tenantId: string,
  webhookId: string,
  query: { status?: 'pending' | 'delivered' | 'failed'; limit: number; before?: number },
) {
  // Deleted webhooks keep their log: it is the record that recipients were told (Art. 19).
  await requireWebhook(ctx, tenantId, webhookId, true);
  let q = ctx.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('webhook_id', '=', webhookId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.before !== undefined) q = q.where('event_seq', '<', query.before);
  const rows = await q.orderBy('event_seq', 'desc').limit(query.limit).execute();
  const attempts =
    rows.length === 0
      ? []
      : await ctx.db
          .selectFrom('delivery_attempts')
          .selectAll()
          .where(
            'delivery_id',
            'in',
            rows.map((r) => r.id),
          )
          .orderBy('attempt')
          .execute();
  return {
    deliveries: rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      eventType: (JSON.parse(r.payload) as { type: string }).type,
      status: r.status,
      attemptCount: r.attempts,
      lastStatusCode: r.last_status_code,
      nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
      createdAt: r.created_at,
      deliveredAt: r.delivered_at,
      attempts: attempts
        .filter((a) => a.delivery_id === r.id)
        .map((a) => ({
          attempt: a.attempt,
          attemptedAt: a.attempted_at,
          statusCode: a.status_code,
          error: a.error,
        })),
    })),
    next: rows.length === query.limit ? String(rows[rows.length - 1].event_seq) : null,
  };
}
