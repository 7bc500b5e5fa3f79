// GET/PUT /v1/tenant/origins: the web pages allowed to use the tenant's public key, changed
// without creating a new tenant (a shop adding www. or a staging site).
import { Hono } from 'hono';
import { TenantOriginsBody, TenantOriginsResponse } from '../../shared/schemas/tenants.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { readAllowedOrigins, replaceAllowedOrigins } from '../services/tenants/tenant-origins.js';
import { validate } from '../validate.js';

const ORIGINS_TEXT =
  'An entry is an origin (`https://shop.example`, `http://127.0.0.1:8080`: scheme, host, optional port, no path) ' +
  'or a wildcard for every subdomain of a site (`https://*.shop.example` matches `https://www.shop.example`, not `https://shop.example`). ' +
  'A bare `*` is refused. At most 50 entries.';

export function tenantOriginRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .use('/v1/tenant/origins', requireScope(ctx, 'admin'))
    .get(
      '/v1/tenant/origins',
      describe({
        tag: 'Tenants',
        auth: { scopes: ['admin'] },
        summary: "The origins allowed to call the public consent API with this tenant's public key",
        responses: { 200: { description: 'The list', schema: TenantOriginsResponse } },
      }),
      async (c) =>
        c.json({ allowedOrigins: await readAllowedOrigins(ctx, c.get('auth').tenantId) }),
    )
    .put(
      '/v1/tenant/origins',
      describe({
        tag: 'Tenants',
        auth: { scopes: ['admin'] },
        body: TenantOriginsBody,
        summary: 'Replace the allowed origins',
        description: `${ORIGINS_TEXT} Effective within a second; the change is written to the audit log (action tenant.origins_changed, with what was added and removed).`,
        responses: {
          200: {
            description: 'The new list, normalised (lower case, no default port, no duplicates)',
            schema: TenantOriginsResponse,
          },
        },
      }),
      validate('json', TenantOriginsBody),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        return c.json({
          allowedOrigins: await replaceAllowedOrigins(
            ctx,
            tenantId,
            c.req.valid('json').allowedOrigins,
            keyId,
          ),
        });
      },
    );
}
