// The operator's API, behind the bootstrap token (CONTRACT.md §2).
import { Hono } from 'hono';
import { CreateTenantBody, CreatedTenantResponse } from '../../shared/schemas/tenants.js';
import { requireAdminToken } from '../auth.js';
import type { AppContext } from '../context.js';
import type { Operation } from '../openapi/operation.js';
import { createTenant } from '../services/tenants.js';
import { validate } from '../validate.js';

export const adminOperations: Operation[] = [
  {
    method: 'post', path: '/v1/admin/tenants', tag: 'Tenants', auth: 'admin-token',
    summary: 'Create a tenant; answers its public key and a secret key with every scope (shown once)',
    body: CreateTenantBody,
    responses: { 201: { description: 'Created', schema: CreatedTenantResponse } },
  },
];

export function adminRoutes(ctx: AppContext) {
  return new Hono().post('/v1/admin/tenants', requireAdminToken(ctx), validate('json', CreateTenantBody), async (c) => {
    const created = await createTenant(ctx, c.req.valid('json'));
    return c.json(created, 201);
  });
}
