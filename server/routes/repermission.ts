// GET /v1/repermission: consents given under a notice that has since changed materially,
// for a tool to ask those people again (services/consent/repermission.ts).
import { Hono } from 'hono';
import * as v from 'valibot';
import { channels } from '../../shared/schemas/config.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { resolvePurpose } from '../services/consent/consent-check.js';
import { listRepermission } from '../services/consent/repermission.js';
import { validate } from '../validate.js';

const RepermissionQuery = v.object({
  purpose: v.pipe(v.string(), v.minLength(1), v.maxLength(40)),
  channel: v.optional(v.picklist(channels, `channel: one of ${channels.join(', ')}`)),
  /** The `next` of the page before. */
  after: v.optional(
    v.pipe(v.string(), v.regex(/^sub_[A-Za-z0-9_-]{1,64}$/, 'the next value of the page before')),
  ),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,4}$/, 'a number from 1 to 1000'),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(1000),
    ),
    '500',
  ),
});

const RepermissionResponse = v.object({
  materialVersion: v.pipe(v.number(), v.description("The current configuration's materialVersion")),
  subjects: v.array(
    v.object({
      id: v.pipe(v.string(), v.description('sub_...')),
      externalId: v.nullable(v.string()),
      configVersion: v.pipe(
        v.number(),
        v.description('The configuration version the consent was given under'),
      ),
      materialVersion: v.pipe(
        v.number(),
        v.description('Its materialVersion: older than the current one'),
      ),
      grantedAt: v.string(),
      expiresAt: v.nullable(v.string()),
    }),
  ),
  next: v.pipe(
    v.nullable(v.string()),
    v.description('Pass as after for the next page; null on the last page'),
  ),
});

export function repermissionRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>().get(
    '/v1/repermission',
    describe({
      tag: 'Marketing tools',
      auth: { scopes: ['feed:read'] },
      query: RepermissionQuery,
      summary: 'Consents to ask again: granted under a notice that has since changed materially',
      description:
        'Lists, for a purpose (and channel), the people whose granted, unexpired consent was given under a configuration version ' +
        'whose materialVersion is older than the current one: GET /v1/check answers stale_notice for them. The consent still counts; ask them ' +
        'again (a re-permission mail, the banner does so by itself for visitors) and record the answer as usual. People under a restriction ' +
        '(Art. 18), and for a marketing purpose people who objected to direct marketing, are left out. Pages in subject order: pass next as ' +
        'after. Ids only, no personal data. An unknown purpose or channel is 422.',
      responses: {
        200: { description: 'One page', schema: RepermissionResponse },
        422: 'Unknown purpose or channel',
      },
    }),
    requireScope(ctx, 'feed:read'),
    validate('query', RepermissionQuery),
    async (c) => {
      const { tenantId } = c.get('auth');
      const query = c.req.valid('query');
      const { purpose, channel } = await resolvePurpose(
        ctx,
        tenantId,
        query.purpose,
        query.channel,
      );
      return c.json(
        await listRepermission(ctx, {
          tenantId,
          purpose,
          channel,
          after: query.after ?? '',
          limit: query.limit,
        }),
      );
    },
  );
}
