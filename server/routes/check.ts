// GET /v1/check: "may I contact or track this person for this purpose?"
import { Hono } from 'hono';
import * as v from 'valibot';
import { channels } from '../../shared/schemas/config.js';
import { ExternalId } from '../../shared/schemas/subjects.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { checkConsent } from '../services/consent/consent-check.js';
import { validate } from '../validate.js';

const CheckQuery = v.object({
  subject: ExternalId,
  purpose: v.pipe(v.string(), v.minLength(1), v.maxLength(40)),
  channel: v.optional(v.picklist(channels, `channel: one of ${channels.join(', ')}`)),
});

const CheckResponse = v.object({
  allowed: v.boolean(),
  reason: v.picklist([
    'granted',
    'stale_notice',
    'no_consent',
    'denied',
    'withdrawn',
    'expired',
    'pending',
    'restricted',
    'objected',
    'erased',
    'unknown_subject',
  ]),
});

export function checkRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>().get(
    '/v1/check',
    describe({
      tag: 'Marketing tools',
      auth: { scopes: ['feed:read'] },
      query: CheckQuery,
      summary:
        'May I? Whether a subject may be processed for a purpose (and channel) now, and why not',
      description:
        "subject is the tool's externalId. Order of reasons: erased (a tombstone holds that id) or unknown_subject; " +
        "restricted (Art. 18: stored, never processed); objected (Art. 21(3), marketing purposes only, until the person's own grant lifted it for this purpose and channel); then the consent itself: " +
        "granted, no_consent, denied, withdrawn, expired (past the purpose's ttlDays or the configuration's consentTtlDays) or pending (double opt-in not confirmed). " +
        'stale_notice: allowed is still true, but the consent was given under a configuration whose notice has since changed materially ' +
        '(a newer materialVersion): ask the person again. An unknown purpose or channel is 422.',
      responses: {
        200: { description: 'The answer', schema: CheckResponse },
        422: 'Unknown purpose or channel',
      },
    }),
    requireScope(ctx, 'feed:read'),
    validate('query', CheckQuery),
    async (c) => {
      const { subject, purpose, channel } = c.req.valid('query');
      return c.json(await checkConsent(ctx, c.get('auth').tenantId, subject, purpose, channel));
    },
  );
}
