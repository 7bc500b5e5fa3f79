// GET /v1/purpose-details: the banner's settings dialog asks, when it opens, what Art. 13 needs
// per purpose (services/config/purpose-details.ts). Public key; the answer is the same for every visitor.
import { Hono } from 'hono';
import * as v from 'valibot';
import { localePattern } from '../../shared/schemas/config.js';
import { tenantForPublicKey } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { allowTenantOrigin, publicCors } from '../public-cors.js';
import { purposeDetails } from '../services/config/purpose-details.js';
import { validate } from '../validate.js';

const PurposeDetailsQuery = v.object({
  key: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  locale: v.optional(v.pipe(v.string(), v.regex(localePattern, 'a locale such as nl or en'))),
});

const PurposeDetailsResponse = v.object({
  purposes: v.record(v.string(), v.array(v.string())),
});

export function purposeDetailsRoutes(ctx: AppContext) {
  return new Hono().use('/v1/purpose-details', publicCors('GET')).get(
    '/v1/purpose-details',
    describe({
      tag: 'Banner',
      auth: 'public-key',
      query: PurposeDetailsQuery,
      summary:
        'Per banner purpose: legal basis, data, recipients, transfers and retention, as lines of text',
      description:
        'Fetched by the settings dialog when it opens, so these details are one click from the first layer without weighing on every page. ' +
        'Taken from the register of processing (GET /v1/ropa): recipients include processors; an empty list reads "only" the controller. ' +
        'Purposes on contract or legal obligation and communication purposes are not on the banner and not listed. Errors: 400 bad query, 401 unknown key, 409 no configuration published.',
      responses: {
        200: {
          description: 'Lines per purpose key, in the asked locale (English where none)',
          schema: PurposeDetailsResponse,
          example: {
            purposes: {
              analytics: [
                'Legal basis: Art. 6(1)(a) consent',
                'Data: pages visited',
                'Recipients (third parties): Google Ireland Ltd',
                'Transfers outside the EEA: none',
                'Kept: 425 days',
              ],
            },
          },
        },
      },
    }),
    validate('query', PurposeDetailsQuery),
    async (c) => {
      const { key, locale } = c.req.valid('query');
      const tenant = await tenantForPublicKey(ctx, key);
      allowTenantOrigin(c, ctx, tenant.allowedOrigins);
      c.header('Cache-Control', 'public, max-age=300');
      return c.json({ purposes: await purposeDetails(ctx, tenant.id, locale ?? 'en') });
    },
  );
}
