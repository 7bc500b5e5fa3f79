// Pruning a tenant's consent ledger (proof retention, Art. 5(1)(e)): events older than
// the tenant's ledger retention go, except the event that set each person's current
// state, which stays for as long as it is current (it is what a consent is proved by).
// Pruning works on a prefix of the chain, in batches, and each batch ends with a signed
// checkpoint (ledger-checkpoint.ts) so verification resumes from there. It writes no
// ledger events and takes no ledger lock: appends happen at the tip, far from here.
import { advanceInsights } from '../insights/insight-rollup.js';
import type { AppContext } from '../../context.js';
import {
  checkCheckpoint,
  foldKept,
  KEPT_GENESIS,
  newestCheckpoint,
  signCheckpoint,
} from './ledger-checkpoint.js';
import { activeSigningKey } from './receipts.js';

const BATCH = 5000;
const CHUNK = 500;

export interface PruneResult {
  pruned: number;
  kept: number;
  checkpoint: number | null;
}

/**
 * Prunes every event before `cutoff` (an ISO time) that no current state rests on,
 * including events kept by an earlier run whose state has since moved on.
 */
export async function pruneLedger(
  ctx: Pick<AppContext, 'db' | 'clock' | 'keyring'>,
  tenantId: string,
  cutoff: string,
): Promise<PruneResult> {
  const result: PruneResult = { pruned: 0, kept: 0, checkpoint: null };
  const previous = await newestCheckpoint(ctx.db, tenantId);
  // A checkpoint that does not verify must not be built upon: leave the ledger as it is for verify to report.
  if (previous && !(await checkCheckpoint(ctx.db, previous)).ok) return result;
  const prevSeq = previous?.seq ?? 0;
  // Count the events into the insights before any of them goes, so the counts stay whole.
  await advanceInsights(ctx.db, tenantId);

  const head = await ctx.db
    .selectFrom('ledger_heads')
    .select('ledger_seq')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  const tip = head?.ledger_seq ?? 0;
  // The prefix ends before the first event that is still young.
  const young = await ctx.db
    .selectFrom('consent_events')
    .select((eb) => eb.fn.min('seq').as('seq'))
    .where('tenant_id', '=', tenantId)
    .where('seq', '>', prevSeq)
    .where('seq', '<=', tip)
    .where('occurred_at', '>=', cutoff)
    .executeTakeFirst();
  const end = Math.max(prevSeq, young?.seq != null ? Number(young.seq) - 1 : tip);

  // Every position a current state rests on, up to the end: read once, kept whatever happens.
  const current = new Set(
    (
      await ctx.db
        .selectFrom('consent_state')
        .select('event_seq')
        .where('tenant_id', '=', tenantId)
        .where('event_seq', '<=', end)
        .execute()
    ).map((r) => r.event_seq),
  );
  // Events an earlier run kept because they were current then.
  const earlier =
    prevSeq === 0
      ? []
      : await ctx.db
          .selectFrom('consent_events')
          .select(['seq', 'hash', 'occurred_at'])
          .where('tenant_id', '=', tenantId)
          .where('seq', '<=', prevSeq)
          .orderBy('seq')
          .execute();
  const stale = earlier
    .filter((r) => !current.has(r.seq) && r.occurred_at < cutoff)
    .map((r) => r.seq);
  if (end === prevSeq && stale.length === 0) return result;

  let digest = previous?.kept_digest ?? KEPT_GENESIS;
  let keptCount = previous?.kept_count ?? 0;
  if (stale.length > 0) {
    // The digest covers what is kept; with some of it gone it is folded again from the start.
    const gone = new Set(stale);
    digest = KEPT_GENESIS;
    keptCount = 0;
    for (const row of earlier) {
      if (gone.has(row.seq)) continue;
      digest = foldKept(digest, row.seq, row.hash);
      keptCount += 1;
    }
  }
  let prunedTotal = previous?.pruned ?? 0;
  let pendingStale = stale;
  const key = await activeSigningKey(ctx);

  let fromSeq = prevSeq;
  do {
    const upTo = Math.min(end, fromSeq + BATCH);
    const rows =
      upTo === fromSeq
        ? []
        : await ctx.db
            .selectFrom('consent_events')
            .select(['seq', 'hash'])
            .where('tenant_id', '=', tenantId)
            .where('seq', '>', fromSeq)
            .where('seq', '<=', upTo)
            .orderBy('seq')
            .execute();
    // A gap where events should be: the chain is broken, and verify is there to say so.
    if (upTo > fromSeq && rows[rows.length - 1]?.seq !== upTo) return result;
    const doomed: number[] = [...pendingStale];
    for (const row of rows) {
      if (current.has(row.seq)) {
        digest = foldKept(digest, row.seq, row.hash);
        keptCount += 1;
        result.kept += 1;
      } else {
        doomed.push(row.seq);
      }
    }
    prunedTotal += doomed.length;
    const hash = rows.length > 0 ? rows[rows.length - 1].hash : previous!.hash;
    const at = ctx.clock.now().toISOString();
    const payload = {
      v: 1 as const,
      tenant: tenantId,
      seq: upTo,
      hash,
      kept: digest,
      keptCount,
      pruned: prunedTotal,
      at,
    };
    const checkpoint = {
      tenant_id: tenantId,
      seq: upTo,
      hash,
      kept_digest: digest,
      kept_count: keptCount,
      pruned: prunedTotal,
      kid: key.kid,
      jws: signCheckpoint(key, payload),
      created_at: at,
    };
    await ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < doomed.length; i += CHUNK) {
        await trx
          .deleteFrom('consent_events')
          .where('tenant_id', '=', tenantId)
          .where('seq', 'in', doomed.slice(i, i + CHUNK))
          .execute();
      }
      // Only stale events went and the end did not move: the newest checkpoint is signed again.
      await trx
        .insertInto('ledger_checkpoints')
        .values(checkpoint)
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'seq']).doUpdateSet({
            hash: checkpoint.hash,
            kept_digest: checkpoint.kept_digest,
            kept_count: checkpoint.kept_count,
            pruned: checkpoint.pruned,
            kid: checkpoint.kid,
            jws: checkpoint.jws,
            created_at: checkpoint.created_at,
          }),
        )
        .execute();
    });
    result.pruned += doomed.length;
    result.checkpoint = upTo;
    pendingStale = [];
    fromSeq = upTo;
  } while (fromSeq < end);
  return result;
}
