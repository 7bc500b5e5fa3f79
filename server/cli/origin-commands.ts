// `akkoord tenant origins list|add|remove`: the pages allowed to use a tenant's public key,
// changed through the same service (and audit log) as PUT /v1/tenant/origins.
import * as v from 'valibot';
import { AllowedOrigins } from '../../shared/origins.js';
import { readAllowedOrigins, replaceAllowedOrigins } from '../services/tenants/tenant-origins.js';
import { CliError, requireTenant, withContext, type Output } from './runtime.js';

const CLI_ACTOR = 'cli';

function show(out: Output, origins: string[], heading: string) {
  out.result(
    { allowedOrigins: origins },
    origins.length === 0
      ? `${heading}: none (no web page may use the public key)`
      : [`${heading}:`, ...origins.map((o) => `  ${o}`)].join('\n'),
  );
}

export async function listOriginsCommand(out: Output, tenantId: string | undefined) {
  const origins = await withContext(out, async (ctx) => {
    await requireTenant(ctx, tenantId);
    return readAllowedOrigins(ctx, tenantId!);
  });
  show(out, origins, 'Allowed origins');
}

/** Adds (or removes) entries, validated and normalised like the API's; prints the new list. */
export async function changeOriginsCommand(
  out: Output,
  tenantId: string | undefined,
  entries: string[],
  change: 'add' | 'remove',
) {
  const parsed = v.safeParse(AllowedOrigins, entries);
  if (!parsed.success)
    throw new CliError(
      'Not a valid origin',
      parsed.issues.map((i) => `${String(i.input).slice(0, 100)}: ${i.message}`),
    );
  const origins = await withContext(out, async (ctx) => {
    await requireTenant(ctx, tenantId);
    const current = await readAllowedOrigins(ctx, tenantId!);
    const next =
      change === 'add'
        ? [...current, ...parsed.output.filter((o) => !current.includes(o))]
        : current.filter((o) => !parsed.output.includes(o));
    const checked = v.safeParse(AllowedOrigins, next);
    if (!checked.success)
      throw new CliError(
        'The list would be too long',
        checked.issues.map((i) => i.message),
      );
    return replaceAllowedOrigins(ctx, tenantId!, checked.output, CLI_ACTOR);
  });
  show(out, origins, 'Allowed origins now');
}
