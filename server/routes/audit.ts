// Reading the audit log (GET /v1/audit): every administrative and request action
// in the order it happened, paged by position so a DPO can read it all (Art. 5(2)),
// filtered by actor, action, target and period, as JSON or as a CSV download.
import { Hono } from 'hono';
import { sql } from 'kysely';
import { AuditQuery, AuditResponse } from '../../shared/schemas/accountability.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { describe } from '../openapi/describe.js';
import { csvField, neutraliseCell } from '../services/rights/export-csv.js';
import { actorNames } from '../services/staff/staff.js';
import { validate } from '../validate.js';

export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  from?: string;
  to?: string;
}

const isoOf = (value: string | undefined) =>
  value === undefined ? undefined : new Date(value).toISOString();

export async function listAudit(
  ctx: AppContext,
  tenantId: string,
  after: number,
  limit: number,
  filter: AuditFilter = {},
) {
  let query = ctx.db
    .selectFrom('audit_log')
    .select(['seq', 'id', 'actor', 'action', 'target', 'details', 'occurred_at'])
    .where('tenant_id', '=', tenantId)
    .where('seq', '>', after);
  if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
  if (filter.target !== undefined) query = query.where('target', '=', filter.target);
  if (filter.action !== undefined) {
    const prefix = filter.action.endsWith('*') ? filter.action.slice(0, -1) : null;
    // `_` is a LIKE wildcard: escaped, so request_ matches only itself.
    query =
      prefix === null
        ? query.where('action', '=', filter.action)
        : query.where(sql<boolean>`action LIKE ${`${prefix.replaceAll('_', '\\_')}%`} ESCAPE '\\'`);
  }
  const from = isoOf(filter.from);
  const to = isoOf(filter.to);
  if (from !== undefined) query = query.where('occurred_at', '>=', from);
  if (to !== undefined) query = query.where('occurred_at', '<', to);
  const rows = await query.orderBy('seq').limit(limit).execute();
  const names = await actorNames(ctx, tenantId, [...new Set(rows.map((r) => r.actor))]);
  return {
    entries: rows.map((r) => ({
      id: r.id,
      actor: r.actor,
      ...(names[r.actor] ? { actorName: names[r.actor] } : {}),
      action: r.action,
      target: r.target,
      details: JSON.parse(r.details) as Record<string, unknown>,
      occurredAt: r.occurred_at,
    })),
    next: String(rows.at(-1)?.seq ?? after),
  };
}

function auditCsv(entries: Awaited<ReturnType<typeof listAudit>>['entries']): string {
  const lines = ['occurredAt,actor,actorName,action,target,details'];
  for (const e of entries) {
    lines.push(
      [
        e.occurredAt,
        e.actor,
        e.actorName ?? '',
        e.action,
        e.target ?? '',
        JSON.stringify(e.details),
      ]
        .map((cell) => csvField(neutraliseCell(cell)))
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

export function auditRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>().use('/v1/audit', requireScope(ctx, 'admin', 'audit:read')).get(
    '/v1/audit',
    describe({
      tag: 'Accountability',
      auth: { scopes: ['admin', 'audit:read'] },
      query: AuditQuery,
      summary: 'Read the audit log, oldest first, optionally filtered',
      description:
        'Each entry names the actor (a key id, a staff id "stf_...", "data_subject", "system", "cli" or "bootstrap"; in a preference-center session opened by a link, ' +
        '"data_subject via:preferences link:lnk_... key:key_..." or "data_subject via:visitor link:lnk_..."), the action, the target ids and the time; never personal data. ' +
        "actorName is the key's or staff member's name when it has one. Filters combine: actor, action (exact, or a prefix ending in *), target, from (inclusive) and to (exclusive). " +
        "Pass the answer's `next` as `after` to read on. format=csv answers text/csv (columns occurredAt,actor,actorName,action,target,details; up to 10,000 entries; " +
        'cells that would start a spreadsheet formula begin with a quote).',
      responses: {
        200: {
          description: 'A page of entries (or the CSV file)',
          schema: AuditResponse,
          alternatives: [{ contentType: 'text/csv' }],
        },
      },
    }),
    validate('query', AuditQuery),
    async (c) => {
      const { after, limit, format, ...filter } = c.req.valid('query');
      if (after !== undefined && !/^\d{1,15}$/.test(after))
        throw new ApiError(400, 'BAD_CURSOR', 'The cursor is not one this API gave out');
      const tenantId = c.get('auth').tenantId;
      if (format === 'csv') {
        const page = await listAudit(ctx, tenantId, Number(after ?? 0), 10_000, filter);
        return c.body(auditCsv(page.entries), 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': 'attachment; filename="audit-log.csv"',
          'cache-control': 'no-store',
        });
      }
      return c.json(await listAudit(ctx, tenantId, Number(after ?? 0), limit, filter));
    },
  );
}
