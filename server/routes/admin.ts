// The operator's API (/v1/admin/*), behind the bootstrap token AKKOORD_ADMIN_TOKEN.
import { Hono } from 'hono';
import { CreateTenantBody, CreatedTenantResponse } from '../../shared/schemas/tenants.js';
import { requireAdminToken } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { createTenant } from '../services/tenants/tenants.js';
import { validate } from '../validate.js';

export function adminRoutes(ctx: AppContext) {
  return new Hono().post(
    '/v1/admin/tenants',
    describe({
      tag: 'Tenants',
      auth: 'admin-token',
      summary:
        'Create a tenant; answers its public key and a secret key with every scope (shown once)',
      body: CreateTenantBody,
      responses: {
        201: { description: 'Created', schema: CreatedTenantResponse },
        429: 'RATE_LIMITED: too many wrong admin tokens from this IP; see Retry-After',
      },
    }),
    requireAdminToken(ctx),
    validate('json', CreateTenantBody),
    async (c) => {
      const created = await createTenant(ctx, c.req.valid('json'));
      return c.json(created, 201);
    },
  );
}
