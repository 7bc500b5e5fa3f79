// Webhooks for marketing tools (docs/webhooks.md): register a URL for event types,
// list, pause and delete them, read each delivery's attempts with time and status,
// and send one delivery again.
import * as v from 'valibot';
import { Hono } from 'hono';
import {
  CreatedWebhookResponse,
  CreateWebhookBody,
  DeliveriesQuery,
  DeliveryListResponse,
  DeliveryParams,
  UpdateWebhookBody,
  WebhookIdParams,
  WebhookListResponse,
  WebhookResponse,
} from '../../shared/schemas/webhooks.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { redeliver, setWebhookPaused } from '../services/webhooks/webhook-controls.js';
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
} from '../services/webhooks/webhooks.js';
import { validate } from '../validate.js';

export function webhookRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .use('/v1/webhooks', requireScope(ctx, 'feed:read'))
    .use('/v1/webhooks/*', requireScope(ctx, 'feed:read'))
    .post(
      '/v1/webhooks',
      describe({
        tag: 'Marketing tools',
        auth: { scopes: ['feed:read'] },
        body: CreateWebhookBody,
        summary: 'Register a receiver for feed events (Standard Webhooks)',
        description:
          'Every feed event after registration whose type is listed (all consent and subject events when `types` is empty; ' +
          '`breach.deadline_near` only when listed) is POSTed as ' +
          '{ "type", "timestamp", "data": <feed event> } with the webhook-id, webhook-timestamp and webhook-signature headers of the ' +
          'Standard Webhooks spec; verify them with the returned secret. Any 2xx acknowledges; anything else (also a redirect or a ' +
          '10 s timeout) is retried with exponential backoff and jitter (30 s, 2 min, 8 min, 32 min, 2 h, then every 6 h) for at ' +
          'least 24 hours with the same webhook-id, then the delivery is failed. Only http(s) URLs whose host is a public address: ' +
          'loopback, private and link-local addresses are refused here and again before each delivery (unless the operator sets AKKOORD_WEBHOOK_ALLOW_PRIVATE=true).',
        responses: {
          201: {
            description: 'Registered; the secret is shown once',
            schema: CreatedWebhookResponse,
          },
          422: 'WEBHOOK_URL_NOT_ALLOWED: the host is not a public address or does not resolve',
        },
      }),
      validate('json', CreateWebhookBody),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        return c.json(await createWebhook(ctx, tenantId, c.req.valid('json'), keyId), 201);
      },
    )
    .get(
      '/v1/webhooks',
      describe({
        tag: 'Marketing tools',
        auth: { scopes: ['feed:read'] },
        summary: 'List the registered webhooks, without secrets',
        responses: { 200: { description: 'The webhooks', schema: WebhookListResponse } },
      }),
      async (c) => c.json({ webhooks: await listWebhooks(ctx, c.get('auth').tenantId) }),
    )
    .delete(
      '/v1/webhooks/:id',
      describe({
        tag: 'Marketing tools',
        auth: { scopes: ['feed:read'] },
        params: WebhookIdParams,
        summary: 'Stop a webhook; its pending deliveries are marked failed and its log is kept',
        responses: { 204: 'Deleted', 404: 'Unknown webhook' },
      }),
      validate('param', WebhookIdParams),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        await deleteWebhook(ctx, tenantId, c.req.valid('param').id, keyId);
        return c.body(null, 204);
      },
    )
    .patch(
      '/v1/webhooks/:id',
      describe({
        tag: 'Marketing tools',
        auth: { scopes: ['feed:read'] },
        params: WebhookIdParams,
        body: UpdateWebhookBody,
        summary: 'Pause or resume a webhook',
        description:
          'While paused, new events still become deliveries but wait (pending, no attempts, no give-up); on resume they go out in order.',
        responses: {
          200: { description: 'The webhook', schema: WebhookResponse },
          404: 'Unknown webhook',
        },
      }),
      validate('param', WebhookIdParams),
      validate('json', UpdateWebhookBody),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        return c.json(
          await setWebhookPaused(
            ctx,
            tenantId,
            c.req.valid('param').id,
            c.req.valid('json').paused,
            keyId,
          ),
        );
      },
    )
    .post(
      '/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
      describe({
        tag: 'Marketing tools',
        auth: { scopes: ['feed:read'] },
        params: DeliveryParams,
        summary: 'Send a delivered or failed delivery once more, with the same webhook-id',
        description:
          'The attempt is made by the delivery worker at once; a delivery older than the 24-hour retry window gets this one attempt. 409 while it is still pending.',
        responses: {
          202: { description: 'Queued', schema: v.object({ queued: v.literal(true) }) },
          404: 'Unknown webhook or delivery',
          409: 'Still pending',
        },
      }),
      validate('param', DeliveryParams),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        const { id, deliveryId } = c.req.valid('param');
        await redeliver(ctx, tenantId, id, deliveryId, keyId);
        return c.json({ queued: true }, 202);
      },
    )
    .get(
      '/v1/webhooks/:id/deliveries',
      describe({
        tag: 'Marketing tools',
        auth: { scopes: ['feed:read'] },
        params: WebhookIdParams,
        query: DeliveriesQuery,
        summary:
          "Deliveries of a webhook, newest first, with each attempt's time and response status",
        description:
          'Each attempt resolves the host once and connects only to an address that passed the public-address check; ' +
          'redirects are not followed (a 3xx is a failed attempt). A refused target is recorded as error "blocked" and nothing else.',
        responses: {
          200: { description: 'The deliveries', schema: DeliveryListResponse },
          404: 'Unknown webhook',
        },
      }),
      validate('param', WebhookIdParams),
      validate('query', DeliveriesQuery),
      async (c) => {
        return c.json(
          await listDeliveries(
            ctx,
            c.get('auth').tenantId,
            c.req.valid('param').id,
            c.req.valid('query'),
          ),
        );
      },
    );
}
