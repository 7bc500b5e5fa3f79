// `akkoord tenant ...`, `akkoord key ...` and `akkoord config publish`: the operator's
// way to set a tenant up without the HTTP API. Every change is audit-logged with the
// actor "cli", through the same services the API uses.
import fs from 'node:fs';
import * as v from 'valibot';
import { TenantConfigSchema } from '../../shared/schemas/config.js';
import { CreateTenantBody } from '../../shared/schemas/tenants.js';
import { scopes as allScopes, type Scope } from '../../shared/scopes.js';
import { publishConfig } from '../services/config/config.js';
import { createKey, createTenant, revokeKey } from '../services/tenants/tenants.js';
import { CliError, requireTenant, withContext, type Output } from './runtime.js';

export const CLI_ACTOR = 'cli';

function issuesOf(issues: v.BaseIssue<unknown>[]): string[] {
  return issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
}

export async function createTenantCommand(out: Output, name: string, origins: string[]) {
  const parsed = v.safeParse(CreateTenantBody, { name, allowedOrigins: origins });
  if (!parsed.success) throw new CliError('The tenant is not valid', issuesOf(parsed.issues));
  const created = await withContext(out, (ctx) => createTenant(ctx, parsed.output, CLI_ACTOR));
  out.result(
    created,
    [
      `Created tenant ${created.tenant.id} (${created.tenant.name})`,
      `  public key: ${created.publicKey}`,
      `  secret key: ${created.secretKey}   (shown once; every scope)`,
      'Publish a configuration next: akkoord config publish FILE --tenant ' + created.tenant.id,
    ].join('\n'),
  );
}

export async function listTenantsCommand(out: Output) {
  const tenants = await withContext(out, (ctx) =>
    ctx.db
      .selectFrom('tenants')
      .select(['id', 'name', 'status', 'delete_after', 'created_at'])
      .orderBy('created_at')
      .execute(),
  );
  const rows = tenants.map((t) => ({
    id: t.id,
    name: t.name,
    status: t.status,
    deleteAfter: t.delete_after,
    createdAt: t.created_at,
  }));
  out.result(
    { tenants: rows },
    rows.length === 0
      ? 'No tenants.'
      : rows.map((t) => `${t.id}  ${t.status.padEnd(11)}  ${t.name}`).join('\n'),
  );
}

export function parseScopes(list: string): Scope[] {
  const wanted = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = wanted.filter((s) => !(allScopes as readonly string[]).includes(s));
  if (wanted.length === 0 || unknown.length > 0) {
    throw new CliError(
      `Scopes must be a comma-separated list of: ${allScopes.join(', ')}`,
      unknown.map((s) => `unknown scope "${s.slice(0, 40)}"`),
    );
  }
  return wanted as Scope[];
}

export async function createKeyCommand(
  out: Output,
  tenantId: string | undefined,
  scopeList: string,
) {
  const scopes = parseScopes(scopeList);
  const key = await withContext(out, async (ctx) => {
    await requireTenant(ctx, tenantId);
    return createKey(ctx, tenantId!, scopes, CLI_ACTOR);
  });
  out.result(
    { id: key.id, secretKey: key.secretKey, scopes: key.scopes, createdAt: key.createdAt },
    `Created key ${key.id} with ${key.scopes.join(', ')}\n  secret key: ${key.secretKey}   (shown once)`,
  );
}

export async function revokeKeyCommand(out: Output, tenantId: string | undefined, keyId: string) {
  await withContext(out, async (ctx) => {
    await requireTenant(ctx, tenantId);
    await revokeKey(ctx, tenantId!, keyId, CLI_ACTOR);
  });
  out.result({ id: keyId, revoked: true }, `Revoked key ${keyId}`);
}

export async function publishConfigCommand(
  out: Output,
  tenantId: string | undefined,
  file: string,
) {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no such file'
        : (error as Error).message;
    throw new CliError(`Cannot read the configuration ${file}: ${reason}`);
  }
  const parsed = v.safeParse(TenantConfigSchema, raw);
  if (!parsed.success)
    throw new CliError(`${file} is not a valid configuration`, issuesOf(parsed.issues));
  const published = await withContext(out, async (ctx) => {
    await requireTenant(ctx, tenantId);
    return publishConfig(ctx, tenantId!, parsed.output, CLI_ACTOR);
  });
  out.result(
    {
      version: published.version,
      materialVersion: published.materialVersion,
      publishedAt: published.publishedAt,
    },
    `Published configuration version ${published.version}` +
      (published.materialVersion === published.version
        ? ' (the banner asks again)'
        : ' (not material: the banner does not ask again)'),
  );
}
