// Request bodies for tenants, keys and their answers (CONTRACT.md §2).
import * as v from 'valibot';
import { scopes } from '../scopes.js';

const Origin = v.pipe(
  v.string(),
  v.maxLength(300),
  v.regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, 'an origin such as https://shop.example (scheme, host, optional port; no path)'),
);

export const CreateTenantBody = v.object({
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)),
  allowedOrigins: v.optional(v.pipe(v.array(Origin), v.maxLength(50)), []),
});

export const CreatedTenantResponse = v.object({
  tenant: v.object({ id: v.string(), name: v.string(), allowedOrigins: v.array(v.string()), createdAt: v.string() }),
  publicKey: v.string(),
  secretKey: v.string(),
});

export const CreateKeyBody = v.object({
  scopes: v.pipe(v.array(v.picklist(scopes)), v.minLength(1)),
});

export const KeyIdParams = v.object({ id: v.pipe(v.string(), v.maxLength(100)) });

export const KeyListResponse = v.object({
  keys: v.array(v.object({
    id: v.string(),
    prefix: v.string(),
    scopes: v.array(v.string()),
    createdAt: v.string(),
    revokedAt: v.nullable(v.string()),
  })),
});
