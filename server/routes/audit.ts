// Reading the audit log (CONTRACT.md §10): every administrative and request action
// in the order it happened, paged by position so a DPO can read it all (Art. 5(2)).
import { Hono } from 'hono';
import { AuditQuery, AuditResponse } from '../../shared/schemas/accountability.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { Operation } from '../openapi/operation.js';
import { validate } from '../validate.js';

export const auditOperations: Operation[] = [
  {
    method: 'get', path: '/v1/audit', tag: 'Accountability', auth: { scopes: ['admin', 'audit:read'] }, query: AuditQuery,
    summary: 'Read the audit log, oldest first',
    description: 'Each entry names the actor (a key id, "data_subject", "system", "cli" or "bootstrap"), the action, the target ids and the time; never personal data. Pass the answer\'s `next` as `after` to read on.',
    responses: { 200: { description: 'A page of entries', schema: AuditResponse } },
  },
];

export async function listAudit(ctx: AppContext, tenantId: string, after: number, limit: number) {
  const rows = await ctx.db
    .selectFrom('audit_log')
    .select(['seq', 'id', 'actor', 'action', 'target', 'details', 'occurred_at'])
    .where('tenant_id', '=', tenantId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return {
    entries: rows.map((r) => ({
      id: r.id,
      actor: r.actor,
      action: r.action,
      target: r.target,
      details: JSON.parse(r.details) as Record<string, unknown>,
      occurredAt: r.occurred_at,
    })),
    next: String(rows.at(-1)?.seq ?? after),
  };
}

export function auditRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .use('/v1/audit', requireScope(ctx, 'admin', 'audit:read'))
    .get('/v1/audit', validate('query', AuditQuery), async (c) => {
      const { after, limit } = c.req.valid('query');
      if (after !== undefined && !/^\d{1,15}$/.test(after)) throw new ApiError(400, 'BAD_CURSOR', 'The cursor is not one this API gave out');
      return c.json(await listAudit(ctx, c.get('auth').tenantId, Number(after ?? 0), limit));
    });
}
