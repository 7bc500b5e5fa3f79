// A tenant's secret keys: create with scopes, list without secrets, revoke (see docs/keys-and-scopes.md).
import { Hono } from 'hono';
import * as v from 'valibot';
import { CreateKeyBody, KeyIdParams, KeyListResponse } from '../../shared/schemas/tenants.js';
import { scopesCover } from '../../shared/roles.js';
import { requireScope, type AuthEnv } from '../auth.js';
import { ApiError } from '../errors.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { createKey, listKeys, revokeKey } from '../services/tenants/tenants.js';
import { validate } from '../validate.js';

export function keyRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .use('/v1/keys', requireScope(ctx, 'admin'))
    .use('/v1/keys/*', requireScope(ctx, 'admin'))
    .post(
      '/v1/keys',
      describe({
        tag: 'Tenants',
        auth: { scopes: ['admin'] },
        summary:
          'Create a secret key with the given scopes and an optional name (the secret is shown once)',
        body: CreateKeyBody,
        description:
          'The name (e.g. "mailchimp-sync") is kept with the key and shown by the console\'s audit log for the key\'s actions. ' +
          'A console session may only create keys with scopes its role holds (403 otherwise).',
        responses: {
          201: {
            description: 'Created',
            schema: v.object({
              id: v.string(),
              name: v.nullable(v.string()),
              secretKey: v.string(),
              scopes: v.array(v.string()),
              createdAt: v.string(),
            }),
          },
        },
      }),
      validate('json', CreateKeyBody),
      async (c) => {
        const { tenantId, keyId, scopes: held, kind } = c.get('auth');
        const { scopes, name } = c.req.valid('json');
        // A staff member cannot mint a key with more than their role allows (a developer, say, pii:read).
        if (kind === 'staff' && !scopesCover(held, scopes))
          throw new ApiError(
            403,
            'FORBIDDEN',
            'Your role cannot give a key scopes it does not hold',
          );
        const key = await createKey(ctx, tenantId, scopes, keyId, name ?? null);
        return c.json(
          {
            id: key.id,
            name: key.name,
            secretKey: key.secretKey,
            scopes: key.scopes,
            createdAt: key.createdAt,
          },
          201,
        );
      },
    )
    .get(
      '/v1/keys',
      describe({
        tag: 'Tenants',
        auth: { scopes: ['admin'] },
        summary: "List the tenant's keys, without secrets",
        responses: { 200: { description: 'The keys', schema: KeyListResponse } },
      }),
      async (c) => c.json({ keys: await listKeys(ctx, c.get('auth').tenantId) }),
    )
    .delete(
      '/v1/keys/:id',
      describe({
        tag: 'Tenants',
        auth: { scopes: ['admin'] },
        params: KeyIdParams,
        summary: 'Revoke a key at once',
        responses: { 204: 'Revoked' },
      }),
      validate('param', KeyIdParams),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        await revokeKey(ctx, tenantId, c.req.valid('param').id, keyId);
        return c.body(null, 204);
      },
    );
}
