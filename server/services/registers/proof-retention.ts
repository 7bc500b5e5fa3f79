// Retention of the proof itself (Art. 5(1)(e) against Art. 7(1)): per tenant, how long
// ledger events, feed events, audit entries and the erasure register (tombstones) are
// kept, and the job that removes what is older. Ledger pruning keeps every person's
// current state and leaves a signed checkpoint (ledger-prune.ts), so the chain stays
// verifiable. Run by a timer in the server and on demand over the API.
import * as v from 'valibot';
import { ProofRetentionBody } from '../../../shared/schemas/proof-retention.js';
import type { AppContext } from '../../context.js';
import { notFound } from '../../errors.js';
import { appendAudit } from './audit.js';
import { getPublishedConfig } from '../config/config.js';
import { pruneLedger } from '../ledger/ledger-prune.js';

const DAY_MS = 86_400_000;
const FIVE_YEARS = 1826;
const CHUNK = 500;

export interface ProofRetention {
  settings: ProofRetentionBody;
  effective: {
    ledgerDays: number;
    feedDays: number;
    auditDays: number;
    erasureRegisterDays: number | null;
  };
  updatedAt: string | null;
}

export interface ProofPruneCounts {
  ledgerPruned: number;
  ledgerCheckpoint: number | null;
  feedPruned: number;
  auditPruned: number;
  erasureEntriesPruned: number;
}

export async function readProofRetention(
  ctx: Pick<AppContext, 'db'>,
  tenantId: string,
): Promise<ProofRetention> {
  const row = await ctx.db
    .selectFrom('tenants')
    .select('settings')
    .where('id', '=', tenantId)
    .executeTakeFirst();
  if (!row) throw notFound('tenant');
  const stored = JSON.parse(row.settings) as {
    proofRetention?: unknown;
    proofRetentionUpdatedAt?: string;
  };
  const parsed = v.safeParse(ProofRetentionBody, stored.proofRetention ?? {});
  const settings = parsed.success ? parsed.output : {};
  const published = await getPublishedConfig(ctx.db, tenantId);
  const consentDays = published?.config.consentTtlDays ?? 365;
  return {
    settings,
    effective: {
      // Proof of a consent is needed while it is relied on and for the usual limitation period after (five years).
      ledgerDays: settings.ledgerDays ?? consentDays + FIVE_YEARS,
      feedDays: settings.feedDays ?? 90,
      auditDays: settings.auditDays ?? FIVE_YEARS,
      erasureRegisterDays: settings.erasureRegisterDays ?? null,
    },
    updatedAt: stored.proofRetentionUpdatedAt ?? null,
  };
}

export async function saveProofRetention(
  ctx: AppContext,
  tenantId: string,
  body: ProofRetentionBody,
  actor: string,
): Promise<ProofRetention> {
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('tenants')
      .select('settings')
      .where('id', '=', tenantId)
      .executeTakeFirst();
    if (!row) throw notFound('tenant');
    const settings = {
      ...(JSON.parse(row.settings) as Record<string, unknown>),
      proofRetention: body,
      proofRetentionUpdatedAt: at,
    };
    await trx
      .updateTable('tenants')
      .set({ settings: JSON.stringify(settings) })
      .where('id', '=', tenantId)
      .execute();
    await appendAudit(
      trx,
      tenantId,
      {
        actor,
        action: 'tenant.settings_updated',
        target: tenantId,
        details: { fields: ['proofRetention'], ...body },
      },
      at,
    );
  });
  return readProofRetention(ctx, tenantId);
}

const before = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();

/** Removes one tenant's proof older than its retention, as of the context's clock. */
export async function pruneProof(
  ctx: Pick<AppContext, 'db' | 'clock' | 'keyring'>,
  tenantId: string,
  actor = 'system',
): Promise<ProofPruneCounts> {
  const now = ctx.clock.now();
  const { effective } = await readProofRetention(ctx, tenantId);
  const ledger = await pruneLedger(ctx, tenantId, before(now, effective.ledgerDays));
  const feed = await ctx.db
    .deleteFrom('feed_events')
    .where('tenant_id', '=', tenantId)
    .where('occurred_at', '<', before(now, effective.feedDays))
    .executeTakeFirst();
  const audit = await ctx.db
    .deleteFrom('audit_log')
    .where('tenant_id', '=', tenantId)
    .where('occurred_at', '<', before(now, effective.auditDays))
    .executeTakeFirst();
  let erasureEntriesPruned = 0;
  if (effective.erasureRegisterDays !== null) {
    const old = await ctx.db
      .selectFrom('tombstones')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('erased_at', '<', before(now, effective.erasureRegisterDays))
      .execute();
    for (let i = 0; i < old.length; i += CHUNK) {
      const ids = old.slice(i, i + CHUNK).map((t) => t.id);
      await ctx.db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('tombstone_identifiers')
          .where('tenant_id', '=', tenantId)
          .where('tombstone_id', 'in', ids)
          .execute();
        await trx
          .deleteFrom('tombstones')
          .where('tenant_id', '=', tenantId)
          .where('id', 'in', ids)
          .execute();
      });
    }
    erasureEntriesPruned = old.length;
  }
  const counts: ProofPruneCounts = {
    ledgerPruned: ledger.pruned,
    ledgerCheckpoint: ledger.checkpoint,
    feedPruned: Number(feed.numDeletedRows),
    auditPruned: Number(audit.numDeletedRows),
    erasureEntriesPruned,
  };
  if (
    counts.ledgerPruned + counts.feedPruned + counts.auditPruned + counts.erasureEntriesPruned >
      0 ||
    counts.ledgerCheckpoint !== null
  ) {
    await ctx.db
      .transaction()
      .execute((trx) =>
        appendAudit(
          trx,
          tenantId,
          { actor, action: 'proof.pruned', target: tenantId, details: { ...counts } },
          now.toISOString(),
        ),
      );
  }
  return counts;
}

/** Every active tenant's proof retention; one tenant's failure does not stop the others. */
export async function runProofRetention(ctx: AppContext): Promise<number> {
  const tenants = await ctx.db
    .selectFrom('tenants')
    .select('id')
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
  let done = 0;
  for (const { id } of tenants) {
    try {
      await pruneProof(ctx, id);
      done += 1;
    } catch (error) {
      ctx.logger.error({ err: error as Error, tenantId: id }, 'proof retention failed');
    }
  }
  return done;
}

/** Runs runProofRetention every `intervalMs` (six hours by default) in this process; returns a stop function. */
export function startProofRetentionJob(ctx: AppContext, intervalMs = 6 * 3_600_000): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      await runProofRetention(ctx);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
