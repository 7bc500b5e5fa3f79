// Webhooks for marketing tools (CONTRACT.md §9): register a URL for event types,
// list and delete them, and read each delivery's attempts with time and status.
import { Hono } from 'hono';
import {
  CreatedWebhookResponse, CreateWebhookBody, DeliveriesQuery, DeliveryListResponse, WebhookIdParams, WebhookListResponse,
} from '../../shared/schemas/webhooks.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import type { Operation } from '../openapi/operation.js';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks } from '../services/webhooks.js';
import { validate } from '../validate.js';

export const webhookOperations: Operation[] = [
  {
    method: 'post', path: '/v1/webhooks', tag: 'Marketing tools', auth: { scopes: ['feed:read'] }, body: CreateWebhookBody,
    summary: 'Register a receiver for feed events (Standard Webhooks)',
    description: 'Every feed event after registration whose type is listed (all when `types` is empty) is POSTed as '
      + '{ "type", "timestamp", "data": <feed event> } with the webhook-id, webhook-timestamp and webhook-signature headers of the '
      + 'Standard Webhooks spec; verify them with the returned secret. Any 2xx acknowledges; anything else (also a redirect or a '
      + '10 s timeout) is retried with exponential backoff and jitter (30 s, 2 min, 8 min, 32 min, 2 h, then every 6 h) for at '
      + 'least 24 hours with the same webhook-id, then the delivery is failed. Only http(s) URLs whose host is a public address: '
      + 'loopback, private and link-local addresses are refused here and again before each delivery (unless the operator sets AKKOORD_WEBHOOK_ALLOW_PRIVATE=true).',
    responses: { 201: { description: 'Registered; the secret is shown once', schema: CreatedWebhookResponse }, 422: 'WEBHOOK_URL_NOT_ALLOWED: the host is not a public address or does not resolve' },
  },
  {
    method: 'get', path: '/v1/webhooks', tag: 'Marketing tools', auth: { scopes: ['feed:read'] },
    summary: 'List the registered webhooks, without secrets', responses: { 200: { description: 'The webhooks', schema: WebhookListResponse } },
  },
  {
    method: 'delete', path: '/v1/webhooks/{id}', tag: 'Marketing tools', auth: { scopes: ['feed:read'] }, params: WebhookIdParams,
    summary: 'Stop a webhook; its pending deliveries are marked failed and its log is kept',
    responses: { 204: 'Deleted', 404: 'Unknown webhook' },
  },
  {
    method: 'get', path: '/v1/webhooks/{id}/deliveries', tag: 'Marketing tools', auth: { scopes: ['feed:read'] },
    params: WebhookIdParams, query: DeliveriesQuery,
    summary: 'Deliveries of a webhook, newest first, with each attempt\'s time and response status',
    responses: { 200: { description: 'The deliveries', schema: DeliveryListResponse }, 404: 'Unknown webhook' },
  },
];

export function webhookRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .use('/v1/webhooks', requireScope(ctx, 'feed:read'))
    .use('/v1/webhooks/*', requireScope(ctx, 'feed:read'))
    .post('/v1/webhooks', validate('json', CreateWebhookBody), async (c) => {
      const { tenantId, keyId } = c.get('auth');
      return c.json(await createWebhook(ctx, tenantId, c.req.valid('json'), keyId), 201);
    })
    .get('/v1/webhooks', async (c) => c.json({ webhooks: await listWebhooks(ctx, c.get('auth').tenantId) }))
    .delete('/v1/webhooks/:id', validate('param', WebhookIdParams), async (c) => {
      const { tenantId, keyId } = c.get('auth');
      await deleteWebhook(ctx, tenantId, c.req.valid('param').id, keyId);
      return c.body(null, 204);
    })
    .get('/v1/webhooks/:id/deliveries', validate('param', WebhookIdParams), validate('query', DeliveriesQuery), async (c) => {
      return c.json(await listDeliveries(ctx, c.get('auth').tenantId, c.req.valid('param').id, c.req.valid('query')));
    });
}
