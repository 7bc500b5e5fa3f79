// Webhooks (/v1/webhooks, see docs/webhooks.md): registration, listing and the delivery log.
import * as v from 'valibot';
import { feedEventTypes } from './feed.js';

export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;

export const CreateWebhookBody = v.object({
  url: v.pipe(
    v.string(),
    v.maxLength(2000),
    v.url('an absolute http(s) URL'),
    v.regex(/^https?:\/\//i, 'an http:// or https:// URL'),
  ),
  /** Empty or left out: every type. */
  types: v.optional(
    v.pipe(v.array(v.picklist(feedEventTypes)), v.maxLength(feedEventTypes.length)),
    [],
  ),
});
export type CreateWebhookBody = v.InferOutput<typeof CreateWebhookBody>;

export const WebhookIdParams = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
});

const intIn = (min: number, max: number, what: string) =>
  v.pipe(
    v.string(),
    v.regex(/^\d{1,6}$/, `${what}: a whole number`),
    v.transform(Number),
    v.minValue(min),
    v.maxValue(max),
  );

export const DeliveriesQuery = v.object({
  status: v.optional(v.picklist(deliveryStatuses)),
  limit: v.optional(intIn(1, 200, 'limit'), '50'),
  /** The `next` of the previous page: older deliveries follow. */
  before: v.optional(intIn(1, 1_000_000_000, 'before')),
});

const WebhookSchema = v.object({
  id: v.pipe(v.string(), v.description('wh_...')),
  url: v.string(),
  types: v.array(v.picklist(feedEventTypes)),
  createdAt: v.string(),
  /** Deliveries wait while paused and go out when it resumes. */
  paused: v.boolean(),
});

export const UpdateWebhookBody = v.strictObject({ paused: v.boolean() });
export const DeliveryParams = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  deliveryId: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
});
export const WebhookResponse = WebhookSchema;

export const CreatedWebhookResponse = v.object({
  ...WebhookSchema.entries,
  secret: v.pipe(
    v.string(),
    v.description('whsec_...: shown once; verify each delivery with it (Standard Webhooks)'),
  ),
});

export const WebhookListResponse = v.object({ webhooks: v.array(WebhookSchema) });

export const DeliveryListResponse = v.object({
  deliveries: v.array(
    v.object({
      id: v.pipe(
        v.string(),
        v.description('msg_...: the webhook-id header, the same on every retry'),
      ),
      eventId: v.string(),
      eventType: v.string(),
      status: v.picklist(deliveryStatuses),
      attemptCount: v.number(),
      lastStatusCode: v.nullable(v.number()),
      nextAttemptAt: v.nullable(v.string()),
      createdAt: v.string(),
      deliveredAt: v.nullable(v.string()),
      attempts: v.array(
        v.object({
          attempt: v.number(),
          attemptedAt: v.string(),
          statusCode: v.nullable(v.number()),
          error: v.pipe(
            v.nullable(v.string()),
            v.description(
              'Why no status code: "blocked" (the host resolved to a non-public address and was not contacted), ' +
                '"unresolvable_host", "timeout" or a connection error code such as ECONNREFUSED',
            ),
          ),
        }),
      ),
    }),
  ),
  next: v.nullable(v.pipe(v.string(), v.description('Pass as `before` for older deliveries'))),
});
