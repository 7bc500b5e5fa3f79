// Request bodies for tenants, keys and their answers.
import * as v from 'valibot';
import { AllowedOrigins } from '../origins.js';
import { scopes } from '../scopes.js';
import { oneLine } from './one-line.js';

export const CreateTenantBody = v.object({
  name: v.pipe(v.string(), oneLine('The tenant name'), v.trim(), v.minLength(1), v.maxLength(200)),
  allowedOrigins: v.optional(AllowedOrigins, []),
});

export const CreatedTenantResponse = v.object({
  tenant: v.object({
    id: v.string(),
    name: v.string(),
    allowedOrigins: v.array(v.string()),
    createdAt: v.string(),
  }),
  publicKey: v.string(),
  secretKey: v.string(),
});

export const CreateKeyBody = v.object({
  scopes: v.pipe(v.array(v.picklist(scopes)), v.minLength(1)),
  /** What the key is for, e.g. "mailchimp-sync": the console's audit log shows it instead of the id. */
  name: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.minLength(1),
      v.maxLength(80),
      v.regex(/^[\p{L}\p{N}\p{P}\p{S} ]+$/u, 'letters, digits, punctuation and spaces'),
    ),
  ),
});

export const KeyIdParams = v.object({ id: v.pipe(v.string(), v.maxLength(100)) });

export const KeyListResponse = v.object({
  keys: v.array(
    v.object({
      id: v.string(),
      name: v.nullable(v.string()),
      prefix: v.string(),
      scopes: v.array(v.string()),
      createdAt: v.string(),
      revokedAt: v.nullable(v.string()),
    }),
  ),
});

/** PUT /v1/tenant/origins: the whole new list (GET answers the same shape). */
export const TenantOriginsBody = v.object({ allowedOrigins: AllowedOrigins });
export const TenantOriginsResponse = v.object({ allowedOrigins: v.array(v.string()) });
