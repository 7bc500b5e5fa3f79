// The Art. 30 register (CONTRACT.md §10, GDPR-51) and the tenant-level fields it
// needs beyond the config: who the controller, DPO and recipients are, transfers,
// security measures.
import { Hono } from 'hono';
import { RopaDocument, RopaQuery, TenantSettingsBody, TenantSettingsResponse } from '../../shared/schemas/accountability.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import type { Operation } from '../openapi/operation.js';
import { generateRopa, readRopaSettings, ropaToCsv, ropaToMarkdown, saveRopaSettings } from '../services/ropa.js';
import { validate } from '../validate.js';

export const ropaOperations: Operation[] = [
  {
    method: 'get', path: '/v1/ropa', tag: 'Accountability', auth: { scopes: ['admin', 'audit:read'] }, query: RopaQuery,
    summary: 'The register of processing activities (GDPR Art. 30)',
    description: 'Built from the published configuration and the tenant settings. `format=json` (default), `csv` (one row per processing activity) or `md` (a readable document). 409 NO_CONFIG before a configuration is published.',
    responses: { 200: { description: 'The register as JSON; with format=csv as text/csv, with format=md as text/markdown', schema: RopaDocument } },
  },
  {
    method: 'get', path: '/v1/tenant/settings', tag: 'Accountability', auth: { scopes: ['admin', 'audit:read'] },
    summary: 'Read the tenant-level register fields', responses: { 200: { description: 'The settings', schema: TenantSettingsResponse } },
  },
  {
    method: 'put', path: '/v1/tenant/settings', tag: 'Accountability', auth: { scopes: ['admin'] }, body: TenantSettingsBody,
    summary: 'Set the tenant-level register fields: controller, DPO, representative, recipients, transfers and safeguards, security measures, categories of data subjects',
    responses: { 200: { description: 'Saved', schema: TenantSettingsResponse } },
  },
];

export function ropaRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .use('/v1/ropa', requireScope(ctx, 'admin', 'audit:read'))
    .get('/v1/ropa', validate('query', RopaQuery), async (c) => {
      const doc = await generateRopa(ctx, c.get('auth').tenantId);
      const { format } = c.req.valid('query');
      const name = `ropa-${doc.tenant.id}-v${doc.configVersion}`;
      if (format === 'csv') {
        return c.body(ropaToCsv(doc), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}.csv"` });
      }
      if (format === 'md') {
        return c.body(ropaToMarkdown(doc), 200, { 'content-type': 'text/markdown; charset=utf-8', 'content-disposition': `inline; filename="${name}.md"` });
      }
      return c.json(doc);
    })
    .get('/v1/tenant/settings', requireScope(ctx, 'admin', 'audit:read'), async (c) => {
      const { ropa, updatedAt } = await readRopaSettings(ctx, c.get('auth').tenantId);
      return c.json({ ropa, updatedAt });
    })
    .put('/v1/tenant/settings', requireScope(ctx, 'admin'), validate('json', TenantSettingsBody), async (c) => {
      const { tenantId, keyId } = c.get('auth');
      return c.json(await saveRopaSettings(ctx, tenantId, c.req.valid('json').ropa, keyId));
    });
}
