// The Art. 30 register (GDPR-51) and the tenant-level fields it needs beyond the
// config and the processors and DPIA registers: who the controller, DPO and recipients
// are, transfers, security measures.
import { Hono } from 'hono';
import {
  RopaDocument,
  RopaQuery,
  TenantSettingsBody,
  TenantSettingsResponse,
} from '../../shared/schemas/accountability.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { ropaToCsv, ropaToMarkdown } from '../services/registers/ropa-render.js';
import { generateRopa, readRopaSettings, saveRopaSettings } from '../services/registers/ropa.js';
import { validate } from '../validate.js';

export function ropaRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .use('/v1/ropa', requireScope(ctx, 'admin', 'audit:read'))
    .get(
      '/v1/ropa',
      describe({
        tag: 'Accountability',
        auth: { scopes: ['admin', 'audit:read'] },
        query: RopaQuery,
        summary: 'The register of processing activities (GDPR Art. 30)',
        description:
          'Built from the published configuration, the tenant settings, the processors register and the DPIA register. ' +
          "Recipients and third-country transfers are listed per activity: the purpose's own recipients, settings recipients and " +
          "transfers that name the purpose, and the processors that work for it (with their and their sub-processors' locations " +
          'outside the EEA); recipients without purposes are listed once under `otherRecipients`. Each activity carries its DPIA ' +
          'status and warnings where one retention rule erases data another keeps longer. `format=json` (default), `csv` (one row ' +
          'per processing activity) or `md` (a readable document); `lang=nl` gives the Dutch version, `lang=en` the English one ' +
          "(the register's text is English when left out). 409 NO_CONFIG before a configuration is published.",
        responses: {
          200: {
            description:
              'The register as JSON; with format=csv as text/csv, with format=md as text/markdown',
            schema: RopaDocument,
            alternatives: [{ contentType: 'text/csv' }, { contentType: 'text/markdown' }],
          },
        },
      }),
      validate('query', RopaQuery),
      async (c) => {
        const { format, lang } = c.req.valid('query');
        const doc = await generateRopa(ctx, c.get('auth').tenantId, lang);
        const name = `ropa-${doc.tenant.id}-v${doc.configVersion}`;
        if (format === 'csv') {
          return c.body(ropaToCsv(doc), 200, {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="${name}.csv"`,
          });
        }
        if (format === 'md') {
          return c.body(ropaToMarkdown(doc), 200, {
            'content-type': 'text/markdown; charset=utf-8',
            'content-disposition': `inline; filename="${name}.md"`,
          });
        }
        return c.json(doc);
      },
    )
    .get(
      '/v1/tenant/settings',
      describe({
        tag: 'Accountability',
        auth: { scopes: ['admin', 'audit:read'] },
        summary: 'Read the tenant-level register fields',
        responses: { 200: { description: 'The settings', schema: TenantSettingsResponse } },
      }),
      requireScope(ctx, 'admin', 'audit:read'),
      async (c) => {
        const { ropa, updatedAt } = await readRopaSettings(ctx, c.get('auth').tenantId);
        return c.json({ ropa, updatedAt });
      },
    )
    .put(
      '/v1/tenant/settings',
      describe({
        tag: 'Accountability',
        auth: { scopes: ['admin'] },
        body: TenantSettingsBody,
        summary:
          'Set the tenant-level register fields: controller, DPO, representative, recipients, transfers and safeguards, security measures, categories of data subjects, automated decisions',
        description:
          'A recipient or transfer with `purposes` is listed under those activities of the register; one without is listed once for the ' +
          'organisation (`otherRecipients`). `dataSubjectsByPurpose` gives the categories of data subjects per purpose key. ' +
          "The same fields fill what a person is told in their export (Art. 15): the DPO's contact, the recipients and transfers with their safeguard, " +
          'and `automatedDecisions` (each decision made by automated means alone, its logic and its consequences for the person; none listed means none are made).',
        responses: { 200: { description: 'Saved', schema: TenantSettingsResponse } },
      }),
      requireScope(ctx, 'admin'),
      validate('json', TenantSettingsBody),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        return c.json(await saveRopaSettings(ctx, tenantId, c.req.valid('json').ropa, keyId));
      },
    );
}
