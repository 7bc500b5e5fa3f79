// Publishing and reading the tenant configuration (CONTRACT.md §3).
import { Hono } from 'hono';
import * as v from 'valibot';
import { TenantConfigSchema } from '../../shared/schemas/config.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import type { Operation } from '../openapi/operation.js';
import { publishConfig, requirePublishedConfig, type PublishedConfig } from '../services/config.js';
import { validate } from '../validate.js';

const PublishedConfigResponse = v.object({
  version: v.number(),
  materialVersion: v.number(),
  publishedAt: v.string(),
  noticeHashes: v.record(v.string(), v.string()),
  config: TenantConfigSchema,
});

export const configOperations: Operation[] = [
  {
    method: 'put', path: '/v1/config', tag: 'Configuration', auth: { scopes: ['admin'] }, body: TenantConfigSchema,
    summary: 'Publish a new configuration version',
    description: 'Refused with 422 CONFIG_NOT_COMPLIANT (and the rule broken) when it would make a non-compliant banner. "material": false keeps the banner from asking again when the purposes are unchanged.',
    responses: { 201: { description: 'Published', schema: PublishedConfigResponse } },
  },
  {
    method: 'get', path: '/v1/config', tag: 'Configuration', auth: { scopes: ['admin'] },
    summary: 'Read the current configuration', responses: { 200: { description: 'The current version', schema: PublishedConfigResponse } },
  },
];

const present = (published: PublishedConfig) => ({
  version: published.version,
  materialVersion: published.materialVersion,
  publishedAt: published.publishedAt,
  noticeHashes: published.noticeHashes,
  config: published.config,
});

export function configRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .use('/v1/config', requireScope(ctx, 'admin'))
    .put('/v1/config', validate('json', TenantConfigSchema), async (c) => {
      const { tenantId, keyId } = c.get('auth');
      return c.json(present(await publishConfig(ctx, tenantId, c.req.valid('json'), keyId)), 201);
    })
    .get('/v1/config', async (c) => c.json(present(await requirePublishedConfig(ctx.db, c.get('auth').tenantId))));
}
