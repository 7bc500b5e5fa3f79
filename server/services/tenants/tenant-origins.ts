// A tenant's allowed origins, read and replaced by the admin API and the CLI. Every change is
// audited with what was added and removed (origins are site addresses, not personal data), and
// this process forgets its cached public-key answers at once; other processes follow within the
// cache's second (auth.ts).
import { forgetPublicKeys } from '../../auth.js';
import type { AppContext } from '../../context.js';
import { notFound } from '../../errors.js';
import { appendAudit } from '../registers/audit.js';

export async function readAllowedOrigins(ctx: AppContext, tenantId: string): Promise<string[]> {
  const row = await ctx.db
    .selectFrom('tenants')
    .select('allowed_origins')
    .where('id', '=', tenantId)
    .executeTakeFirst();
  if (!row) throw notFound('tenant');
  return JSON.parse(row.allowed_origins) as string[];
}

/** Replaces the list (already validated and normalised by AllowedOrigins); returns the new list. */
export async function replaceAllowedOrigins(
  ctx: AppContext,
  tenantId: string,
  origins: string[],
  actor: string,
): Promise<string[]> {
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('tenants')
      .select('allowed_origins')
      .where('id', '=', tenantId)
      .executeTakeFirst();
    if (!row) throw notFound('tenant');
    const before = JSON.parse(row.allowed_origins) as string[];
    const added = origins.filter((o) => !before.includes(o));
    const removed = before.filter((o) => !origins.includes(o));
    if (added.length === 0 && removed.length === 0) return;
    await trx
      .updateTable('tenants')
      .set({ allowed_origins: JSON.stringify(origins) })
      .where('id', '=', tenantId)
      .execute();
    await appendAudit(
      trx,
      tenantId,
      { actor, action: 'tenant.origins_changed', target: tenantId, details: { added, removed } },
      at,
    );
  });
  forgetPublicKeys(ctx);
  return origins;
}
