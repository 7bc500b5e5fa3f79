// Walks a tenant's consent chain and reports the first position where it breaks
// (GDPR-04, Art. 7(1): record rewrites are detectable). Reads keyset pages in
// seq order, so millions of events are checked in bounded memory. Once old events
// have been pruned, the walk starts after the newest signed checkpoint (its signature
// and the events it says were kept are checked first) and the report says so.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { ConsentEventsTable, LedgerCheckpointsTable } from '../../db/database.js';
import { checkCheckpoint, foldKept, KEPT_GENESIS, newestCheckpoint } from './ledger-checkpoint.js';
import { contextDigest, eventHash } from './ledger-hash.js';
import { GENESIS_HASH } from './ledger-head.js';

/** Where the walk started when events before it were pruned. */
export interface CheckpointInfo {
  seq: number;
  hash: string;
  at: string;
  kid: string;
  /** Events pruned before it; the `kept` ones (current consent states) were checked one by one. */
  pruned: number;
  kept: number;
}

export type LedgerReport =
  | { ok: true; events: number; head: string; checkpoint?: CheckpointInfo }
  /** `events`: how many events verified before the break. */
  | { ok: false; events: number; brokenAt: number; reason: string; checkpoint?: CheckpointInfo };

export interface VerifyOptions {
  batchSize?: number;
  /** Called after each page with the number of events checked so far (the CLI's progress bar). */
  onProgress?: (checked: number) => void;
}

const DEFAULT_BATCH = 2000;

/**
 * Pruning may run while the walk does (another process, or the timer). A break seen
 * while the newest checkpoint changed under the walk is checked again from the new
 * checkpoint, a few times at most, so pruning is never reported as tampering.
 */
export async function verifyLedger(
  db: Kysely<Database>,
  tenantId: string,
  options: VerifyOptions = {},
): Promise<LedgerReport> {
  for (let attempt = 1; ; attempt += 1) {
    const { report, checkpointJws } = await verifyOnce(db, tenantId, options);
    if (report.ok || attempt >= 3) return report;
    const now = await newestCheckpoint(db, tenantId);
    if ((now?.jws ?? null) === checkpointJws) return report;
  }
}

async function verifyOnce(
  db: Kysely<Database>,
  tenantId: string,
  options: VerifyOptions,
): Promise<{ report: LedgerReport; checkpointJws: string | null }> {
  const newest = await newestCheckpoint(db, tenantId);
  return { report: await walk(db, tenantId, newest, options), checkpointJws: newest?.jws ?? null };
}

async function walk(
  db: Kysely<Database>,
  tenantId: string,
  newest: LedgerCheckpointsTable | null,
  options: VerifyOptions,
): Promise<LedgerReport> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  // The tip is read first: events appended while the walk runs are left for the next check.
  const head = await db
    .selectFrom('ledger_heads')
    .select(['ledger_seq', 'ledger_hash'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  const tipSeq = head?.ledger_seq ?? 0;
  let expectedSeq = 1;
  let previousHash = GENESIS_HASH;
  // Events verified before expectedSeq that are not a contiguous run (the kept ones before a checkpoint).
  let keptVerified = 0;
  let checkpoint: CheckpointInfo | undefined;
  const broken = (reason: string) => ({
    ok: false as const,
    events: keptVerified + expectedSeq - 1 - (checkpoint?.seq ?? 0),
    brokenAt: expectedSeq,
    reason,
    ...(checkpoint ? { checkpoint } : {}),
  });

  if (newest) {
    checkpoint = {
      seq: newest.seq,
      hash: newest.hash,
      at: newest.created_at,
      kid: newest.kid,
      pruned: newest.pruned,
      kept: newest.kept_count,
    };
    const trusted = await checkCheckpoint(db, newest);
    if (!trusted.ok)
      return { ok: false, events: 0, brokenAt: newest.seq, reason: trusted.reason, checkpoint };
    // What the checkpoint kept must be there, unchanged: each event against its own hash, all of them against the digest.
    let digest = KEPT_GENESIS;
    let after = 0;
    for (;;) {
      const page = await db
        .selectFrom('consent_events')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('seq', '>', after)
        .where('seq', '<=', newest.seq)
        .orderBy('seq')
        .limit(batchSize)
        .execute();
      for (const row of page) {
        const problem = rowProblem(row);
        if (problem)
          return {
            ok: false,
            events: keptVerified,
            brokenAt: row.seq,
            reason: problem,
            checkpoint,
          };
        digest = foldKept(digest, row.seq, row.hash);
        keptVerified += 1;
      }
      if (page.length < batchSize) break;
      after = page[page.length - 1].seq;
    }
    if (digest !== newest.kept_digest || keptVerified !== newest.kept_count) {
      return {
        ok: false,
        events: keptVerified,
        brokenAt: newest.seq,
        reason: 'the events kept before the checkpoint are not the ones it signed',
        checkpoint,
      };
    }
    expectedSeq = newest.seq + 1;
    previousHash = newest.hash;
  }

  while (expectedSeq <= tipSeq) {
    const page = await db
      .selectFrom('consent_events')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('seq', '>=', expectedSeq)
      .where('seq', '<=', tipSeq)
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    if (page.length === 0) return broken(`events ${expectedSeq} to ${tipSeq} are missing`);
    for (const row of page) {
      if (row.seq !== expectedSeq) return broken(`event ${expectedSeq} is missing`);
      if (row.prev_hash !== previousHash)
        return broken('prev_hash does not match the hash of the event before it');
      const problem = rowProblem(row);
      if (problem) return broken(problem);
      previousHash = row.hash;
      expectedSeq += 1;
    }
    options.onProgress?.(expectedSeq - 1);
  }

  const events = keptVerified + expectedSeq - 1 - (checkpoint?.seq ?? 0);
  const from = checkpoint ? { checkpoint } : {};
  // The head row records the tip's hash: a rewritten last event with a recomputed hash shows here.
  if (head && head.ledger_hash !== previousHash) {
    return {
      ok: false,
      events: events - 1,
      brokenAt: expectedSeq - 1,
      reason: 'the ledger head does not match the last event',
      ...from,
    };
  }
  return { ok: true, events, head: previousHash, ...from };
}

/** What is wrong with one stored event on its own, or null. */
function rowProblem(row: ConsentEventsTable): string | null {
  if (eventHash(row) !== row.hash) return 'the event does not match its hash';
  // Erasure nulls the request context but keeps its digest; while it is present it must match.
  if (
    (row.ip_truncated !== null || row.user_agent !== null) &&
    contextDigest(row.ip_truncated, row.user_agent) !== row.context_digest
  ) {
    return 'the IP address or user agent does not match the context digest';
  }
  return null;
}
