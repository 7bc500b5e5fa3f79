// Tenants and their keys (see docs/keys-and-scopes.md). Secret keys are shown once and stored
// only as SHA-256 hashes (GDPR Art. 32); a revoked key stops working at once.
import { scopes as allScopes, type Scope } from '../../../shared/scopes.js';
import type { AppContext } from '../../context.js';
import { notFound } from '../../errors.js';
import { newId, newSecret, sha256Hex } from '../../ids.js';
import { appendAudit } from '../registers/audit.js';
import { createHead } from '../ledger/ledger-head.js';

export interface CreatedTenant {
  tenant: { id: string; name: string; allowedOrigins: string[]; createdAt: string };
  publicKey: string;
  secretKey: string;
}

export async function createTenant(
  ctx: AppContext,
  input: { name: string; allowedOrigins: string[] },
  actor = 'bootstrap',
): Promise<CreatedTenant> {
  const id = newId('ten');
  const publicKey = newSecret('pk', 16);
  const createdAt = ctx.clock.now().toISOString();
  const secretKey = await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('tenants')
      .values({
        id,
        name: input.name,
        allowed_origins: JSON.stringify(input.allowedOrigins),
        public_key: publicKey,
        settings: '{}',
        status: 'active',
        delete_after: null,
        created_at: createdAt,
      })
      .execute();
    await createHead(trx, id);
    const key = await insertKey(trx, id, [...allScopes], createdAt);
    await appendAudit(trx, id, { actor, action: 'tenant.created', target: id }, createdAt);
    await appendAudit(
      trx,
      id,
      { actor, action: 'key.created', target: key.id, details: { scopes: key.scopes } },
      createdAt,
    );
    return key.secretKey;
  });
  return {
    tenant: { id, name: input.name, allowedOrigins: input.allowedOrigins, createdAt },
    publicKey,
    secretKey,
  };
}

async function insertKey(
  trx: AppContext['db'],
  tenantId: string,
  scopes: Scope[],
  createdAt: string,
  name: string | null = null,
) {
  const id = newId('key');
  const secretKey = newSecret('sk', 32);
  await trx
    .insertInto('api_keys')
    .values({
      id,
      tenant_id: tenantId,
      key_hash: sha256Hex(secretKey),
      prefix: secretKey.slice(0, 10),
      scopes: JSON.stringify(scopes),
      created_at: createdAt,
      revoked_at: null,
      name,
    })
    .execute();
  return { id, secretKey, scopes, createdAt, name };
}

export async function createKey(
  ctx: AppContext,
  tenantId: string,
  scopes: Scope[],
  actor: string,
  name: string | null = null,
) {
  const createdAt = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const key = await insertKey(trx, tenantId, [...new Set(scopes)], createdAt, name);
    await appendAudit(
      trx,
      tenantId,
      {
        actor,
        action: 'key.created',
        target: key.id,
        details: { scopes: key.scopes, ...(name ? { name } : {}) },
      },
      createdAt,
    );
    return key;
  });
}

export async function listKeys(ctx: AppContext, tenantId: string) {
  const rows = await ctx.db
    .selectFrom('api_keys')
    .select(['id', 'name', 'prefix', 'scopes', 'created_at', 'revoked_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: JSON.parse(r.scopes) as Scope[],
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  }));
}

export async function revokeKey(
  ctx: AppContext,
  tenantId: string,
  keyId: string,
  actor: string,
): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const key = await trx
      .selectFrom('api_keys')
      .select(['id', 'revoked_at'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', keyId)
      .executeTakeFirst();
    if (!key) throw notFound('key');
    if (key.revoked_at) return;
    await trx.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', keyId).execute();
    await appendAudit(trx, tenantId, { actor, action: 'key.revoked', target: keyId }, at);
  });
}
