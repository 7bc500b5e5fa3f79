// Offboarding (DELETE /v1/tenant): when a customer leaves, its keys, preference-center
// sessions and links stop working at once, its data stays exportable by the operator for a grace period, and then
// every row of the tenant is deleted (GDPR Art. 5(1)(e), Art. 28(3)(g) for a
// processor). The system log records both steps and outlives the tenant.
import type { Kysely } from 'kysely';
import { forgetPublicKeys } from '../../auth.js';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/database.js';
import { notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import { appendAudit } from '../registers/audit.js';
import { forgetStaffWithoutRoles } from '../staff/staff.js';

const DAY_MS = 86_400_000;

/**
 * Every table that holds rows of a tenant, children before their parents so the
 * order is right even without cascading keys. A test checks this list against the
 * tables in the database, so a table added later cannot be forgotten.
 */
export const tenantTables = [
  'staff_sessions',
  'staff_tokens',
  'staff_roles',
  'delivery_attempts',
  'webhook_deliveries',
  'webhooks',
  'sessions',
  'tokens',
  'outbox',
  'records',
  'kept_records',
  'consent_state',
  'subject_visitors',
  'consent_events',
  'idempotency_keys',
  'feed_events',
  'audit_log',
  'breach_notices',
  'breaches',
  'processors',
  'dpias',
  'ledger_checkpoints',
  'disclosures',
  'insight_decisions',
  'insight_choices',
  'insight_cursors',
  'requests',
  'tombstone_identifiers',
  'tombstones',
  'subjects',
  'config_versions',
  'ledger_heads',
  'api_keys',
] as const satisfies ReadonlyArray<keyof Database>;

export interface OffboardingState {
  tenantId: string;
  status: 'offboarding' | 'deleted';
  deleteAfter: string | null;
}

async function logSystem(
  db: Kysely<Database>,
  action: string,
  tenantId: string,
  details: Record<string, unknown>,
  at: string,
) {
  await db
    .insertInto('system_log')
    .values({
      id: newId('sys'),
      action,
      tenant_id: tenantId,
      details: JSON.stringify(details),
      occurred_at: at,
    })
    .execute();
}

/** Disables every key, session and link of the tenant at once and schedules the deletion. Repeating it changes nothing. */
export async function startOffboarding(
  ctx: AppContext,
  tenantId: string,
  actor: string,
): Promise<OffboardingState> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const state = await ctx.db.transaction().execute(async (trx): Promise<OffboardingState> => {
    const tenant = await trx
      .selectFrom('tenants')
      .select(['status', 'delete_after'])
      .where('id', '=', tenantId)
      .executeTakeFirst();
    if (!tenant) throw notFound('tenant');
    if (tenant.status === 'offboarding')
      return { tenantId, status: 'offboarding', deleteAfter: tenant.delete_after };
    const deleteAfter = new Date(
      now.getTime() + ctx.config.offboardingGraceDays * DAY_MS,
    ).toISOString();
    // auth.ts accepts keys (secret and public) of active tenants only: this one line disables them all.
    await trx
      .updateTable('tenants')
      .set({ status: 'offboarding', delete_after: deleteAfter })
      .where('id', '=', tenantId)
      .execute();
    // A leaving customer's people must not keep a way in either: every preference-center
    // session and every link (sign-in, preference, unsubscribe, double opt-in) ends now.
    const sessions = await trx
      .deleteFrom('sessions')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    const links = await trx
      .deleteFrom('tokens')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    const ended = {
      sessions: Number(sessions.numDeletedRows),
      links: Number(links.numDeletedRows),
    };
    await appendAudit(
      trx,
      tenantId,
      {
        actor,
        action: 'tenant.offboarding_started',
        target: tenantId,
        details: { deleteAfter, ended },
      },
      at,
    );
    await logSystem(
      trx,
      'tenant.offboarding_started',
      tenantId,
      { actor, deleteAfter, graceDays: ctx.config.offboardingGraceDays, ended },
      at,
    );
    return { tenantId, status: 'offboarding', deleteAfter };
  });
  // The banner's public key stops working at once in this process too (auth.ts caches it briefly).
  forgetPublicKeys(ctx);
  return state;
}

/** Deletes every row of the tenant in one transaction; the system log keeps what was deleted, by count. */
export async function deleteTenant(
  ctx: AppContext,
  tenantId: string,
  actor: string,
  reason: 'immediate' | 'grace_period_over',
): Promise<Record<string, number>> {
  const at = ctx.clock.now().toISOString();
  const deleted = await ctx.db.transaction().execute(async (trx) => {
    const tenant = await trx
      .selectFrom('tenants')
      .select('id')
      .where('id', '=', tenantId)
      .executeTakeFirst();
    if (!tenant) throw notFound('tenant');
    const counts: Record<string, number> = {};
    for (const table of tenantTables) {
      const result = await trx
        .deleteFrom(table)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      counts[table] = Number(result.numDeletedRows);
    }
    await trx.deleteFrom('tenants').where('id', '=', tenantId).execute();
    counts.tenants = 1;
    // Staff who served only this tenant are not kept either.
    await forgetStaffWithoutRoles(trx);
    await logSystem(trx, 'tenant.deleted', tenantId, { actor, reason, rows: counts }, at);
    return counts;
  });
  forgetPublicKeys(ctx);
  // Deleted rows hold personal data: make them unreadable in the files too (Art. 17, Art. 32).
  await ctx.store.scrub();
  return deleted;
}

/** Deletes the tenants whose grace period is over; answers their ids. */
export async function purgeOffboardedTenants(
  ctx: AppContext,
  now: Date = ctx.clock.now(),
): Promise<string[]> {
  const due = await ctx.db
    .selectFrom('tenants')
    .select('id')
    .where('status', '=', 'offboarding')
    .where('delete_after', '<=', now.toISOString())
    .execute();
  for (const { id } of due) await deleteTenant(ctx, id, 'system', 'grace_period_over');
  return due.map((t) => t.id);
}

/** Runs purgeOffboardedTenants every `intervalMs` (hourly by default); the timer never keeps the process alive. */
export function startOffboardingJob(ctx: AppContext, intervalMs = 3_600_000): () => void {
  const run = () => {
    purgeOffboardedTenants(ctx).catch((error: unknown) =>
      ctx.logger.error({ err: error as Error }, 'offboarding job failed'),
    );
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
