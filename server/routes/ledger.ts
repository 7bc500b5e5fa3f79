// Accountability: verify the tenant's consent hash chain (CONTRACT.md §10, GDPR-04).
import { Hono } from 'hono';
import { LedgerVerifyResponse } from '../../shared/schemas/consents.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import type { Operation } from '../openapi/operation.js';
import { verifyLedger } from '../services/ledger-verify.js';

export const ledgerOperations: Operation[] = [
  {
    method: 'get', path: '/v1/ledger/verify', tag: 'Accountability', auth: { scopes: ['admin', 'audit:read'] },
    summary: 'Walk the consent ledger and report the first broken position',
    description: 'Recomputes every event\'s SHA-256 chain hash and checks the stored request context against its digest. '
      + '{ ok: true, events, head } when intact; { ok: false, brokenAt: seq, events (verified before it), reason } otherwise. '
      + 'Events written while the walk runs are checked next time.',
    responses: { 200: { description: 'The report', schema: LedgerVerifyResponse } },
  },
];

export function ledgerRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .use('/v1/ledger/*', requireScope(ctx, 'admin', 'audit:read'))
    .get('/v1/ledger/verify', async (c) => c.json(await verifyLedger(ctx.db, c.get('auth').tenantId)));
}
