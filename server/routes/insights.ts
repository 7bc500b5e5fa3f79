// GET /v1/insights: how visitors answer the banner and how fast rights requests are
// answered, as counts without personal data (what a marketer reads each week and what
// shows whether accepting and refusing are equally easy).
import { Hono } from 'hono';
import { InsightsQuery, InsightsResponse } from '../../shared/schemas/insights.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { insightsReport } from '../services/insights/insights.js';
import { validate } from '../validate.js';

export function insightsRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .use('/v1/insights', requireScope(ctx, 'admin', 'audit:read', 'insights:read'))
    .get(
      '/v1/insights',
      describe({
        tag: 'Accountability',
        auth: { scopes: ['admin', 'audit:read', 'insights:read'] },
        query: InsightsQuery,
        summary: 'Consent and rights counts over a period, without personal data',
        description:
          'From and to are UTC days, both included (at most 400 days). Per period (a day, or a week from Monday): ledger events per purpose ' +
          "and status (granted, denied, withdrawn, expired, and objected: an objection to a purpose on legitimate interest or public task), and consent choices per control: accept_all, reject_all, save_choices (the banner's buttons), " +
          "placeholder (a gated element's button), script (a site's script through window.akkoord) and other (API, import, preference center, expiry), " +
          'with how many were made under Global Privacy Control. Totals add the choices per language and per configuration version. Rights: requests ' +
          'received and answered per week, the median and worst days to answer, and the open requests overdue now. Counts are exact up to ledgerSeq, ' +
          'the ledger position when the call was answered.',
        responses: { 200: { description: 'The counts', schema: InsightsResponse } },
      }),
      validate('query', InsightsQuery),
      async (c) => {
        return c.json(
          await insightsReport(
            ctx.db,
            c.get('auth').tenantId,
            c.req.valid('query'),
            ctx.clock.now(),
          ),
        );
      },
    );
}
