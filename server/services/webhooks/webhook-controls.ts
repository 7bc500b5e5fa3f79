// Operating a webhook while it runs: pause it (deliveries wait, pending, and go out
// on resume, in order) and send one delivery again (the same webhook-id, so a receiver
// that already has it can tell). Both are audited.
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { appendAudit } from '../registers/audit.js';
import { listWebhooks, requireWebhook, type WebhookView } from './webhooks.js';

export async function setWebhookPaused(
  ctx: AppContext,
  tenantId: string,
  id: string,
  paused: boolean,
  actor: string,
): Promise<WebhookView> {
  const hook = await requireWebhook(ctx, tenantId, id);
  const at = ctx.clock.now().toISOString();
  if ((hook.paused_at !== null) !== paused) {
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('webhooks')
        .set({ paused_at: paused ? at : null })
        .where('id', '=', id)
        .where('tenant_id', '=', tenantId)
        .execute();
      await appendAudit(
        trx,
        tenantId,
        { actor, action: paused ? 'webhook.paused' : 'webhook.resumed', target: id },
        at,
      );
    });
  }
  return (await listWebhooks(ctx, tenantId)).find((w) => w.id === id)!;
}

/**
 * Queues a delivered or failed delivery for one more attempt now. Its 24-hour retry window
 * counts from when it was first made, so an old one gets this one attempt, not a day of them.
 */
export async function redeliver(
  ctx: AppContext,
  tenantId: string,
  webhookId: string,
  deliveryId: string,
  actor: string,
): Promise<void> {
  await requireWebhook(ctx, tenantId, webhookId);
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const delivery = await trx
      .selectFrom('webhook_deliveries')
      .select(['id', 'status'])
      .where('tenant_id', '=', tenantId)
      .where('webhook_id', '=', webhookId)
      .where('id', '=', deliveryId)
      .executeTakeFirst();
    if (!delivery) throw notFound('delivery');
    if (delivery.status === 'pending')
      throw new ApiError(
        409,
        'CONFLICT',
        'This delivery is still pending: it is sent (or retried) anyway',
      );
    await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', next_attempt_at: at, delivered_at: null })
      .where('id', '=', deliveryId)
      .execute();
    await appendAudit(
      trx,
      tenantId,
      { actor, action: 'webhook.redelivery_requested', target: deliveryId, details: { webhookId } },
      at,
    );
  });
}
