// A tenant's secret keys: create with scopes, list without secrets, revoke (CONTRACT.md §2).
import { Hono } from 'hono';
import * as v from 'valibot';
import { CreateKeyBody, KeyIdParams, KeyListResponse } from '../../shared/schemas/tenants.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import type { Operation } from '../openapi/operation.js';
import { createKey, listKeys, revokeKey } from '../services/tenants.js';
import { validate } from '../validate.js';

export const keyOperations: Operation[] = [
  {
    method: 'post', path: '/v1/keys', tag: 'Tenants', auth: { scopes: ['admin'] },
    summary: 'Create a secret key with the given scopes (the secret is shown once)', body: CreateKeyBody,
    responses: { 201: { description: 'Created', schema: v.object({ id: v.string(), secretKey: v.string(), scopes: v.array(v.string()) }) } },
  },
  {
    method: 'get', path: '/v1/keys', tag: 'Tenants', auth: { scopes: ['admin'] },
    summary: 'List the tenant\'s keys, without secrets', responses: { 200: { description: 'The keys', schema: KeyListResponse } },
  },
  {
    method: 'delete', path: '/v1/keys/{id}', tag: 'Tenants', auth: { scopes: ['admin'] }, params: KeyIdParams,
    summary: 'Revoke a key at once', responses: { 204: 'Revoked' },
  },
];

export function keyRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .use('/v1/keys', requireScope(ctx, 'admin'))
    .use('/v1/keys/*', requireScope(ctx, 'admin'))
    .post('/v1/keys', validate('json', CreateKeyBody), async (c) => {
      const { tenantId, keyId } = c.get('auth');
      const key = await createKey(ctx, tenantId, c.req.valid('json').scopes, keyId);
      return c.json({ id: key.id, secretKey: key.secretKey, scopes: key.scopes, createdAt: key.createdAt }, 201);
    })
    .get('/v1/keys', async (c) => c.json({ keys: await listKeys(ctx, c.get('auth').tenantId) }))
    .delete('/v1/keys/:id', validate('param', KeyIdParams), async (c) => {
      const { tenantId, keyId } = c.get('auth');
      await revokeKey(ctx, tenantId, c.req.valid('param').id, keyId);
      return c.body(null, 204);
    });
}
