// Accountability: verify the tenant's consent hash chain (GDPR-04, Art. 7(1)).
import { Hono } from 'hono';
import { LedgerVerifyResponse } from '../../shared/schemas/consents.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { verifyLedger } from '../services/ledger/ledger-verify.js';

export function ledgerRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>().use('/v1/ledger/*', requireScope(ctx, 'admin', 'audit:read')).get(
    '/v1/ledger/verify',
    describe({
      tag: 'Accountability',
      auth: { scopes: ['admin', 'audit:read'] },
      summary: 'Walk the consent ledger and report the first broken position',
      description:
        "Recomputes every event's SHA-256 chain hash and checks the stored request context against its digest. " +
        '{ ok: true, events, head } when intact; { ok: false, brokenAt: seq, events (verified before it), reason } otherwise. ' +
        'Events written while the walk runs are checked next time. Once old events were pruned (proof retention), the walk starts ' +
        'after the newest signed checkpoint and the report carries it as `checkpoint` { seq, hash, at, kid, pruned, kept }: its ' +
        'signature is checked against the published key, and the events it kept (current consent states) against their own hashes ' +
        'and the digest it signed.',
      responses: { 200: { description: 'The report', schema: LedgerVerifyResponse } },
    }),
    async (c) => c.json(await verifyLedger(ctx.db, c.get('auth').tenantId)),
  );
}
