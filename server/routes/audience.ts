// GET /v1/audience: who may be contacted for a purpose and channel,
// as NDJSON streamed in constant memory; e-mail and phone only for pii:read.
import { Hono } from 'hono';
import * as v from 'valibot';
import { channels } from '../../shared/schemas/config.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { streamAudience } from '../services/consent/audience.js';
import { auditPiiRead } from '../services/subjects/pii-read-audit.js';
import { resolvePurpose } from '../services/consent/consent-check.js';
import { validate } from '../validate.js';

const AudienceQuery = v.object({
  purpose: v.pipe(v.string(), v.minLength(1), v.maxLength(40)),
  channel: v.optional(v.picklist(channels, `channel: one of ${channels.join(', ')}`)),
});

const AudienceLine = v.object({
  id: v.pipe(v.string(), v.description('sub_...')),
  externalId: v.nullable(v.string()),
  email: v.optional(v.nullable(v.string())),
  phone: v.optional(v.nullable(v.string())),
});

export function audienceRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>().get(
    '/v1/audience',
    describe({
      tag: 'Marketing tools',
      auth: { scopes: ['feed:read'] },
      query: AudienceQuery,
      summary: 'Everyone who may be reached for a purpose (and channel), as NDJSON',
      description:
        'One JSON object a line: consent granted and not expired, not restricted (Art. 18), no objection to direct marketing ' +
        "for marketing purposes (Art. 21(3)) unless the person's own grant lifted it for this purpose and channel, not erased. email and phone only with pii:read; such a pull leaves an audit entry audience.pii_read (the key, purpose, channel and moment). A communication purpose needs its " +
        'channel; a website purpose takes none. Unknown purposes or channels are 422. Streams in constant memory.',
      responses: {
        200: {
          description:
            'NDJSON (application/x-ndjson): one JSON object per line, each matching the schema given for a line',
          schema: AudienceLine,
          contentType: 'application/x-ndjson',
        },
        422: 'Unknown purpose or channel',
      },
    }),
    requireScope(ctx, 'feed:read'),
    validate('query', AudienceQuery),
    async (c) => {
      const { tenantId, keyId, scopes } = c.get('auth');
      const query = c.req.valid('query');
      const { purpose, channel } = await resolvePurpose(
        ctx,
        tenantId,
        query.purpose,
        query.channel,
      );
      const pii = scopes.includes('pii:read');
      // The pull is one read of many people: the entry names the selection and its moment, from which
      // the ledger tells whose data it was (a million subject ids do not fit one entry).
      if (pii) {
        await auditPiiRead(ctx, tenantId, {
          actor: keyId,
          action: 'audience.pii_read',
          target: purpose.key,
          details: {
            purpose: purpose.key,
            channel: channel === '' ? null : channel,
            fields: ['email', 'phone'],
            asOf: ctx.clock.now().toISOString(),
          },
        });
      }
      const stream = streamAudience(
        ctx,
        { tenantId, purpose, channel, pii, keyId },
        c.req.raw.signal,
      );
      return c.body(stream, 200, {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'cache-control': 'no-store',
      });
    },
  );
}
