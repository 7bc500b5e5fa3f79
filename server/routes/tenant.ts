// The tenant as a whole: export it as NDJSON, offboard it, and
// the operator's export of an offboarding tenant during its grace period.
import { Hono } from 'hono';
import {
  OffboardQuery,
  OffboardResponse,
  TenantExportLine,
  TenantIdParams,
} from '../../shared/schemas/accountability.js';
import { requireAdminToken, requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { describe } from '../openapi/describe.js';
import { appendAudit } from '../services/registers/audit.js';
import { deleteTenant, startOffboarding } from '../services/tenants/offboarding.js';
import {
  countTenantRows,
  exportStream,
  exportTenantLines,
} from '../services/tenants/tenant-export.js';
import { validate } from '../validate.js';

const ndjson = {
  description:
    'NDJSON (application/x-ndjson): one JSON object per line, each matching the schema given for a line: a header line, one line per row, an end line with the counts',
  contentType: 'application/x-ndjson',
  schema: TenantExportLine,
};

async function streamExport(ctx: AppContext, tenantId: string, actor: string, personal: boolean) {
  const counts = await countTenantRows(ctx.db, tenantId);
  const at = ctx.clock.now().toISOString();
  await ctx.db
    .transaction()
    .execute((trx) =>
      appendAudit(
        trx,
        tenantId,
        { actor, action: 'tenant.exported', target: tenantId, details: { personal } },
        at,
      ),
    );
  const filename = `akkoord-export-${tenantId}-${at.slice(0, 10)}.ndjson`;
  return new Response(exportStream(exportTenantLines(ctx, tenantId, { personal, counts })), {
    headers: {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    },
  });
}

export function tenantRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .get(
      '/v1/export',
      describe({
        tag: 'Accountability',
        auth: { scopes: ['admin', 'audit:read'] },
        summary: 'Export the whole tenant as NDJSON, streamed',
        description:
          'Line types: header, tenant, api_key, config_version, ledger_head, subject, subject_visitor, consent_event, consent_state, record, request, feed_event, webhook, webhook_delivery, delivery_attempt, audit_entry, tombstone, end. Personal fields (e-mail, phone, attributes, records, IP and user agent) are decrypted for an `admin` key or a key that also has `pii:read`, and left out otherwise. A file without the end line is incomplete.',
        responses: { 200: ndjson },
      }),
      requireScope(ctx, 'admin', 'audit:read'),
      async (c) => {
        const { tenantId, keyId, scopes } = c.get('auth');
        // Data minimisation (Art. 5(1)(c)): an auditor's key sees personal fields only with pii:read.
        const personal = scopes.includes('admin') || scopes.includes('pii:read');
        return streamExport(ctx, tenantId, keyId, personal);
      },
    )
    .delete(
      '/v1/tenant',
      describe({
        tag: 'Accountability',
        auth: { scopes: ['admin'] },
        query: OffboardQuery,
        summary:
          'Offboard the tenant: disable every key now, delete all its data after the grace period',
        description:
          'The grace period is AKKOORD_OFFBOARDING_GRACE_DAYS (default 30 days); during it the operator can still export with GET /v1/admin/tenants/{id}/export. `?now=true` deletes everything at once. Both steps are logged in a system log that outlives the tenant.',
        responses: {
          202: {
            description: 'Offboarding; deleted after `deleteAfter`',
            schema: OffboardResponse,
          },
          200: { description: 'Deleted (now=true)', schema: OffboardResponse },
        },
      }),
      requireScope(ctx, 'admin'),
      validate('query', OffboardQuery),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        const state = await startOffboarding(ctx, tenantId, keyId);
        if (c.req.valid('query').now !== 'true') return c.json(state, 202);
        await deleteTenant(ctx, tenantId, keyId, 'immediate');
        return c.json({ tenantId, status: 'deleted', deleteAfter: null }, 200);
      },
    )
    .get(
      '/v1/admin/tenants/:id/export',
      describe({
        tag: 'Accountability',
        auth: 'admin-token',
        params: TenantIdParams,
        summary: "The operator's export of a tenant, also while it is offboarding",
        responses: {
          200: ndjson,
          429: 'RATE_LIMITED: too many wrong admin tokens from this IP; see Retry-After',
        },
      }),
      requireAdminToken(ctx),
      validate('param', TenantIdParams),
      async (c) => {
        const { id } = c.req.valid('param');
        const tenant = await ctx.db
          .selectFrom('tenants')
          .select('id')
          .where('id', '=', id)
          .executeTakeFirst();
        if (!tenant) throw notFound('tenant');
        return streamExport(ctx, id, 'bootstrap', true);
      },
    );
}
